/**
 * DistributedQueue — a FIFO queue of byte items in ZooKeeper (Curator's DistributedQueue, with
 * its node names `queue-<sequence>`). Producers `put`; a queue started with a `consumer`
 * consumes one item at a time. Read Curator Tech Note 4 first: ZooKeeper is not a
 * high-volume queue (docs/recipes.md).
 *
 * Failure semantics (safe mode, the default; see {@link QueueMode}):
 * - suspended: under the standard error policy the item's `signal` aborts (the lock may be lost);
 *   the item stays in the queue, its lock is deleted if it is still ours. Waiting consumers
 *   keep waiting (their watches survive a reconnect with the same session).
 * - lost / session expiry: the lock died with the session, `signal` aborts, the item is left for
 *   another consumer; a multi is never sent under a later session, so a late handler cannot
 *   delete an item (or a lock) another consumer took meanwhile. The consumer goes on under the
 *   new session. A handler that resolved just as its session ended may see its item processed
 *   again (at least once): fence downstream writes with `token`.
 * - close(): aborts the handler's `signal` and waits for it to return (the item stays), rejects
 *   waiting puts, removes every watch and listener, leaves no lock. Idempotent.
 * - at-most-once mode: the item is deleted before the handler runs; a crash loses it.
 */
import type { ZooKeeperClient } from '@zookit/client';
import { plainNaming } from './item-naming.js';
import { QueueEngine } from './queue-engine.js';
import type { DistributedQueueOptions, QueuePutOptions } from './queue-types.js';

export class DistributedQueue extends QueueEngine {
  constructor(client: ZooKeeperClient, path: string, options: DistributedQueueOptions = {}) {
    super(client, path, 'DistributedQueue', plainNaming, options);
  }

  /** Appends `data`; resolves with the item's node name. Waits for room in a bounded queue. */
  put(data: Uint8Array | string, options: QueuePutOptions = {}): Promise<string> {
    return this.putItem('', data, options);
  }
}
