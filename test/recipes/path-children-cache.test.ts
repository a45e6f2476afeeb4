// PathChildrenCache (recipes reference §2.10: Curator TestPathChildrenCache, kazoo ChildrenWatch)
// on both servers.
import { randomUUID } from 'node:crypto';
import type { ZooKeeperClient } from '@zookit/client';
import { PathChildrenCache, type PathChildrenCacheEvent } from '@zookit/recipes';
import { waitUntil } from '@zookit/testing';
import { describe, expect, it } from 'vitest';
import { serverTargets } from '../servers.js';
import { bound, collect, disconnect, disconnectAndExpire, ensureNode, T } from './cache-kit.js';
import { useRecipeFixture } from './recipe-fixture.js';

/** The events as "type name data" lines, for readable assertions. */
const describeEvents = (events: PathChildrenCacheEvent[]) =>
  events.map((e) =>
    e.type === 'childAdded' || e.type === 'childUpdated'
      ? `${e.type} ${e.name} ${e.node.data?.toString('utf8')}`
      : e.type === 'childRemoved'
        ? `childRemoved ${e.name}`
        : e.type === 'stale'
          ? `stale ${e.reason}`
          : e.type,
  );

/** name → data of the cached children. */
const view = (cache: PathChildrenCache) =>
  Object.fromEntries([...cache.children()].map(([name, node]) => [name, node.data?.toString('utf8') ?? null]));

/** name → data of the server's children of `parent`, as another session reads them. */
async function serverChildren(zk: ZooKeeperClient, parent: string) {
  const names = (await zk.getChildren(parent)).children.sort();
  const out: Record<string, string | null> = {};
  for (const name of names) out[name] = (await zk.getData(`${parent}/${name}`)).data?.toString('utf8') ?? null;
  return out;
}

/**
 * `zk` as the cache sees it, except that the first getData of `victim` is preceded by its
 * deletion through `other`: a real delete, on the real server, exactly between the cache's
 * listing of the children and its read of that child (Curator's testInitializedEvenIfChildDeleted).
 */
function deletingBeforeRead(zk: ZooKeeperClient, other: ZooKeeperClient, victim: string): ZooKeeperClient {
  let done = false;
  return new Proxy(zk, {
    get(target, prop) {
      if (prop === 'getData') {
        return async (path: string, options?: object) => {
          if (path === victim && !done) {
            done = true;
            await other.delete(victim);
          }
          return target.getData(path, options);
        };
      }
      const value: unknown = Reflect.get(target, prop);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe.each(serverTargets)('PathChildrenCache on $name', (target) => {
  const fx = useRecipeFixture(target, { sessionTimeout: T });
  const { client, track } = fx;

  async function startCache(zk: ZooKeeperClient, path: string, cacheData?: boolean) {
    const cache = track(new PathChildrenCache(zk, path, cacheData === undefined ? {} : { cacheData }));
    const events: PathChildrenCacheEvent[] = [];
    cache.on((e) => events.push(e));
    await cache.start({ signal: AbortSignal.timeout(5000) });
    return { cache, events };
  }

  /** A fresh parent path (not created) whose own parent exists. */
  async function freshParent(zk: ZooKeeperClient) {
    await ensureNode(zk, '/children-cache');
    return `/children-cache/${randomUUID()}`;
  }

  it('path children cache – basics: loads the children, then follows adds, updates and removes, not the parent nor grandchildren', async () => {
    const zk = await client();
    const other = await client();
    const parent = await freshParent(other);
    await other.create(parent, 'parent');
    await other.create(`${parent}/b`, 'b1');
    await other.create(`${parent}/a`, 'a1');
    const { cache, events } = await startCache(zk, parent);
    expect(describeEvents(events)).toEqual(['childAdded a a1', 'childAdded b b1', 'initialized']);
    expect([...cache.children().keys()]).toEqual(['a', 'b']);
    expect(cache.get('a')?.data?.toString()).toBe('a1');
    expect(cache.get('zz')).toBeUndefined();
    events.length = 0;
    await other.setData(parent, 'parent2');
    await other.create(`${parent}/a/grandchild`, 'g');
    await other.create(`${parent}/c`, 'c1');
    await other.setData(`${parent}/a`, 'a2');
    await other.delete(`${parent}/b`);
    await waitUntil(async () => events.length >= 3 && !cache.get('b'), bound('three events'));
    expect(describeEvents(events)).toEqual(['childAdded c c1', 'childUpdated a a2', 'childRemoved b']);
    const updated = events[1] as Extract<PathChildrenCacheEvent, { type: 'childUpdated' }>;
    expect(updated.previous.data?.toString()).toBe('a1');
    expect(view(cache)).toEqual(await serverChildren(other, parent));
    expect(cache.cacheData).toBe(true);
  });

  it('path children cache – cacheData false keeps Stats only and still reports data changes', async () => {
    const zk = await client();
    const other = await client();
    const parent = await freshParent(other);
    await other.create(parent);
    await other.create(`${parent}/a`, 'a1');
    const { cache, events } = await startCache(zk, parent, false);
    expect(cache.cacheData).toBe(false);
    expect(cache.get('a')).toEqual({
      path: `${parent}/a`,
      data: null,
      stat: (await other.getData(`${parent}/a`)).stat,
    });
    await other.setData(`${parent}/a`, 'a2');
    await waitUntil(async () => events.some((e) => e.type === 'childUpdated'), bound('childUpdated'));
    expect(cache.get('a')?.stat.version).toBe(1);
    expect(cache.get('a')?.data).toBeNull();
  });

  it('path children cache – a parent missing at start, created, deleted with its children and created again (testParentContainerMissing)', async () => {
    const zk = await client();
    const other = await client();
    const parent = await freshParent(other);
    const { cache, events } = await startCache(zk, parent);
    expect(events).toEqual([{ type: 'initialized' }]);
    expect(cache.children().size).toBe(0);
    await other.create(parent, 'p', { mode: 'container' });
    await other.create(`${parent}/x`, 'x1');
    await other.create(`${parent}/y`, 'y1');
    await waitUntil(async () => cache.children().size === 2, bound('two children'));
    await other.deleteRecursive(parent);
    await waitUntil(async () => cache.children().size === 0, bound('no children'));
    await other.create(parent, 'p');
    await other.create(`${parent}/x`, 'x2');
    await waitUntil(async () => cache.get('x')?.data?.toString() === 'x2', bound('the new child'));
    expect(describeEvents(events.slice(1)).sort()).toEqual(
      ['childAdded x x1', 'childAdded y y1', 'childRemoved x', 'childRemoved y', 'childAdded x x2'].sort(),
    );
    expect(describeEvents(events.slice(1)).at(-1)).toBe('childAdded x x2');
  });

  it('path children cache – delete then create of a child is removed then added; converges on other processes’ bursts', async () => {
    const zk = await client();
    const writers = [await client(), await client()];
    const parent = await freshParent(zk);
    await zk.create(parent);
    await zk.create(`${parent}/a`, 'a1');
    const { cache, events } = await startCache(zk, parent);
    events.length = 0;
    await writers[0]?.delete(`${parent}/a`);
    await writers[1]?.create(`${parent}/a`, 'a2');
    await waitUntil(async () => cache.get('a')?.data?.toString() === 'a2', bound('the new a'));
    expect(describeEvents(events)).toEqual(['childRemoved a', 'childAdded a a2']);
    for (let round = 0; round < 3; round++) {
      await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          const zkw = writers[i % 2];
          const path = `${parent}/n${i % 7}`;
          if (i % 3 === 0) await zkw?.delete(path).catch(() => {});
          else
            await zkw?.create(path, `r${round}-${i}`).catch(() => zkw.setData(path, `r${round}-${i}`).catch(() => {}));
        }),
      );
      const expected = await serverChildren(zk, parent);
      await waitUntil(async () => JSON.stringify(view(cache)) === JSON.stringify(expected), bound(`round ${round}`));
    }
  });

  it('path children cache – a child deleted and re-created during a disconnect, same data and version 0, is seen (CURATOR-391)', async () => {
    const proxy = await fx.proxy();
    const other = await client();
    const parent = await freshParent(other);
    await other.create(parent);
    await other.create(`${parent}/a`, 'same');
    await other.create(`${parent}/b`, 'b1');
    const zk = await client(proxy.connectString);
    const session = zk.sessionId;
    const { cache, events } = await startCache(zk, parent);
    const before = cache.get('a');
    events.length = 0;
    await disconnect(proxy, zk);
    expect(cache.stale).toBe(true);
    await other.delete(`${parent}/a`);
    await other.create(`${parent}/a`, 'same');
    expect((await other.getData(`${parent}/a`)).stat.version).toBe(before?.stat.version);
    await other.delete(`${parent}/b`);
    await other.create(`${parent}/c`, 'c1');
    expect(view(cache)).toEqual({ a: 'same', b: 'b1' }); // still serving meanwhile
    proxy.refuse(false);
    await waitUntil(async () => events.some((e) => e.type === 'resynced'), bound('resynced'));
    expect(zk.sessionId).toBe(session);
    expect(describeEvents(events)).toEqual([
      'stale suspended',
      'childRemoved a',
      'childRemoved b',
      'childAdded a same',
      'childAdded c c1',
      'resynced',
    ]);
    expect(cache.get('a')?.stat.czxid).toBeGreaterThan(before?.stat.czxid ?? 0n);
    expect(view(cache)).toEqual(await serverChildren(other, parent));
    expect(cache.stale).toBe(false);
  });

  it('path children cache – after a session expiry keeps its children flagged stale, then sees the changes and resyncs', async () => {
    const proxy = await fx.proxy();
    const other = await client();
    const parent = await freshParent(other);
    await other.create(parent);
    await other.create(`${parent}/a`, 'a1');
    await other.create(`${parent}/b`, 'b1');
    const zk = await client(proxy.connectString);
    const { cache, events } = await startCache(zk, parent);
    events.length = 0;
    await disconnectAndExpire(fx, proxy, zk);
    await other.setData(`${parent}/a`, 'a2');
    await other.delete(`${parent}/b`);
    await other.create(`${parent}/c`, 'c1');
    expect(view(cache)).toEqual({ a: 'a1', b: 'b1' });
    proxy.refuse(false);
    await waitUntil(async () => events.some((e) => e.type === 'stale' && e.reason === 'lost'), bound('lost'));
    expect(cache.stale).toBe(true);
    await waitUntil(async () => events.some((e) => e.type === 'resynced'), bound('resynced'));
    expect(describeEvents(events)).toEqual([
      'stale suspended',
      'stale lost',
      'childRemoved b',
      'childUpdated a a2',
      'childAdded c c1',
      'resynced',
    ]);
    expect(cache.stale).toBe(false);
    await other.create(`${parent}/d`, 'd1');
    await waitUntil(async () => cache.get('d'), bound('the watch is back'));
  });

  it('path children cache – initialized even if a child is deleted during the initial load', async () => {
    const zk = await client();
    const other = await client();
    const parent = await freshParent(other);
    await other.create(parent);
    for (const name of ['a', 'b', 'c']) await other.create(`${parent}/${name}`, name);
    const { cache, events } = await startCache(deletingBeforeRead(zk, other, `${parent}/b`), parent);
    expect(describeEvents(events)).toEqual(['childAdded a a', 'childAdded c c', 'initialized']);
    expect([...cache.children().keys()]).toEqual(['a', 'c']);
    // The watch's NodeDeleted for b arrives after the load and changes nothing.
    await other.create(`${parent}/d`, 'd');
    await waitUntil(async () => cache.get('d'), bound('d'));
    expect(describeEvents(events.slice(3))).toEqual(['childAdded d d']);
  });

  it('path children cache – close removes the watch here and on the server, ends iterators, drops listeners; idempotent', async () => {
    const zk = await client();
    const ownListeners = zk.stateListenerCount;
    const other = await client();
    const parent = await freshParent(other);
    await other.create(parent);
    await other.create(`${parent}/a`, 'a');
    const { cache } = await startCache(zk, parent);
    expect(zk.watchCount).toBe(1);
    expect(await zk.checkWatches(parent, { type: 'any' })).toBe(true);
    const collected = collect(cache.events({ signal: AbortSignal.timeout(5000) }));
    await other.create(`${parent}/b`, 'b');
    await waitUntil(async () => cache.get('b'), bound('b'));
    await cache.close();
    await cache.close();
    expect(describeEvents(await collected)).toEqual(['childAdded b b']);
    expect(zk.watchCount).toBe(0);
    expect(zk.stateListenerCount).toBe(ownListeners);
    expect(await zk.checkWatches(parent, { type: 'any' })).toBe(false);
    expect(cache.children().size).toBe(0);
    await expect(cache.start()).rejects.toThrow(/PathChildrenCache .* cannot start: it is closed/);
  });

  it('path children cache – bad arguments are refused by name', async () => {
    const zk = await client();
    expect(() => new PathChildrenCache(zk, '')).toThrow(/^path: expected an absolute znode path/);
    expect(() => new PathChildrenCache(zk, '/p', { cacheData: 'yes' as never })).toThrow(
      new TypeError('cacheData: expected a boolean, got string'),
    );
    const cache = new PathChildrenCache(zk, '/p');
    expect(() => cache.get('a/b')).toThrow(new TypeError('name: expected a child\'s name, got "a/b"'));
    expect(() => cache.get('')).toThrow(TypeError);
  });
});
