import type { CachedNode } from './cache-node.js';

/**
 * What a {@link TreeCache} reports, in order:
 * - `initialized`: the first load is complete (once).
 * - `created` / `updated` / `deleted`: a node entered the cache (also each node of the first
 *   load, before `initialized`), its data changed (a newer mzxid), or it left (`node` is its
 *   last cached state). A node deleted and created again is `deleted` then `created`. The cache converges on the server's state; it does not promise
 *   every intermediate change (a change undone before it was read is not reported).
 * - `stale`: the connection was suspended or the session lost; the cache keeps serving what it
 *   has, flagged `stale`, until the next `resynced`.
 * - `resynced`: after a reconnection the tree was read again and the differences reported
 *   (as the events just before it); one per reconnection.
 */
export type TreeCacheEvent =
  | { readonly type: 'initialized' }
  | { readonly type: 'created'; readonly path: string; readonly node: CachedNode }
  | { readonly type: 'updated'; readonly path: string; readonly node: CachedNode; readonly previous: CachedNode }
  | { readonly type: 'deleted'; readonly path: string; readonly node: CachedNode }
  | { readonly type: 'stale'; readonly reason: 'suspended' | 'lost' }
  | { readonly type: 'resynced' };
