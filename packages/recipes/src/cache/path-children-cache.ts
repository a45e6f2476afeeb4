/**
 * PathChildrenCache — a local copy of the children of one node (not the node itself), with
 * their data unless `cacheData: false` (Curator's PathChildrenCache, kazoo's ChildrenWatch): a
 * {@link TreeCache} of depth 1 whose events about the parent are left out. The parent need
 * not exist: the cache is empty until it is created; when it is deleted every child is
 * reported removed, and a re-created parent's children are added again. Changes are detected
 * by zxids, never by `version` (CURATOR-391); the cache converges on the server's state and
 * does not promise every intermediate change.
 *
 * Failure semantics:
 * - suspended: keeps serving the last children, flagged `stale` (event `stale`).
 * - reconnected (same session): the children are read again, the differences reported
 *   (`childAdded` / `childUpdated` / `childRemoved`), then one `resynced`.
 * - lost / session expiry: keeps serving, flagged stale; on the new session the watch is added
 *   again and the children read, the differences reported, then `resynced`.
 * - close(): removes the watch (here and on the server), ends iterators, drops listeners and
 *   the data; idempotent. The client's close closes the cache.
 */
import type { ZooKeeperClient } from '@zookit/client';
import type { TreeCacheEvent } from './cache-event.js';
import { type CachedNode, childPath } from './cache-node.js';
import { CacheView } from './cache-view.js';

/** Options of a {@link PathChildrenCache}. */
export interface PathChildrenCacheOptions {
  /**
   * Keep each child's data (default true). When false, children are read with `exists` and
   * cached with `data: null`; their data changes are still reported (`childUpdated`) from
   * their Stat.
   */
  readonly cacheData?: boolean;
}

/**
 * What a {@link PathChildrenCache} reports, in order (`name` is the child's name, `node` its
 * state — for `childRemoved` the last one cached):
 * - `childAdded`: a child appeared (also each child of the first load, before `initialized`).
 * - `childUpdated`: its data changed (a newer mzxid); `previous` is the former state.
 * - `childRemoved`: it is gone (also each child when the parent is deleted). A child deleted
 *   and created again is `childRemoved` then `childAdded`.
 * - `initialized`: the first load is complete (once, even if children vanished while it ran).
 * - `stale` / `resynced`: as the TreeCache's.
 */
export type PathChildrenCacheEvent =
  | { readonly type: 'childAdded' | 'childRemoved'; readonly name: string; readonly node: CachedNode }
  | { readonly type: 'childUpdated'; readonly name: string; readonly node: CachedNode; readonly previous: CachedNode }
  | { readonly type: 'initialized' | 'resynced' }
  | { readonly type: 'stale'; readonly reason: 'suspended' | 'lost' };

export class PathChildrenCache extends CacheView<PathChildrenCacheEvent> {
  constructor(client: ZooKeeperClient, path: string, options: PathChildrenCacheOptions = {}) {
    if (typeof options !== 'object' || options === null) throw new TypeError('options: expected an object');
    super('PathChildrenCache', client, path, { maxDepth: 1, cacheData: options.cacheData ?? true });
  }

  protected translate(event: TreeCacheEvent): PathChildrenCacheEvent | undefined {
    return childEvent(event, this.path);
  }

  /** Whether children's data is kept (the `cacheData` option). */
  get cacheData(): boolean {
    return this.cache.cacheData;
  }

  /** The children as last read, name → node, in name order (empty when the parent does not exist). */
  children(): Map<string, CachedNode> {
    const out = new Map<string, CachedNode>();
    for (const name of this.cache.children(this.path) ?? []) {
      const node = this.cache.get(childPath(this.path, name));
      if (node) out.set(name, node);
    }
    return out;
  }

  /** The child `name` as last read, or undefined. Throws a TypeError for a name that is not a node name. */
  get(name: string): CachedNode | undefined {
    if (typeof name !== 'string' || name === '' || name.includes('/')) {
      throw new TypeError(`name: expected a child's name, got ${JSON.stringify(name)}`);
    }
    return this.cache.get(childPath(this.path, name));
  }
}

/** The children's view of an engine event at depth 1 below `parent` (the parent's own events dropped). */
export function childEvent(event: TreeCacheEvent, parent: string): PathChildrenCacheEvent | undefined {
  switch (event.type) {
    case 'created':
    case 'updated':
    case 'deleted': {
      // The parent's own creation, data changes and deletion are not the children's.
      if (event.path === parent) return undefined;
      const name = event.path.slice(event.path.lastIndexOf('/') + 1);
      if (event.type === 'updated') {
        return { type: 'childUpdated', name, node: event.node, previous: event.previous };
      }
      return { type: event.type === 'created' ? 'childAdded' : 'childRemoved', name, node: event.node };
    }
    default:
      return event;
  }
}
