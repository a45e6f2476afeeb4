// Mutex and fencing scenarios (recipes reference §6 items 1, 3, 4, 5, 8) on both servers.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { ZooKeeperClient } from '@zookit/client';
import { FencedOutError, FencedStore, guardedSetData, LeaseLostError, LockTimeoutError, Mutex } from '@zookit/recipes';
import { expireSession, waitUntil } from '@zookit/testing';
import { describe, expect, it } from 'vitest';
import { serverTargets } from '../servers.js';
import { childrenOrNone, useRecipeFixture } from './recipe-fixture.js';

const T = 3000;

describe.each(serverTargets)('Mutex on $name', (target) => {
  const fx = useRecipeFixture(target, { sessionTimeout: T });
  const { client } = fx;

  it('mutex – never two holders among 4 clients, and every lease is released cleanly', async () => {
    const path = `/locks/${randomUUID()}`;
    let inside = 0;
    let maxInside = 0;
    let done = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        const m = new Mutex(await client(), path);
        for (let i = 0; i < 5; i++) {
          await m.withLock(async () => {
            inside++;
            maxInside = Math.max(maxInside, inside);
            await new Promise((r) => setImmediate(r));
            inside--;
            done++;
          });
        }
      }),
    );
    expect(maxInside).toBe(1);
    expect(done).toBe(20);
    const zk = fx.clients[0] as ZooKeeperClient;
    expect(await childrenOrNone(zk, path)).toEqual([]);
  });

  it("mutex – node names and order are Curator's (_c_<uuid>-lock-NNNNNNNNNN)", async () => {
    const zk = await client();
    const path = `/locks/${randomUUID()}`;
    const lease = await new Mutex(zk, path).acquire();
    expect(lease.path).toMatch(new RegExp(`^${path}/_c_[0-9a-f-]{36}-lock-0000000000$`));
    await lease.release();
  });

  it('mutex – holder expiry hands the lock to the next waiter; the old lease ends and its release is a no-op', async () => {
    const path = `/locks/${randomUUID()}`;
    const a = await client();
    const b = await client();
    const leaseA = await new Mutex(a, path).acquire();
    const waiting = new Mutex(b, path).acquire();
    const start = performance.now();
    await expireSession(fx.server.connectString, { id: a.sessionId, password: a.sessionPassword });
    const leaseB = await waiting;
    expect(performance.now() - start).toBeLessThan(T + 1000);
    expect(leaseB.token).toBeGreaterThan(leaseA.token);
    await waitUntil(async () => leaseA.signal.aborted, { timeout: T + 2000, interval: 10, description: 'A to learn' });
    expect(leaseA.signal.reason).toBeInstanceOf(LeaseLostError);
    await leaseA.release();
    expect((await b.exists(leaseB.path)).stat).not.toBeNull();
    await leaseB.release();
  });

  it("fencing – a paused old holder is fenced out by the newer holder's token", async () => {
    const path = `/locks/${randomUUID()}`;
    const store = new FencedStore<string>();
    const a = await client();
    const b = await client();
    const leaseA = await new Mutex(a, path).acquire();
    store.write('account', 'A1', leaseA.token);
    // A "pauses" (stops acting) while its session is expired; B takes over.
    await expireSession(fx.server.connectString, { id: a.sessionId, password: a.sessionPassword });
    const leaseB = await new Mutex(b, path).acquire();
    store.write('account', 'B1', leaseB.token);
    expect(() => store.write('account', 'A2', leaseA.token)).toThrow(FencedOutError);
    expect(store.read('account')).toBe('B1');
    await leaseB.release();
    await leaseA.release();
  });

  it("fencing – tokens keep growing after the lock's parent container is deleted", async () => {
    const zk = await client();
    const path = `/locks/${randomUUID()}`;
    const first = await new Mutex(zk, path).acquire();
    await first.release();
    await zk.delete(path); // as the container reaper would
    const second = await new Mutex(zk, path).acquire();
    expect(second.path.endsWith('-lock-0000000000')).toBe(true); // the sequence restarted…
    expect(second.token).toBeGreaterThan(first.token); // …the token did not
    await second.release();
  });

  it('fencing – a ZooKeeper-guarded write fails once the lease is gone', async () => {
    const zk = await client();
    const path = `/locks/${randomUUID()}`;
    await zk.create(`/data-${path.slice(7)}`, 'v0');
    const lease = await new Mutex(zk, path).acquire();
    await guardedSetData(zk, lease, `/data-${path.slice(7)}`, 'v1');
    await lease.release();
    await expect(guardedSetData(zk, lease, `/data-${path.slice(7)}`, 'v2')).rejects.toThrow(/NoNode/);
    expect((await zk.getData(`/data-${path.slice(7)}`)).data?.toString()).toBe('v1');
  });

  it('mutex – a cancelled acquire leaves no node; tryAcquire on a held lock leaves none either', async () => {
    const zk = await client();
    const path = `/locks/${randomUUID()}`;
    const holder = await new Mutex(zk, path).acquire();
    const ac = new AbortController();
    const waiting = new Mutex(zk, path).acquire({ signal: ac.signal });
    await waitUntil(async () => (await childrenOrNone(zk, path)).length === 2, {
      timeout: 5000,
      interval: 10,
      description: 'the waiter to queue',
    });
    const reason = new Error('gave up');
    ac.abort(reason);
    await expect(waiting).rejects.toBe(reason); // a user's abort: its reason, as is
    expect(await new Mutex(zk, path).tryAcquire()).toBeUndefined();
    expect(await childrenOrNone(zk, path)).toHaveLength(1);
    await holder.release();
  });

  it('mutex – an acquire that times out names the lock and its path, and leaves no node', async () => {
    const zk = await client();
    const path = `/locks/${randomUUID()}`;
    const holder = await new Mutex(zk, path).acquire();
    const err = await new Mutex(zk, path).acquire({ signal: AbortSignal.timeout(200) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockTimeoutError);
    expect((err as LockTimeoutError).message).toBe(
      `Mutex ${path}: acquire aborted by timeout before the lock was granted`,
    );
    expect((err as LockTimeoutError).name).toBe('TimeoutError'); // as AbortSignal.timeout's reason
    expect((err as LockTimeoutError).path).toBe(path);
    expect(((err as LockTimeoutError).cause as DOMException).name).toBe('TimeoutError');
    expect(await childrenOrNone(zk, path)).toEqual([holder.path.slice(path.length + 1)]);
    await holder.release();
  });

  it('mutex – a waiter whose predecessor leaves keeps waiting for the holder (no false grant)', async () => {
    const zk = await client();
    const path = `/locks/${randomUUID()}`;
    const a = await new Mutex(zk, path).acquire();
    const order: string[] = [];
    const bAbort = new AbortController();
    const b = new Mutex(zk, path).acquire({ signal: bAbort.signal }).catch(() => 'cancelled');
    await waitUntil(async () => (await childrenOrNone(zk, path)).length === 2, {
      timeout: 5000,
      interval: 10,
      description: 'b',
    });
    const c = new Mutex(zk, path).acquire().then((lease) => {
      order.push('c');
      return lease;
    });
    await waitUntil(async () => (await childrenOrNone(zk, path)).length === 3, {
      timeout: 5000,
      interval: 10,
      description: 'c',
    });
    bAbort.abort(new Error('b leaves'));
    expect(await b).toBe('cancelled');
    await zk.sync('/');
    expect(order).toEqual([]); // c's predecessor left, but a still holds
    await a.release();
    const leaseC = await c;
    expect(order).toEqual(['c']);
    await leaseC.release();
  });

  it('herd – releasing the holder wakes exactly one of 50 waiters (notifications counted between server and clients)', async () => {
    const proxy = await fx.proxy();
    const path = `/locks/${randomUUID()}`;
    const holderClient = await client();
    const holder = await new Mutex(holderClient, path).acquire();
    const waiterClients = await Promise.all(Array.from({ length: 5 }, () => client(proxy.connectString)));
    const leases = waiterClients.flatMap((c) => Array.from({ length: 10 }, () => new Mutex(c, path).acquire()));
    // Every waiter watches exactly its predecessor once its getData reply arrived.
    await waitUntil(async () => waiterClients.reduce((n, c) => n + c.watchCount, 0) === 50, {
      timeout: 10_000,
      interval: 20,
      description: 'all 50 waiters watching',
    });
    const before = proxy.notificationCount;
    await holder.release();
    const first = await Promise.race(leases);
    // A notification the release caused on any connection arrives before that connection's next reply.
    await Promise.all(waiterClients.map((c) => c.sync('/')));
    expect(proxy.notificationCount - before).toBe(1);
    // Let the rest drain in FIFO order: each waiter releases as soon as it holds.
    await first.release();
    await Promise.all(leases.map(async (l) => (await l).release()));
  });

  it('watch hygiene – 1000 acquire/release cycles leave no watch, listener or node (half of them read the signal)', async () => {
    const path = `/locks/${randomUUID()}`;
    const zk = await client();
    const listeners = zk.stateListenerCount;
    const mutex = new Mutex(zk, path);
    const tokens: bigint[] = [];
    for (let i = 0; i < 1000; i++) {
      const lease = await mutex.acquire();
      if (i % 2 === 0) expect(lease.signal.aborted).toBe(false);
      tokens.push(lease.token);
      await lease.release();
    }
    expect(zk.watchCount).toBe(0);
    expect(zk.stateListenerCount).toBe(listeners);
    expect(await childrenOrNone(zk, path)).toEqual([]);
    expect(tokens.every((t, i) => i === 0 || t > (tokens[i - 1] as bigint))).toBe(true);
  });

  it('lease – the deletion watch is set when the signal is first read; read after a deletion, it aborts at once', async () => {
    const path = `/locks/${randomUUID()}`;
    const [zk, admin] = await Promise.all([client(), client()]);
    const quiet = await new Mutex(zk, path).acquire();
    // Nobody read the signal: the holder costs the server no watch.
    expect(zk.watchCount).toBe(0);
    await quiet.release();
    const lease = await new Mutex(zk, path).acquire();
    await admin.delete(lease.path); // as an operator would
    const signal = lease.signal;
    await waitUntil(async () => signal.aborted, { timeout: 5000, interval: 10, description: 'the signal' });
    expect((signal.reason as LeaseLostError).reason).toBe('deleted');
    await lease.release();
    const watched = await new Mutex(zk, path).acquire();
    expect(watched.signal.aborted).toBe(false);
    await waitUntil(async () => zk.watchCount === 1, { timeout: 5000, interval: 10, description: 'the watch' });
    // Release is one delete: it also ends that watch, on both sides.
    await watched.release();
    expect(zk.watchCount).toBe(0);
    expect(await childrenOrNone(zk, path)).toEqual([]);
  });
});
