import type { Codec } from './jute/codec.js';
import { JuteWriter } from './jute/writer.js';
import { ReplyHeader, RequestHeader } from './records/headers.js';

/**
 * Encodes one length-prefixed frame: `write` fills the payload, the 4-byte length is patched in.
 * Used for every frame: requests, replies, and the bare ConnectRequest/ConnectResponse.
 */
export function encodeFrame(write: (writer: JuteWriter) => void, sizeHint = 128): Buffer {
  const w = new JuteWriter(sizeHint + 4);
  w.writeInt(0);
  write(w);
  w.patchInt(0, w.length - 4);
  return w.finish();
}

/** A frame holding one record and nothing else (the handshake frames). */
export function encodeRecordFrame<T>(codec: Codec<T>, value: T): Buffer {
  return encodeFrame((w) => codec.encode(w, value));
}

/** A client request frame: RequestHeader, then `body` if the op has one. */
export function encodeRequestFrame<T>(header: RequestHeader, codec?: Codec<T>, body?: T): Buffer {
  return encodeFrame((w) => {
    RequestHeader.encode(w, header);
    if (codec) codec.encode(w, body as T);
  });
}

/** A server reply frame: ReplyHeader, then `body` (send none when `header.err !== 0`). */
export function encodeReplyFrame<T>(header: ReplyHeader, codec?: Codec<T>, body?: T): Buffer {
  return encodeFrame((w) => {
    ReplyHeader.encode(w, header);
    if (codec) codec.encode(w, body as T);
  });
}
