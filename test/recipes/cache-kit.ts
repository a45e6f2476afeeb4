// What the cache suites (node-cache, path-children-cache) share: cutting a cache client's
// connection, expiring its session, making sure a parent path exists, draining an iterator.
import { NodeExistsError, type ZooKeeperClient } from '@zookit/client';
import { expireSession, type FaultProxy, waitUntil } from '@zookit/testing';
import type { RecipeFixture } from './recipe-fixture.js';

/** The session timeout the cache suites give their clients. */
export const T = 3000;

/** waitUntil options: `ms` (default T + 5 s) polled every 10 ms. */
export const bound = (description: string, ms = T + 5000) => ({ timeout: ms, interval: 10, description });

/** Cuts `zk`'s connection through `proxy` and keeps it cut (until `proxy.refuse(false)`); resolves once `zk` is suspended. */
export async function disconnect(proxy: FaultProxy, zk: ZooKeeperClient): Promise<void> {
  proxy.refuse(true);
  proxy.closeConnections();
  await waitUntil(async () => zk.state === 'suspended', bound('suspended'));
}

/** Cuts `zk`'s connection through `proxy` and expires its session on the server; the connection stays cut. */
export async function disconnectAndExpire(fx: RecipeFixture, proxy: FaultProxy, zk: ZooKeeperClient): Promise<void> {
  await disconnect(proxy, zk);
  await expireSession(fx.server.connectString, { id: zk.sessionId, password: zk.sessionPassword });
}

/** Creates `path` unless it exists. */
export async function ensureNode(zk: ZooKeeperClient, path: string): Promise<void> {
  await zk.create(path).catch((err) => {
    if (!(err instanceof NodeExistsError)) throw err;
  });
}

/** Everything `iterator` yields until it ends. */
export async function collect<E>(iterator: AsyncIterable<E>): Promise<E[]> {
  const out: E[] = [];
  for await (const e of iterator) out.push(e);
  return out;
}
