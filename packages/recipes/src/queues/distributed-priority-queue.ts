/**
 * DistributedPriorityQueue — a {@link DistributedQueue} whose consumers take the lowest
 * priority number first, FIFO within one priority (Curator's DistributedPriorityQueue and its
 * node names, see item-naming.ts). A priority is read when the consumer lists the queue: an
 * item put while a consumer holds another waits for that one to finish. Failure semantics: as
 * DistributedQueue.
 */
import type { ZooKeeperClient } from '@zookit/client';
import { priorityKey, priorityNaming } from './item-naming.js';
import { QueueEngine } from './queue-engine.js';
import type { DistributedQueueOptions, QueuePutOptions } from './queue-types.js';

export class DistributedPriorityQueue extends QueueEngine {
  constructor(client: ZooKeeperClient, path: string, options: DistributedQueueOptions = {}) {
    super(client, path, 'DistributedPriorityQueue', priorityNaming, options);
  }

  /** Puts `data` with `priority` (a 32-bit signed integer; lower first). */
  put(data: Uint8Array | string, priority: number, options: QueuePutOptions = {}): Promise<string> {
    if (!Number.isInteger(priority) || priority < -0x8000_0000 || priority > 0x7fff_ffff) {
      throw new RangeError(`priority: expected a 32-bit signed integer, got ${String(priority)}`);
    }
    return this.putItem(priorityKey(priority), data, options);
  }
}
