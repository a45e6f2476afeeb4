// TreeCache (recipes reference §6 items 12 and 14) on both servers.
import { randomUUID } from 'node:crypto';
import { NodeExistsError, type ZooKeeperClient } from '@zookit/client';
import { TreeCache, type TreeCacheEvent } from '@zookit/recipes';
import { expireSession, waitUntil } from '@zookit/testing';
import { describe, expect, it } from 'vitest';
import { serverTargets } from '../servers.js';
import { useRecipeFixture } from './recipe-fixture.js';

const T = 3000;
const bound = (ms = T + 5000) => ({ timeout: ms, interval: 10 });

/** path → "mzxid:data" of the server's tree under `root`, as another session reads it. */
async function serverTree(zk: ZooKeeperClient, root: string, maxDepth = Number.POSITIVE_INFINITY) {
  const out = new Map<string, string>();
  const visit = async (path: string, depth: number) => {
    const { data, stat } = await zk.getData(path).catch(() => ({ data: null, stat: undefined }));
    if (!stat) return;
    out.set(path, `${stat.mzxid}:${data?.toString('utf8')}`);
    if (depth >= maxDepth) return;
    for (const name of (await zk.getChildren(path)).children) await visit(`${path}/${name}`, depth + 1);
  };
  await visit(root, 0);
  return out;
}

function cacheTree(cache: TreeCache) {
  const out = new Map<string, string>();
  for (const path of cache.paths()) {
    const node = cache.get(path);
    if (node) out.set(path, `${node.stat.mzxid}:${node.data?.toString('utf8')}`);
  }
  return out;
}

const sorted = (m: Map<string, string>) => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** The events as "type path" lines (data for created/updated), for readable assertions. */
const describeEvents = (events: TreeCacheEvent[]) =>
  events.map((e) =>
    e.type === 'created' || e.type === 'updated'
      ? `${e.type} ${e.path} ${e.node.data?.toString('utf8')}`
      : e.type === 'deleted'
        ? `deleted ${e.path}`
        : e.type === 'stale'
          ? `stale ${e.reason}`
          : e.type,
  );

describe.each(serverTargets)('TreeCache on $name', (target) => {
  const fx = useRecipeFixture(target, { sessionTimeout: T });
  const { client, track } = fx;

  async function startCache(zk: ZooKeeperClient, root: string, maxDepth?: number) {
    const cache = track(new TreeCache(zk, root, maxDepth === undefined ? {} : { maxDepth }));
    const events: TreeCacheEvent[] = [];
    cache.on((e) => events.push(e));
    await cache.start({ signal: AbortSignal.timeout(5000) });
    return { cache, events };
  }

  async function build(zk: ZooKeeperClient, root: string, nodes: Record<string, string | null>) {
    await zk.create(root.slice(0, root.lastIndexOf('/'))).catch((err) => {
      if (!(err instanceof NodeExistsError)) throw err;
    });
    await zk.create(root, 'root');
    for (const [rel, data] of Object.entries(nodes)) await zk.create(`${root}/${rel}`, data);
  }

  it('tree cache – loads a 4-level tree, then follows creates, updates and deletes', async () => {
    const zk = await client();
    const other = await client();
    const root = `/cache/${randomUUID()}`;
    await build(other, root, { a: 'a', 'a/b': 'b', 'a/b/c': 'c', 'a/b/c/d': 'd', x: null });
    const { cache, events } = await startCache(zk, root);
    expect(sorted(cacheTree(cache))).toEqual(sorted(await serverTree(other, root)));
    expect(events.at(-1)).toEqual({ type: 'initialized' });
    expect(events.filter((e) => e.type === 'created')).toHaveLength(6);
    expect(cache.children(root)).toEqual(['a', 'x']);
    expect(cache.children(`${root}/a/b/c/d`)).toEqual([]);
    expect(cache.get(`${root}/x`)?.data).toBeNull();
    expect(cache.get(`${root}/nope`)).toBeUndefined();
    events.length = 0;
    await other.create(`${root}/a/b/c/d/e`, 'e');
    await other.setData(`${root}/a`, 'a2');
    await other.delete(`${root}/x`);
    await waitUntil(async () => events.length === 3, { ...bound(), description: 'three events' });
    expect(describeEvents(events)).toEqual([
      `created ${root}/a/b/c/d/e e`,
      `updated ${root}/a a2`,
      `deleted ${root}/x`,
    ]);
    const updated = events[1] as Extract<TreeCacheEvent, { type: 'updated' }>;
    expect(updated.previous.data?.toString()).toBe('a');
    expect(sorted(cacheTree(cache))).toEqual(sorted(await serverTree(other, root)));
    expect(cache.stale).toBe(false);
  });

  it('tree cache – a root that does not exist yet fills when created; deleting it empties the cache', async () => {
    const zk = await client();
    const other = await client();
    const root = `/cache/${randomUUID()}`;
    const { cache, events } = await startCache(zk, root);
    expect(cache.size).toBe(0);
    expect(events).toEqual([{ type: 'initialized' }]);
    await build(other, root, { k: 'v' });
    await waitUntil(async () => cache.size === 2, { ...bound(), description: 'root and child' });
    await other.delete(`${root}/k`);
    await other.delete(root);
    await waitUntil(async () => cache.size === 0, { ...bound(), description: 'empty' });
    expect(describeEvents(events.slice(1))).toEqual([
      `created ${root} root`,
      `created ${root}/k v`,
      `deleted ${root}/k`,
      `deleted ${root}`,
    ]);
  });

  it('tree cache – maxDepth bounds what is read and cached', async () => {
    const zk = await client();
    const other = await client();
    const root = `/cache/${randomUUID()}`;
    await build(other, root, { a: '1', 'a/b': '2', 'a/b/c': '3' });
    const { cache, events } = await startCache(zk, root, 1);
    expect(cache.paths().sort()).toEqual([root, `${root}/a`]);
    expect(cache.children(`${root}/a`)).toEqual([]);
    events.length = 0;
    await other.setData(`${root}/a/b`, 'deep');
    await other.create(`${root}/z`, 'z');
    await waitUntil(async () => events.length === 1, { ...bound(), description: 'the shallow event' });
    expect(describeEvents(events)).toEqual([`created ${root}/z z`]);
    expect(sorted(cacheTree(cache))).toEqual(sorted(await serverTree(other, root, 1)));
  });

  it('tree cache – converges after a reconnect: changes made while disconnected are emitted, then one resynced', async () => {
    const proxy = await fx.proxy();
    const other = await client();
    const root = `/cache/${randomUUID()}`;
    await build(other, root, { a: 'a1', b: null, 'b/c': null, 'b/c/d': 'd1', 'b/x': 'x' });
    const zk = await client(proxy.connectString);
    const session = zk.sessionId;
    const { cache, events } = await startCache(zk, root);
    events.length = 0;
    proxy.refuse(true);
    proxy.closeConnections();
    await waitUntil(async () => zk.state === 'suspended', { ...bound(), description: 'suspended' });
    expect(cache.stale).toBe(true);
    // While disconnected: delete+recreate a child (version back to 0, new data) and change a deep subtree.
    const before = cache.get(`${root}/a`);
    await other.delete(`${root}/a`);
    await other.create(`${root}/a`, 'a2');
    expect((await other.getData(`${root}/a`)).stat.version).toBe(before?.stat.version);
    await other.setData(`${root}/b/c/d`, 'd2');
    await other.create(`${root}/b/c/e`, 'e');
    await other.delete(`${root}/b/x`);
    expect(cache.get(`${root}/b/x`)?.data?.toString()).toBe('x'); // still serving the last data
    proxy.refuse(false);
    await waitUntil(async () => events.some((e) => e.type === 'resynced'), { ...bound(), description: 'resynced' });
    expect(zk.sessionId).toBe(session);
    expect(cache.stale).toBe(false);
    expect(describeEvents(events)).toEqual([
      'stale suspended',
      `deleted ${root}/b/x`,
      `deleted ${root}/a`,
      `created ${root}/a a2`,
      `updated ${root}/b/c/d d2`,
      `created ${root}/b/c/e e`,
      'resynced',
    ]);
    expect(sorted(cacheTree(cache))).toEqual(sorted(await serverTree(other, root)));
    // Live events resume, and the reconnect produced exactly one resynced.
    await other.setData(`${root}/a`, 'a3');
    await waitUntil(async () => cache.get(`${root}/a`)?.data?.toString() === 'a3', {
      ...bound(),
      description: 'a live update',
    });
    expect(events.filter((e) => e.type === 'resynced')).toHaveLength(1);
  });

  it('tree cache – after a session expiry serves its last data flagged stale, then rebuilds and resyncs', async () => {
    const proxy = await fx.proxy();
    const other = await client();
    const root = `/cache/${randomUUID()}`;
    await build(other, root, { a: 'a1', b: 'b1' });
    const zk = await client(proxy.connectString);
    const { cache, events } = await startCache(zk, root);
    events.length = 0;
    proxy.refuse(true);
    proxy.closeConnections();
    await waitUntil(async () => zk.state === 'suspended', { ...bound(), description: 'suspended' });
    await expireSession(fx.server.connectString, { id: zk.sessionId, password: zk.sessionPassword });
    await other.setData(`${root}/a`, 'a2');
    await other.delete(`${root}/b`);
    await other.create(`${root}/c`, 'c1');
    proxy.refuse(false);
    await waitUntil(async () => events.some((e) => e.type === 'stale' && e.reason === 'lost'), {
      ...bound(),
      description: 'lost',
    });
    await waitUntil(async () => events.some((e) => e.type === 'resynced'), { ...bound(), description: 'resynced' });
    expect(describeEvents(events)).toEqual([
      'stale suspended',
      'stale lost',
      `deleted ${root}/b`,
      `updated ${root}/a a2`,
      `created ${root}/c c1`,
      'resynced',
    ]);
    expect(cache.stale).toBe(false);
    expect(sorted(cacheTree(cache))).toEqual(sorted(await serverTree(other, root)));
    await other.create(`${root}/d`, 'd');
    await waitUntil(async () => cache.get(`${root}/d`), { ...bound(), description: 'the watch is back' });
  });

  it('tree cache – a stale-flagged view keeps answering while the session is lost', async () => {
    const proxy = await fx.proxy();
    const other = await client();
    const root = `/cache/${randomUUID()}`;
    await build(other, root, { a: 'a1' });
    const zk = await client(proxy.connectString);
    const { cache } = await startCache(zk, root);
    proxy.refuse(true);
    proxy.closeConnections();
    await expireSession(fx.server.connectString, { id: zk.sessionId, password: zk.sessionPassword });
    // Presumed lost after T without contact, while nothing can be re-read.
    await waitUntil(async () => zk.state === 'lost' || zk.sessionId === 0n, {
      ...bound(),
      description: 'lost',
    });
    expect(cache.stale).toBe(true);
    expect(cache.get(`${root}/a`)?.data?.toString()).toBe('a1');
    proxy.refuse(false);
    await waitUntil(async () => !cache.stale, { ...bound(), description: 'rebuilt' });
  });

  it('tree cache – close removes the persistent watch here and on the server; iterators end; idempotent', async () => {
    const zk = await client();
    const other = await client();
    const root = `/cache/${randomUUID()}`;
    await build(other, root, { a: 'a' });
    const { cache } = await startCache(zk, root);
    expect(zk.watchCount).toBe(1);
    expect(await zk.checkWatches(root, { type: 'any' })).toBe(true);
    const iterator = cache.events({ signal: AbortSignal.timeout(5000) });
    const collected = (async () => {
      const out: TreeCacheEvent[] = [];
      for await (const e of iterator) out.push(e);
      return out;
    })();
    await other.setData(`${root}/a`, 'b');
    await waitUntil(async () => cache.get(`${root}/a`)?.data?.toString() === 'b', {
      ...bound(),
      description: 'update',
    });
    await cache.close();
    await cache.close();
    expect(describeEvents(await collected)).toEqual([`updated ${root}/a b`]);
    expect(zk.watchCount).toBe(0);
    expect(await zk.checkWatches(root, { type: 'any' })).toBe(false);
    expect(cache.size).toBe(0);
    await expect(cache.start()).rejects.toThrow(/closed/);
  });

  it('tree cache – 100 start/close cycles leave no watch and no listener', async () => {
    const zk = await client();
    const ownListeners = zk.stateListenerCount; // the client's own
    const other = await client();
    const root = `/cache/${randomUUID()}`;
    await build(other, root, { a: 'a', 'a/b': 'b' });
    for (let i = 0; i < 100; i++) {
      const cache = new TreeCache(zk, root);
      const iterator = cache.events();
      await cache.start({ signal: AbortSignal.timeout(5000) });
      expect(cache.size).toBe(3);
      await cache.close();
      expect((await iterator.next()).done).toBe(false); // the buffered initial events, then the end
    }
    expect(zk.watchCount).toBe(0);
    expect(zk.stateListenerCount).toBe(ownListeners);
    expect(await zk.checkWatches(root, { type: 'any' })).toBe(false);
  });

  it('tree cache – start honours its signal and leaves nothing behind', async () => {
    const proxy = await fx.proxy();
    const zk = await client(proxy.connectString);
    proxy.refuse(true);
    proxy.closeConnections();
    await waitUntil(async () => zk.state === 'suspended', { ...bound(), description: 'suspended' });
    const cache = new TreeCache(zk, `/cache/${randomUUID()}`);
    await expect(cache.start({ signal: AbortSignal.timeout(100) })).rejects.toThrow(/timeout|abort/i);
    expect(cache.state).toBe('closed');
    proxy.refuse(false);
    await waitUntil(async () => zk.state === 'reconnected', { ...bound(), description: 'reconnected' });
    await zk.sync('/');
    expect(zk.watchCount).toBe(0);
  });
});
