import { encodeRequestFrame, OpCode, SetWatches, SetWatches2, Xid } from '@zookit/protocol';
import type { Connection } from '../connection.js';
import type { WatchRegistry } from './watch-registry.js';

/** Path bytes per SetWatches frame, as the Java client: well under jute.maxbuffer. */
const BATCH_BYTES = 128 * 1024;

/**
 * Re-registers every watch on a new connection of the same session, before any queued request.
 * The server fires at once the events the client missed since `lastZxid` (data changed, node
 * created or deleted, children changed), so a change made while disconnected is seen exactly
 * once. Sends SetWatches2 when persistent watches exist (ZooKeeper 3.6+), SetWatches otherwise,
 * split so that no frame exceeds {@link BATCH_BYTES} of paths.
 */
export function resendWatches(
  connection: Connection,
  registry: WatchRegistry,
  lastZxid: bigint,
  onReply: (err: number) => void,
): void {
  const lists = {
    dataWatches: registry.paths('data'),
    existWatches: registry.paths('exist'),
    childWatches: registry.paths('child'),
    persistentWatches: registry.paths('persistent'),
    persistentRecursiveWatches: registry.paths('persistentRecursive'),
  };
  const v2 = lists.persistentWatches.length > 0 || lists.persistentRecursiveWatches.length > 0;
  const keys = Object.keys(lists) as Array<keyof typeof lists>;
  let batch = emptyBatch();
  let bytes = 0;
  const flush = () => {
    const frame = v2
      ? encodeRequestFrame({ xid: Xid.SET_WATCHES, type: OpCode.setWatches2 }, SetWatches2, {
          relativeZxid: lastZxid,
          ...batch,
        })
      : encodeRequestFrame({ xid: Xid.SET_WATCHES, type: OpCode.setWatches }, SetWatches, {
          relativeZxid: lastZxid,
          dataWatches: batch.dataWatches,
          existWatches: batch.existWatches,
          childWatches: batch.childWatches,
        });
    connection.send(frame, {
      xid: Xid.SET_WATCHES,
      settle: (header) => onReply(header.err),
      fail: () => {},
    });
    batch = emptyBatch();
    bytes = 0;
  };
  for (const key of keys) {
    for (const path of lists[key]) {
      const size = Buffer.byteLength(path) + 4;
      if (bytes > 0 && bytes + size > BATCH_BYTES) flush();
      batch[key].push(path);
      bytes += size;
    }
  }
  if (bytes > 0) flush();
}

function emptyBatch() {
  return {
    dataWatches: [] as string[],
    existWatches: [] as string[],
    childWatches: [] as string[],
    persistentWatches: [] as string[],
    persistentRecursiveWatches: [] as string[],
  };
}
