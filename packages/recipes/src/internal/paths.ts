import { type CreateModeName, NodeExistsError, type ZooKeeperClient } from '@zookit/client';

/**
 * Creates `path`'s missing ancestors (not `path` itself), as containers by default so that the
 * server reaps them once empty (Curator's creatingParentContainersIfNeeded).
 */
export async function ensureParents(
  client: ZooKeeperClient,
  path: string,
  signal?: AbortSignal,
  mode: CreateModeName = 'container',
): Promise<void> {
  const parts = path.split('/').filter(Boolean);
  let current = '';
  for (const part of parts.slice(0, -1)) {
    current += `/${part}`;
    if ((await client.exists(current, { signal })).stat) continue;
    try {
      await client.create(current, null, { mode, signal });
    } catch (err) {
      if (!(err instanceof NodeExistsError)) throw err;
    }
  }
}

/** Creates `path` and its ancestors (containers), ignoring NodeExists. */
export async function ensurePath(client: ZooKeeperClient, path: string, signal?: AbortSignal): Promise<void> {
  await ensureParents(client, `${path}/x`, signal);
}

/** Throws a TypeError unless `path` is an absolute znode path (no trailing slash). */
export function checkPath(name: string, path: string): string {
  if (typeof path !== 'string' || !path.startsWith('/') || (path.length > 1 && path.endsWith('/'))) {
    throw new TypeError(`${name}: expected an absolute znode path, got ${JSON.stringify(path)}`);
  }
  return path;
}
