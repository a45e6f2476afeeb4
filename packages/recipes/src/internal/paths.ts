import type { ZooKeeperClient } from '@zookit/client';

/**
 * Creates `path`'s missing ancestors (not `path` itself), as containers by default so that the
 * server reaps them once empty (Curator's creatingParentContainersIfNeeded). The client's
 * `ensurePath`: one pipelined round of `exists`, then the missing creates; NodeExists is success.
 */
export async function ensureParents(
  client: ZooKeeperClient,
  path: string,
  signal?: AbortSignal,
  mode: 'container' | 'persistent' = 'container',
): Promise<void> {
  const parent = path.slice(0, path.lastIndexOf('/'));
  if (parent !== '') await client.ensurePath(parent, { mode, signal });
}

/** Throws a TypeError unless `path` is an absolute znode path (no trailing slash). */
export function checkPath(name: string, path: string): string {
  if (typeof path !== 'string' || !path.startsWith('/') || (path.length > 1 && path.endsWith('/'))) {
    throw new TypeError(`${name}: expected an absolute znode path, got ${JSON.stringify(path)}`);
  }
  return path;
}
