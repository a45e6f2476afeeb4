/**
 * DistributedIdQueue — a FIFO {@link DistributedQueue} whose items carry an id in their node
 * name, so that items can be removed by id before they are consumed (Curator's
 * DistributedIdQueue and its node names, see item-naming.ts). Failure semantics: as
 * DistributedQueue; `remove` skips items a consumer holds.
 */
import type { ZooKeeperClient } from '@zookit/client';
import { idKey, idNaming, idOf } from './item-naming.js';
import { QueueEngine } from './queue-engine.js';
import type { DistributedQueueOptions, QueuePutOptions } from './queue-types.js';

function checkId(id: string): string {
  if (typeof id !== 'string' || id === '' || id.includes('/') || id.includes('|')) {
    throw new TypeError(`id: expected a non-empty string without '/' or '|', got ${JSON.stringify(id)}`);
  }
  return id;
}

export class DistributedIdQueue extends QueueEngine {
  constructor(client: ZooKeeperClient, path: string, options: DistributedQueueOptions = {}) {
    super(client, path, 'DistributedIdQueue', idNaming, options);
  }

  /** Appends `data` under `id` (ids need not be unique). */
  put(data: Uint8Array | string, id: string, options: QueuePutOptions = {}): Promise<string> {
    return this.putItem(idKey(checkId(id)), data, options);
  }

  /** Deletes the waiting items with `id` (not those a consumer holds); resolves with how many. */
  remove(id: string, options: QueuePutOptions = {}): Promise<number> {
    checkId(id);
    return this.removeWhere((key) => idOf(key) === id, options);
  }
}
