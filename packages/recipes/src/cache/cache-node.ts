import type { Stat } from '@zookit/client';

/** A node as cached: its data and Stat as of the last read of it. */
export interface CachedNode {
  readonly path: string;
  /** `null` for a node without data, or when the cache does not keep data (`cacheData: false`). */
  readonly data: Buffer | null;
  /**
   * From the read of the data; child-related fields (numChildren, cversion, pzxid) may lag:
   * recursive watches do not report child-list changes. Use `children(path)` for those.
   */
  readonly stat: Stat;
}

/** How a fresh read of a node relates to the cached one. */
export type Change = 'created' | 'updated' | 'replaced' | 'unchanged' | 'stale';

/**
 * Compares by zxids, never by `version` (which restarts at 0 when a node is deleted and created
 * again: CURATOR-391): another czxid is another incarnation of the path (the older one was
 * deleted, with all its descendants); a newer mzxid is a data change; an older read is stale.
 */
export function classify(cached: CachedNode | undefined, fresh: CachedNode): Change {
  if (!cached) return 'created';
  if (fresh.stat.czxid !== cached.stat.czxid) return fresh.stat.czxid > cached.stat.czxid ? 'replaced' : 'stale';
  if (fresh.stat.mzxid > cached.stat.mzxid) return 'updated';
  return fresh.stat.mzxid === cached.stat.mzxid ? 'unchanged' : 'stale';
}

/** Depth of `path` below `root` (0 for the root itself). */
export function depthBelow(root: string, path: string): number {
  if (path === root) return 0;
  const rest = root === '/' ? path : path.slice(root.length);
  let depth = 0;
  for (const c of rest) if (c === '/') depth++;
  return depth;
}

/** `parent/name` without doubling the root's slash. */
export function childPath(parent: string, name: string): string {
  return parent === '/' ? `/${name}` : `${parent}/${name}`;
}

export function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}
