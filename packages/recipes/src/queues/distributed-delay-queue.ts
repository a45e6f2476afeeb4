/**
 * DistributedDelayQueue — a {@link DistributedQueue} whose items are not consumed before their
 * due time, earliest first (Curator's DistributedDelayQueue and its node names, see
 * item-naming.ts). Due times are compared with this process's clock (`Date.now()`): never
 * before the due time by that clock; clocks of producers and consumers should agree. A consumer
 * sleeps until the next due time (a timer, no polling) or the next change. Failure semantics:
 * as DistributedQueue; a requeued item keeps its due time.
 */
import type { ZooKeeperClient } from '@zookit/client';
import { delayKey, delayNaming } from './item-naming.js';
import { QueueEngine } from './queue-engine.js';
import type { DistributedQueueOptions, QueuePutOptions } from './queue-types.js';

export class DistributedDelayQueue extends QueueEngine {
  constructor(client: ZooKeeperClient, path: string, options: DistributedQueueOptions = {}) {
    super(client, path, 'DistributedDelayQueue', delayNaming, options);
  }

  /** Puts `data`, to be consumed not before `dueAt` (epoch ms or a Date). */
  put(data: Uint8Array | string, dueAt: number | Date, options: QueuePutOptions = {}): Promise<string> {
    const epoch = dueAt instanceof Date ? dueAt.getTime() : dueAt;
    if (!Number.isSafeInteger(epoch) || epoch < 0) {
      throw new RangeError(
        `dueAt: expected epoch milliseconds (a non-negative integer) or a Date, got ${String(dueAt)}`,
      );
    }
    return this.putItem(delayKey(epoch), data, options);
  }
}
