import {
  BadVersionError,
  ClientClosedError,
  ConnectionLossError,
  NoNodeError,
  SessionExpiredError,
  type Stat,
  type Watcher,
  type ZooKeeperClient,
} from '@zookit/client';

/**
 * Whether the client has a connection now. While it has none, every request of ours is queued
 * (one in flight when the connection broke has failed with ConnectionLoss), so aborting a
 * request then guarantees it is never sent.
 */
export function isConnected(client: ZooKeeperClient): boolean {
  const { state } = client;
  return state === 'connected' || state === 'reconnected' || state === 'read-only';
}

/**
 * Deletes the node at `path` only while it is the incarnation created at `czxid` (a node
 * re-created there by someone else is left alone), retrying after connection losses and
 * concurrent writes, a bounded number of times and until `signal` aborts. Never throws: a node
 * that cannot be deleted now is either gone with its session or not ours.
 */
export async function deleteOwnNode(
  client: ZooKeeperClient,
  path: string,
  czxid: bigint,
  signal?: AbortSignal,
  attempts = 10,
): Promise<void> {
  for (let i = 0; i < attempts && !signal?.aborted; i++) {
    try {
      const { stat } = await client.exists(path, { signal });
      if (!stat || stat.czxid !== czxid) return;
      await client.delete(path, { version: stat.version, signal });
      return;
    } catch (err) {
      if (err instanceof NoNodeError || err instanceof SessionExpiredError || err instanceof ClientClosedError) return;
      // BadVersion: written between our read and the delete (a touch, a setData): read again.
      if (!(err instanceof ConnectionLossError) && !(err instanceof BadVersionError)) return;
    }
  }
}

/** The children of `parent` whose names start with `prefix` (our protected nodes), with their Stat. */
export async function findByPrefix(
  client: ZooKeeperClient,
  parent: string,
  prefix: string,
  signal?: AbortSignal,
): Promise<Array<{ path: string; stat: Stat }>> {
  let children: string[];
  try {
    ({ children } = await client.getChildren(parent, { signal }));
  } catch (err) {
    if (err instanceof NoNodeError) return [];
    throw err;
  }
  const found: Array<{ path: string; stat: Stat }> = [];
  for (const name of children.filter((c) => c.startsWith(prefix))) {
    const path = `${parent === '/' ? '' : parent}/${name}`;
    const { stat } = await client.exists(path, { signal });
    if (stat) found.push({ path, stat });
  }
  return found;
}

/**
 * Removes our one-shot data watch on `path`, on the server too while connected; otherwise (or
 * when the server could not be asked) only here — the server's copy then dies with its first
 * trigger or the session, and this client ignores it. Never throws.
 */
export function removeDataWatch(client: ZooKeeperClient, path: string, watcher: Watcher): Promise<void> {
  return removeOwnWatch(client, path, watcher, 'data');
}

/** {@link removeDataWatch} for a watcher set by any read (`'any'`: getChildren, exists or getData). */
export async function removeOwnWatch(
  client: ZooKeeperClient,
  path: string,
  watcher: Watcher,
  type: 'data' | 'any',
): Promise<void> {
  try {
    await client.removeWatches(path, { type, watcher, local: !isConnected(client) });
  } catch {
    // NoWatcher: it fired or ended with the session. Anything else: drop it here at least.
    await client.removeWatches(path, { type, watcher, local: true }).catch(() => undefined);
  }
}

/**
 * Waits for `work` (a best-effort server-side cleanup), but no longer than the connection
 * lasts: once disconnected, requests queue for the next connection, and a close must not wait
 * for that. Never throws.
 */
export async function whileConnected(client: ZooKeeperClient, work: Promise<unknown>): Promise<void> {
  let unsubscribe: (() => void) | undefined;
  const disconnected = new Promise<void>((resolve) => {
    if (!isConnected(client)) return resolve();
    unsubscribe = client.onStateChange(() => {
      if (!isConnected(client)) resolve();
    });
  });
  try {
    await Promise.race([work.catch(() => undefined), disconnected]);
  } finally {
    unsubscribe?.();
  }
}
