/**
 * NodeCache — a local copy of one node (Curator's NodeCache, kazoo's DataWatch): its data and
 * Stat, kept current by one plain persistent watch on the path (a {@link TreeCache} of depth
 * 0). The node need not exist: the cache is then empty and fills when it is created.
 * Changes are detected by zxids, never by `version`, so a delete and re-create is always seen
 * (CURATOR-391); the cache converges on the node's state and does not promise every
 * intermediate change.
 *
 * Failure semantics:
 * - suspended: `current` keeps the last data, flagged `stale` (event `stale`).
 * - reconnected (same session): the node is read again; a difference is reported as
 *   `changed`, then one `resynced`.
 * - lost / session expiry: `current` keeps the last data, flagged stale; on the new session the
 *   watch is added again and the node read, then `changed` (if it did) and `resynced`.
 * - close(): removes the watch (here and on the server), ends iterators, drops listeners and
 *   the data; idempotent. The client's close closes the cache.
 */
import type { ZooKeeperClient } from '@zookit/client';
import type { TreeCacheEvent } from './cache-event.js';
import type { CachedNode } from './cache-node.js';
import { CacheView } from './cache-view.js';

/**
 * What a {@link NodeCache} reports, in order:
 * - `changed`: the node was `created` (also at the first read, if it exists), `updated` (a
 *   newer mzxid; `previous` is the former state) or `deleted` (`node` is its last state).
 *   A node deleted and created again is `deleted` then `created`.
 * - `stale` / `resynced`: as the TreeCache's.
 */
export type NodeCacheEvent =
  | { readonly type: 'changed'; readonly change: 'created' | 'deleted'; readonly node: CachedNode }
  | { readonly type: 'changed'; readonly change: 'updated'; readonly node: CachedNode; readonly previous: CachedNode }
  | { readonly type: 'stale'; readonly reason: 'suspended' | 'lost' }
  | { readonly type: 'resynced' };

export class NodeCache extends CacheView<NodeCacheEvent> {
  constructor(client: ZooKeeperClient, path: string) {
    super('NodeCache', client, path, { maxDepth: 0 });
  }

  protected translate(event: TreeCacheEvent): NodeCacheEvent | undefined {
    return nodeEvent(event);
  }

  /** The node as last read ({ path, data, stat }), or undefined when it does not exist (or before start, after close). */
  get current(): CachedNode | undefined {
    return this.cache.get(this.path);
  }
}

function nodeEvent(event: TreeCacheEvent): NodeCacheEvent | undefined {
  switch (event.type) {
    case 'created':
    case 'deleted':
      return { type: 'changed', change: event.type, node: event.node };
    case 'updated':
      return { type: 'changed', change: 'updated', node: event.node, previous: event.previous };
    case 'stale':
    case 'resynced':
      return event;
    case 'initialized':
      return undefined; // start() resolving says it
  }
}
