import { ConnectRequest, ConnectResponse, encodeRecordFrame, JuteReader, PROTOCOL_VERSION } from '@zookit/protocol';
import type { SessionRecord } from './sessions.js';

/**
 * What to do with a connection's first frame (ZooKeeper's processConnectRequest), decided
 * without side effects:
 * - `refuse`: close the connection without a reply: the frame is not a ConnectRequest, or the
 *   client has seen a later zxid than this server has applied (it must find a server not behind).
 * - `create`: the client asks for a new session with the negotiated `timeout`.
 * - `resume`: the client shows the id and password of a live session; it is rebound with `timeout`.
 * - `expired`: the session is unknown, closing or the password is wrong: send `frame` (a
 *   ConnectResponse with timeout 0 and session id 0, which clients read as SessionExpired), then close.
 *
 * `oldClient` is set when the client omitted the trailing readOnly byte: every ConnectResponse
 * to it must omit the byte too.
 */
export type Handshake =
  | { readonly kind: 'refuse' }
  | { readonly kind: 'create'; readonly oldClient: boolean; readonly timeout: number }
  | { readonly kind: 'resume'; readonly oldClient: boolean; readonly timeout: number; readonly session: SessionRecord }
  | { readonly kind: 'expired'; readonly oldClient: boolean; readonly frame: Buffer };

/** The configured session timeout bounds (ms), as in CoreConfig. */
export interface TimeoutBounds {
  readonly minSessionTimeout: number;
  readonly maxSessionTimeout: number;
}

/**
 * Decides the answer to the ConnectRequest in `payload` (the frame without its length prefix),
 * given the zxid of the last applied entry and the known sessions. The requested timeout is
 * clamped to the bounds. Pure: it creates, touches and binds nothing.
 */
export function decideHandshake(
  payload: Buffer,
  lastApplied: bigint,
  sessions: ReadonlyMap<bigint, SessionRecord>,
  bounds: TimeoutBounds,
): Handshake {
  let request: ConnectRequest;
  try {
    // Bytes after the record (past the readOnly byte) are ignored, as ZooKeeper ignores them.
    request = ConnectRequest.decode(new JuteReader(payload));
  } catch {
    return { kind: 'refuse' };
  }
  if (request.lastZxidSeen > lastApplied) return { kind: 'refuse' };
  const oldClient = request.readOnly === undefined;
  const timeout = Math.min(Math.max(request.timeOut, bounds.minSessionTimeout), bounds.maxSessionTimeout);
  if (request.sessionId === 0n) return { kind: 'create', oldClient, timeout };
  const session = sessions.get(request.sessionId);
  const passwd = request.passwd ?? new Uint8Array(0);
  if (!session || session.closing || !Buffer.from(session.password).equals(Buffer.from(passwd))) {
    return { kind: 'expired', oldClient, frame: connectResponseFrame(oldClient, 0, 0n, new Uint8Array(16)) };
  }
  return { kind: 'resume', oldClient, timeout, session };
}

/**
 * A ConnectResponse frame (length prefix included). The readOnly byte mirrors the request: sent
 * as false (this server is never read-only) unless the client is an old one that omitted it.
 */
export function connectResponseFrame(
  oldClient: boolean,
  timeOut: number,
  sessionId: bigint,
  passwd: Uint8Array,
): Buffer {
  const response: ConnectResponse = { protocolVersion: PROTOCOL_VERSION, timeOut, sessionId, passwd };
  if (!oldClient) response.readOnly = false;
  return encodeRecordFrame(ConnectResponse, response);
}
