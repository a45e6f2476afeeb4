import { type Codec, encodeReplyFrame, KeeperState, WatcherEvent, Xid } from '@zookit/protocol';

/** What an op produced: an error code, and for a success the response record (if the op has one). */
export interface Outcome {
  readonly err: number;
  readonly codec?: Codec<unknown> | null;
  readonly body?: unknown;
}

/**
 * The reply frame (length prefix included) to request `xid`: a ReplyHeader carrying `zxid`, then
 * the response record only if the op succeeded and has one (a failed op's reply is the header alone).
 */
export function replyFrame(xid: number, zxid: bigint, outcome: Outcome): Buffer {
  const codec = outcome.err === 0 && outcome.codec ? outcome.codec : undefined;
  return encodeReplyFrame({ xid, zxid, err: outcome.err }, codec, outcome.body);
}

/** A watch notification frame: xid -1, the WatcherEvent of `type` on `path`, in state SyncConnected. */
export function notificationFrame(type: number, path: string, zxid: bigint): Buffer {
  return encodeReplyFrame({ xid: Xid.NOTIFICATION, zxid, err: 0 }, WatcherEvent, {
    type,
    state: KeeperState.SyncConnected,
    path,
  });
}
