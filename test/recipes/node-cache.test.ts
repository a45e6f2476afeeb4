// NodeCache (recipes reference §2.10: Curator TestNodeCache, kazoo DataWatch) on both servers.
import { randomUUID } from 'node:crypto';
import type { ZooKeeperClient } from '@zookit/client';
import { NodeCache, type NodeCacheEvent } from '@zookit/recipes';
import { waitUntil } from '@zookit/testing';
import { describe, expect, it } from 'vitest';
import { serverTargets } from '../servers.js';
import { bound, collect, disconnect, disconnectAndExpire, ensureNode, T } from './cache-kit.js';
import { useRecipeFixture } from './recipe-fixture.js';

/** The events as "type change data" lines, for readable assertions. */
const describeEvents = (events: NodeCacheEvent[]) =>
  events.map((e) =>
    e.type === 'changed'
      ? `${e.change} ${e.change === 'deleted' ? '' : e.node.data?.toString('utf8')}`.trim()
      : e.type === 'stale'
        ? `stale ${e.reason}`
        : e.type,
  );

const text = (cache: NodeCache) => cache.current?.data?.toString('utf8');

describe.each(serverTargets)('NodeCache on $name', (target) => {
  const fx = useRecipeFixture(target, { sessionTimeout: T });
  const { client, track } = fx;

  async function startCache(zk: ZooKeeperClient, path: string) {
    const cache = track(new NodeCache(zk, path));
    const events: NodeCacheEvent[] = [];
    cache.on((e) => events.push(e));
    await cache.start({ signal: AbortSignal.timeout(5000) });
    return { cache, events };
  }

  /** A fresh path whose parent exists. */
  async function freshPath(zk: ZooKeeperClient) {
    await ensureNode(zk, '/node-cache');
    return `/node-cache/${randomUUID()}`;
  }

  it('node cache – basics: a node created after start, updated, deleted', async () => {
    const zk = await client();
    const other = await client();
    const path = await freshPath(other);
    const { cache, events } = await startCache(zk, path);
    expect(cache.state).toBe('started');
    expect(cache.current).toBeUndefined();
    expect(events).toEqual([]);
    await other.create(path, 'one');
    await waitUntil(async () => text(cache) === 'one', bound('created'));
    await other.setData(path, 'two');
    await waitUntil(async () => text(cache) === 'two', bound('updated'));
    const updated = events[1] as Extract<NodeCacheEvent, { change: 'updated' }>;
    expect(updated.previous.data?.toString()).toBe('one');
    expect(cache.current?.stat).toEqual((await other.getData(path)).stat);
    await other.delete(path);
    await waitUntil(async () => cache.current === undefined, bound('deleted'));
    expect(describeEvents(events)).toEqual(['created one', 'updated two', 'deleted']);
    expect(cache.stale).toBe(false);
  });

  it('node cache – an existing node is read before start resolves, reported as created', async () => {
    const zk = await client();
    const path = await freshPath(zk);
    await zk.create(path, 'here');
    const { cache, events } = await startCache(zk, path);
    expect(text(cache)).toBe('here');
    expect(describeEvents(events)).toEqual(['created here']);
  });

  it('node cache – delete then create is two events, the new node replaces the old', async () => {
    const zk = await client();
    const other = await client();
    const path = await freshPath(other);
    await other.create(path, 'a');
    const { cache, events } = await startCache(zk, path);
    const first = cache.current;
    await other.delete(path);
    await other.create(path, 'b');
    await waitUntil(async () => text(cache) === 'b', bound('the new node'));
    expect(describeEvents(events)).toEqual(['created a', 'deleted', 'created b']);
    expect(cache.current?.stat.czxid).toBeGreaterThan(first?.stat.czxid ?? 0n);
  });

  it('node cache – a delete and re-create during a disconnect, same data and version 0, is seen (CURATOR-391)', async () => {
    const proxy = await fx.proxy();
    const other = await client();
    const path = await freshPath(other);
    await other.create(path, 'same');
    const zk = await client(proxy.connectString);
    const session = zk.sessionId;
    const { cache, events } = await startCache(zk, path);
    const before = cache.current;
    await disconnect(proxy, zk);
    expect(cache.stale).toBe(true);
    await other.delete(path);
    await other.create(path, 'same');
    const after = (await other.getData(path)).stat;
    expect(after.version).toBe(before?.stat.version); // what Curator compared
    expect(text(cache)).toBe('same'); // still serving the old node meanwhile
    proxy.refuse(false);
    await waitUntil(async () => events.some((e) => e.type === 'resynced'), bound('resynced'));
    expect(zk.sessionId).toBe(session);
    expect(describeEvents(events)).toEqual(['created same', 'stale suspended', 'deleted', 'created same', 'resynced']);
    expect(cache.current?.stat).toEqual(after);
    expect(cache.stale).toBe(false);
  });

  it('node cache – follows a burst of other processes’ changes to the last state', async () => {
    const zk = await client();
    const writers = [await client(), await client()];
    const path = await freshPath(zk);
    const { cache } = await startCache(zk, path);
    for (let round = 0; round < 5; round++) {
      await writers[round % 2]?.create(path, `r${round}`);
      await Promise.all(Array.from({ length: 10 }, (_, i) => writers[i % 2]?.setData(path, `r${round}-${i}`)));
      const final = await zk.getData(path);
      await waitUntil(async () => cache.current?.stat.mzxid === final.stat.mzxid, bound(`round ${round}`));
      expect(cache.current?.data).toEqual(final.data);
      await writers[(round + 1) % 2]?.delete(path);
      await waitUntil(async () => cache.current === undefined, bound(`round ${round} deleted`));
    }
  });

  it('node cache – after a session expiry keeps its data flagged stale, then sees the new data and resyncs', async () => {
    const proxy = await fx.proxy();
    const other = await client();
    const path = await freshPath(other);
    await other.create(path, 'v1');
    const zk = await client(proxy.connectString);
    const { cache, events } = await startCache(zk, path);
    await disconnectAndExpire(fx, proxy, zk);
    await other.setData(path, 'v2');
    proxy.refuse(false);
    await waitUntil(async () => events.some((e) => e.type === 'stale' && e.reason === 'lost'), bound('lost'));
    await waitUntil(async () => events.some((e) => e.type === 'resynced'), bound('resynced'));
    expect(describeEvents(events)).toEqual(['created v1', 'stale suspended', 'stale lost', 'updated v2', 'resynced']);
    expect(cache.stale).toBe(false);
    await other.setData(path, 'v3');
    await waitUntil(async () => text(cache) === 'v3', bound('the watch is back'));
  });

  it('node cache – keeps answering, flagged stale, while the session is lost', async () => {
    const proxy = await fx.proxy();
    const other = await client();
    const path = await freshPath(other);
    await other.create(path, 'kept');
    const zk = await client(proxy.connectString);
    const { cache } = await startCache(zk, path);
    await disconnectAndExpire(fx, proxy, zk);
    await waitUntil(async () => zk.state === 'lost' || zk.sessionId === 0n, bound('lost'));
    expect(cache.stale).toBe(true);
    expect(text(cache)).toBe('kept');
    proxy.refuse(false);
    await waitUntil(async () => !cache.stale, bound('rebuilt'));
  });

  it('node cache – watches the node alone: changes below it are not sent to the client', async () => {
    const proxy = await fx.proxy();
    const other = await client();
    const path = await freshPath(other);
    await other.create(path, 'p');
    await other.create(`${path}/child`, 'c');
    const zk = await client(proxy.connectString);
    const { cache } = await startCache(zk, path);
    const before = proxy.notificationCount;
    for (let i = 0; i < 10; i++) await other.setData(`${path}/child`, `c${i}`);
    await other.create(`${path}/child/grandchild`);
    await other.setData(path, 'p2');
    // One session's notifications arrive in zxid order: once the last change is seen, the
    // ones before it went through the proxy too.
    await waitUntil(async () => text(cache) === 'p2', bound('the node’s own change'));
    expect(proxy.notificationCount - before).toBe(1);
  });

  it('node cache – close removes the watch here and on the server, ends iterators, drops listeners; idempotent', async () => {
    const zk = await client();
    const ownListeners = zk.stateListenerCount;
    const other = await client();
    const path = await freshPath(other);
    await other.create(path, 'x');
    const { cache } = await startCache(zk, path);
    expect(zk.watchCount).toBe(1);
    expect(await zk.checkWatches(path, { type: 'any' })).toBe(true);
    const collected = collect(cache.events({ signal: AbortSignal.timeout(5000) }));
    await other.setData(path, 'y');
    await waitUntil(async () => text(cache) === 'y', bound('update'));
    await cache.close();
    await cache.close();
    expect(cache.state).toBe('closed');
    expect(describeEvents(await collected)).toEqual(['updated y']);
    expect(zk.watchCount).toBe(0);
    expect(zk.stateListenerCount).toBe(ownListeners);
    expect(await zk.checkWatches(path, { type: 'any' })).toBe(false);
    expect(cache.current).toBeUndefined();
    await expect(cache.start()).rejects.toThrow(/NodeCache .* cannot start: it is closed/);
  });

  it('node cache – the client’s close closes the cache and ends its iterators', async () => {
    const zk = await client(); // closed by the test (the fixture's close after it is a no-op)
    const path = await freshPath(zk);
    const cache = new NodeCache(zk, path);
    await cache.start({ signal: AbortSignal.timeout(5000) });
    const iterator = cache.events();
    await zk.close();
    await waitUntil(async () => cache.state === 'closed', bound('closed'));
    expect((await iterator.next()).done).toBe(true);
  });

  it('node cache – start honours its signal and leaves nothing behind', async () => {
    const proxy = await fx.proxy();
    const zk = await client(proxy.connectString);
    await disconnect(proxy, zk);
    const cache = new NodeCache(zk, `/node-cache/${randomUUID()}`);
    await expect(cache.start({ signal: AbortSignal.timeout(100) })).rejects.toThrow(/timeout|abort/i);
    expect(cache.state).toBe('closed');
    proxy.refuse(false);
    await waitUntil(async () => zk.state === 'reconnected', bound('reconnected'));
    await zk.sync('/');
    expect(zk.watchCount).toBe(0);
  });

  it('node cache – bad arguments are refused by name', async () => {
    const zk = await client();
    expect(() => new NodeCache(zk, 'relative')).toThrow(
      new TypeError('path: expected an absolute znode path, got "relative"'),
    );
    const cache = new NodeCache(zk, '/node-cache/x');
    expect(() => cache.on('nope' as never)).toThrow(TypeError);
    expect(() => cache.on('nope' as never)).toThrow(/listener/);
  });
});
