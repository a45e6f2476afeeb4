// SharedValue/SharedCount and AtomicValue/AtomicLong scenarios (recipes reference §2.8) on both servers.
import { randomUUID } from 'node:crypto';
import { retryNTimes, type ZooKeeperClient } from '@zookit/client';
import { AtomicLong, AtomicValue, SharedCount, SharedValue } from '@zookit/recipes';
import { waitUntil } from '@zookit/testing';
import { describe, expect, it } from 'vitest';
import { serverTargets } from '../servers.js';
import { useRecipeFixture } from './recipe-fixture.js';

const T = 3000;

describe.each(serverTargets)('Counters on $name', (target) => {
  const fx = useRecipeFixture(target, { sessionTimeout: T });
  const { client, track } = fx;

  async function sharedCount(path: string, seed = 0, zk?: ZooKeeperClient): Promise<SharedCount> {
    const count = track(new SharedCount(zk ?? (await client()), path, seed));
    await count.start();
    return count;
  }

  it('SharedCount – 4 contenders compare-and-set increment 10 times each: the count ends at 40', async () => {
    const path = `/counters/${randomUUID()}`;
    const N = 10;
    const counts = await Promise.all([1, 2, 3, 4].map(() => sharedCount(path)));
    await Promise.all(
      counts.map(async (count) => {
        for (let done = 0; done < N; ) {
          const { value, version } = count.versioned;
          if (await count.trySetCount(value + 1, version)) done++;
        }
      }),
    );
    const fresh = await sharedCount(path, 99);
    expect(fresh.count).toBe(4 * N);
    expect(fresh.version).toBe(4 * N);
    await waitUntil(async () => counts.every((c) => c.count === 4 * N), {
      timeout: 5000,
      interval: 10,
      description: 'every instance at 4N',
    });
  });

  it('SharedCount – versions, the first seed wins, a stale version fails, listeners and iterators see changes', async () => {
    const path = `/counters/${randomUUID()}`;
    const a = await sharedCount(path, 7);
    const b = await sharedCount(path, 100);
    expect([a.count, a.version, b.count]).toEqual([7, 0, 7]);
    const seen: number[] = [];
    b.onChange(({ value }) => seen.push(value));
    const ac = new AbortController();
    const iterator = b.changes({ signal: ac.signal });
    expect(await a.trySetCount(8, 0)).toBe(true);
    expect(await a.trySetCount(9, 0)).toBe(false); // stale version
    expect([a.count, a.version]).toEqual([8, 1]); // refreshed by the failure
    await a.setCount(10);
    expect(await iterator.next()).toEqual({ value: { value: 8, version: 1 }, done: false });
    expect(await iterator.next()).toEqual({ value: { value: 10, version: 2 }, done: false });
    expect(seen).toEqual([8, 10]);
    await expect(a.trySetCount(1, -1)).rejects.toThrow(RangeError);
    await expect(a.trySetCount(2 ** 31, 2)).rejects.toThrow(RangeError);
    ac.abort(new Error('done listening'));
    await expect(iterator.next()).rejects.toThrow('done listening');
    const ended = a.changes();
    await a.close();
    expect(await ended.next()).toEqual({ value: undefined, done: true });
    expect(a.state).toBe('closed');
    await expect(a.setCount(3)).rejects.toThrow(/closed/);
  });

  it('SharedValue – after a dropped connection the value is read again and the change made meanwhile is seen once', async () => {
    const proxy = await fx.proxy();
    const path = `/values/${randomUUID()}`;
    const zk = await client(proxy.connectString);
    const value = track(new SharedValue(zk, path, 'seed'));
    await value.start();
    const other = track(new SharedValue(await client(), path, 'other seed'));
    await other.start();
    expect(Buffer.from(other.value).toString()).toBe('seed');
    const seen: string[] = [];
    value.onChange((change) => seen.push(Buffer.from(change.value).toString()));
    proxy.refuse(true);
    proxy.closeConnections();
    await waitUntil(async () => zk.state === 'suspended', { timeout: T, interval: 10, description: 'suspended' });
    await other.setValue('during the outage');
    proxy.refuse(false);
    await waitUntil(async () => zk.state === 'reconnected', { timeout: T, interval: 10, description: 'reconnect' });
    await waitUntil(async () => Buffer.from(value.value).toString() === 'during the outage', {
      timeout: 5000,
      interval: 10,
      description: 'the value read again',
    });
    await zk.sync('/');
    expect(seen).toEqual(['during the outage']);
    expect(value.version).toBe(1);
    expect(await value.trySetValue('after', 1)).toBe(true);
    await waitUntil(async () => Buffer.from(other.value).toString() === 'after', {
      timeout: 5000,
      interval: 10,
      description: 'the other instance to follow',
    });
  });

  it('SharedValue – a deleted node keeps the last value and is followed again once re-created', async () => {
    const path = `/values/${randomUUID()}`;
    const zk = await client();
    const value = track(new SharedValue(zk, path, 'v0'));
    await value.start();
    await zk.delete(path);
    await zk.sync('/');
    expect(Buffer.from(value.value).toString()).toBe('v0');
    await zk.create(path, 'v1');
    await waitUntil(async () => Buffer.from(value.value).toString() === 'v1', {
      timeout: 5000,
      interval: 10,
      description: 're-created value',
    });
    expect(value.version).toBe(0);
  });

  it('AtomicLong – 4 clients increment 10 times each under contention: 40, each pre-value seen once', async () => {
    const path = `/atomic/${randomUUID()}`;
    const longs = await Promise.all(
      [1, 2, 3, 4].map(async () =>
        track(new AtomicLong(await client(), path, { retryPolicy: retryNTimes({ n: 3, sleepMs: 1 }) })),
      ),
    );
    const pre: bigint[] = [];
    await Promise.all(
      longs.map(async (counter) => {
        for (let done = 0; done < 10; ) {
          const result = await counter.increment();
          if (!result.succeeded) {
            // Gave up under contention (a finite policy): nothing changed, try again.
            expect(result.postValue).toBe(result.preValue);
            continue;
          }
          expect(result.postValue).toBe(result.preValue + 1n);
          pre.push(result.preValue);
          done++;
        }
      }),
    );
    expect((await (longs[0] as AtomicLong).get()).postValue).toBe(40n);
    expect(pre.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))).toEqual(Array.from({ length: 40 }, (_, i) => BigInt(i)));
  });

  it('AtomicLong – promotion to a lock serialises writers that gave up optimistically', async () => {
    const path = `/atomic/${randomUUID()}`;
    const lockPath = `/atomic-locks/${randomUUID()}`;
    const longs = await Promise.all(
      [1, 2, 3, 4].map(async () =>
        track(
          new AtomicLong(await client(), path, {
            retryPolicy: retryNTimes({ n: 0, sleepMs: 0 }),
            promotedToLock: { path: lockPath, retryPolicy: retryNTimes({ n: 20, sleepMs: 1 }) },
          }),
        ),
      ),
    );
    const results = await Promise.all(longs.flatMap((counter) => Array.from({ length: 5 }, () => counter.add(2n))));
    const succeeded = results.filter((r) => r.succeeded);
    expect((await (longs[0] as AtomicLong).get()).postValue).toBe(BigInt(2 * succeeded.length));
    expect(succeeded.length).toBe(20);
    expect(results.some((r) => r.stats.promotedLockTries > 0)).toBe(true);
    const zk = fx.clients[0] as ZooKeeperClient;
    expect((await zk.getChildren(lockPath).catch(() => ({ children: [] }))).children).toEqual([]);
  });

  it('AtomicLong – get on a missing node is 0, compareAndSet, trySet, forceSet, initialize, decrement; corrupted data rejects', async () => {
    const path = `/atomic/${randomUUID()}`;
    const zk = await client();
    const counter = track(new AtomicLong(zk, path));
    expect((await counter.get()).postValue).toBe(0n);
    expect((await counter.compareAndSet(0n, 5n)).succeeded).toBe(true); // creates the node
    expect(await counter.initialize(1n)).toBe(false);
    const failed = await counter.compareAndSet(0n, 6n);
    expect([failed.succeeded, failed.preValue, failed.postValue]).toEqual([false, 5n, 5n]);
    expect((await counter.trySet(10n)).postValue).toBe(10n);
    expect((await counter.decrement()).postValue).toBe(9n);
    await counter.forceSet(2n ** 63n - 1n);
    expect((await counter.increment()).postValue).toBe(-(2n ** 63n)); // wraps like Java's long
    // Curator's format: 8 bytes, big-endian.
    const { data } = await zk.getData(path);
    expect(data?.toString('hex')).toBe('8000000000000000');
    await zk.setData(path, Buffer.from([1, 2, 3]));
    await expect(counter.get()).rejects.toThrow(RangeError);
    await counter.close();
    await expect(counter.get()).rejects.toThrow(/closed/);
  });

  it('AtomicValue – bytes compare-and-set and update', async () => {
    const path = `/atomic/${randomUUID()}`;
    const value = track(new AtomicValue(await client(), path));
    expect((await value.get()).postValue).toHaveLength(0);
    expect((await value.compareAndSet('', 'a')).succeeded).toBe(true);
    expect((await value.compareAndSet('x', 'b')).succeeded).toBe(false);
    const appended = await value.update((current) => Buffer.concat([current, Buffer.from('b')]));
    expect(Buffer.from(appended.postValue).toString()).toBe('ab');
    expect(Buffer.from((await value.trySet('c')).preValue).toString()).toBe('ab');
  });
});
