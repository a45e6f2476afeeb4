// Semaphore and SemaphoreMutex scenarios (recipes reference §6 item 9) on both servers.
import { randomUUID } from 'node:crypto';
import type { ZooKeeperClient } from '@zookit/client';
import {
  InconsistentMaxLeasesError,
  type Lease,
  type MaxLeasesSource,
  Semaphore,
  SemaphoreMutex,
} from '@zookit/recipes';
import { expireSession, waitUntil } from '@zookit/testing';
import { describe, expect, it } from 'vitest';
import { serverTargets } from '../servers.js';
import { childrenOrNone, observe, useRecipeFixture } from './recipe-fixture.js';

const T = 3000;

/** A max that the test changes by hand (as a started SharedCount would report it). */
function manualMax(initial: number): MaxLeasesSource & { set(n: number): void } {
  const listeners = new Set<() => void>();
  const source = {
    count: initial,
    onChange: (listener: () => void) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    set: (n: number) => {
      source.count = n;
      for (const l of listeners) l();
    },
  };
  return source;
}

describe.each(serverTargets)('Semaphore on $name', (target) => {
  const fx = useRecipeFixture(target, { sessionTimeout: T });
  const { client } = fx;

  const children = async (zk: ZooKeeperClient, path: string) => (await childrenOrNone(zk, path)).sort();

  /** Waits until `path` has `n` children. */
  async function count(zk: ZooKeeperClient, path: string, n: number): Promise<void> {
    await waitUntil(async () => (await zk.getChildren(path).catch(() => ({ children: [] }))).children.length === n, {
      timeout: 5000,
      interval: 10,
      description: `${n} nodes under ${path}`,
    });
  }

  it("semaphore – Curator's layout (locks/, leases/_c_<uuid>-lease-N); tokens are the lease nodes' czxids", async () => {
    const zk = await client();
    const path = `/sem/${randomUUID()}`;
    const leases = await new Semaphore(zk, path, 3).acquire({ count: 2, data: 'me' });
    expect(leases).toHaveLength(2);
    for (const lease of leases) {
      expect(lease.path).toMatch(new RegExp(`^${path}/leases/_c_[0-9a-f-]{36}-lease-\\d{10}$`));
      const { data, stat } = await zk.getData(lease.path);
      expect(stat.czxid).toBe(lease.token);
      expect(Buffer.from(data ?? []).toString()).toBe('me');
    }
    expect(await children(zk, `${path}/locks`)).toEqual([]);
    expect(Buffer.from((await zk.getData(path)).data ?? []).toString()).toBe('3');
    await Promise.all(leases.map((l) => l.release()));
    expect(await children(zk, `${path}/leases`)).toEqual([]);
  });

  it('semaphore – the bound is never exceeded under random multi-lease acquires by 10 clients', async () => {
    const path = `/sem/${randomUUID()}`;
    const max = 4;
    let held = 0;
    let most = 0;
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        const sem = new Semaphore(await client(), path, max);
        for (let i = 0; i < 4; i++) {
          const n = 1 + Math.floor(random() * 3);
          await sem.withLeases(
            async () => {
              held += n;
              most = Math.max(most, held);
              await new Promise((r) => setImmediate(r));
              held -= n;
            },
            { count: n, signal: AbortSignal.timeout(30_000) },
          );
        }
      }),
    );
    expect(most).toBeLessThanOrEqual(max);
    expect(most).toBeGreaterThan(1);
    const zk = fx.clients[0] as ZooKeeperClient;
    expect(await children(zk, `${path}/leases`)).toEqual([]);
    expect(await children(zk, `${path}/locks`)).toEqual([]);
  });

  it('semaphore – a release wakes only the waiter holding the internal mutex (no herd)', async () => {
    const proxy = await fx.proxy();
    const path = `/sem/${randomUUID()}`;
    const holder = await new Semaphore(await client(), path, 1).acquire();
    const waiters = await Promise.all(Array.from({ length: 5 }, () => client(proxy.connectString)));
    const acquires = waiters.map((c) => new Semaphore(c, path, 1).acquire());
    const watches = () => waiters.reduce((n, c) => n + c.watchCount, 0);
    // The mutex holder: a children watch on the leases (its mutex lease sets no watch: nobody reads
    // its signal); the 4 others: one predecessor each.
    await waitUntil(async () => watches() === 5, { timeout: 10_000, interval: 10, description: 'all waiting' });
    const before = proxy.notificationCount;
    await (holder[0] as Lease).release();
    const [first] = await Promise.race(acquires);
    // The next mutex holder took over and waits on the leases again (its children watch and the 3
    // predecessor watches behind it; the new lease holder sets none).
    await waitUntil(
      async () => watches() === 4 && (await children(waiters[0] as ZooKeeperClient, `${path}/locks`)).length === 4,
      {
        timeout: 10_000,
        interval: 10,
        description: 'the next waiter to wait',
      },
    );
    await Promise.all(waiters.map((c) => c.sync('/')));
    // Exactly one waiter is woken (no herd): one children event for the mutex holder, one
    // predecessor event for the next waiter in the mutex queue.
    expect(proxy.notificationCount - before).toBe(2);
    // Let the rest drain: each waiter releases as soon as it holds.
    await (first as Lease).release();
    await Promise.all(acquires.map(async (p) => ((await p)[0] as Lease).release()));
  });

  it('semaphore – a waiter whose session expires mid-acquire leaves no orphan lease and acquires after the holder releases', async () => {
    const path = `/sem/${randomUUID()}`;
    const [a, b] = await Promise.all([client(), client()]);
    const [held] = await new Semaphore(a, path, 1).acquire();
    const waiting = observe(new Semaphore(b, path, 1).acquire());
    await count(a, `${path}/leases`, 2);
    const before = await children(a, `${path}/leases`);
    const oldSession = b.sessionId;
    await expireSession(fx.server.connectString, { id: b.sessionId, password: b.sessionPassword });
    // The old lease node went with the session; the waiter joined again with a new one.
    await waitUntil(
      async () => {
        const now = await children(a, `${path}/leases`);
        return now.length === 2 && !now.every((n) => before.includes(n));
      },
      { timeout: T + 5000, interval: 20, description: 'b to queue again under its new session' },
    );
    expect(b.sessionId).not.toBe(oldSession);
    expect(waiting.settled()).toBe(false);
    await (held as Lease).release();
    const [lease] = await waiting.promise;
    expect(lease?.sessionId).toBe(b.sessionId);
    expect(await children(a, `${path}/leases`)).toEqual([lease?.path.slice(`${path}/leases/`.length)]);
    expect(await children(a, `${path}/locks`)).toEqual([]);
    await lease?.release();
  });

  it('semaphore – cancelled acquires delete their lease and mutex nodes (CURATOR-462)', async () => {
    const path = `/sem/${randomUUID()}`;
    const zk = await client();
    const [held] = await new Semaphore(zk, path, 1).acquire();
    const ac = new AbortController();
    const inMutex = new Semaphore(zk, path, 1).acquire({ signal: ac.signal });
    await count(zk, `${path}/leases`, 2);
    const queued = new Semaphore(zk, path, 1).acquire({ signal: ac.signal });
    await count(zk, `${path}/locks`, 2);
    const outcomes = Promise.allSettled([inMutex, queued]);
    ac.abort(new Error('gave up'));
    for (const outcome of await outcomes) {
      expect(outcome.status === 'rejected' && (outcome.reason as Error).message).toBe('gave up');
    }
    expect(await children(zk, `${path}/leases`)).toEqual([held?.path.slice(`${path}/leases/`.length)]);
    expect(await children(zk, `${path}/locks`)).toEqual([]);
    await held?.release();
  });

  it('semaphore – closing a client frees its leases for the others', async () => {
    const path = `/sem/${randomUUID()}`;
    const [a, b] = await Promise.all([client(), client()]);
    const leases = await new Semaphore(a, path, 2).acquire({ count: 2 });
    const waiting = new Semaphore(b, path, 2).acquire({ signal: AbortSignal.timeout(10_000) });
    await count(b, `${path}/leases`, 3);
    await a.close();
    expect(leases.every((l) => l.signal.aborted)).toBe(true);
    // Ended leases are still released (a no-op here): that is what drops their state listeners.
    await Promise.all(leases.map((l) => l.release()));
    const [lease] = await waiting;
    await lease?.release();
  });

  it('semaphore – raising a dynamic max wakes a blocked acquirer at once', async () => {
    const path = `/sem/${randomUUID()}`;
    const [a, b] = await Promise.all([client(), client()]);
    const max = manualMax(1);
    const [first] = await new Semaphore(a, path, max).acquire();
    const waiting = observe(new Semaphore(b, path, max).acquire({ signal: AbortSignal.timeout(10_000) }));
    await count(a, `${path}/leases`, 2);
    // b holds the internal mutex and watches the leases' children.
    await waitUntil(async () => b.watchCount === 1, { timeout: 5000, interval: 10, description: 'b to wait' });
    max.set(2);
    const [second] = await waiting.promise;
    expect(first?.signal.aborted).toBe(false);
    // No record of a dynamic max is kept on the path.
    expect((await a.getData(path)).data ?? new Uint8Array()).toHaveLength(0);
    await Promise.all([first?.release(), second?.release()]);
  });

  it("semaphore – an inconsistent fixed max is refused (kazoo's behaviour, not Curator's) and leaves no node", async () => {
    const path = `/sem/${randomUUID()}`;
    const [a, b] = await Promise.all([client(), client()]);
    const held = await new Semaphore(a, path, 2).acquire();
    await expect(new Semaphore(b, path, 3).acquire()).rejects.toSatisfy(
      (e) => e instanceof InconsistentMaxLeasesError && e.recorded === 2 && e.requested === 3,
    );
    expect(await children(a, `${path}/leases`)).toHaveLength(1);
    expect(await children(a, `${path}/locks`)).toEqual([]);
    await expect(new Semaphore(b, path, 2).acquire({ count: 3 })).rejects.toThrow(RangeError);
    const more = await new Semaphore(b, path, 2).acquire();
    await Promise.all([...held, ...more].map((l) => l.release()));
  });

  it('semaphore – tryAcquire takes free leases, and leaves nothing when too few are free', async () => {
    const path = `/sem/${randomUUID()}`;
    const zk = await client();
    const sem = new Semaphore(zk, path, 3);
    const two = await sem.tryAcquire({ count: 2 });
    expect(two).toHaveLength(2);
    expect(await sem.tryAcquire({ count: 2 })).toBeUndefined();
    expect(await children(zk, `${path}/leases`)).toHaveLength(2);
    expect(await children(zk, `${path}/locks`)).toEqual([]);
    const one = await sem.tryAcquire();
    expect(one).toHaveLength(1);
    await Promise.all([...(two ?? []), ...(one ?? [])].map((l) => l.release()));
  });

  it('semaphore-mutex – one holder at a time among 4 clients; not reentrant; the layout is a semaphore of 1', async () => {
    const path = `/sem/${randomUUID()}`;
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        const m = new SemaphoreMutex(await client(), path);
        for (let i = 0; i < 5; i++) {
          await m.withLock(async () => {
            inside++;
            most = Math.max(most, inside);
            await new Promise((r) => setImmediate(r));
            inside--;
          });
        }
      }),
    );
    expect(most).toBe(1);
    const zk = fx.clients[0] as ZooKeeperClient;
    const m = new SemaphoreMutex(zk, path);
    const lease = await m.acquire();
    expect(lease.path).toMatch(new RegExp(`^${path}/leases/_c_[0-9a-f-]{36}-lease-\\d{10}$`));
    expect((await zk.exists(lease.path)).stat?.czxid).toBe(lease.token);
    expect(await m.tryAcquire()).toBeUndefined();
    await expect(m.acquire({ signal: AbortSignal.timeout(100) })).rejects.toThrow(/timeout|aborted/i);
    await lease.release();
    expect(await children(zk, `${path}/leases`)).toEqual([]);
  });

  it('semaphore-mutex – holder expiry hands the lock to the next waiter', async () => {
    const path = `/sem/${randomUUID()}`;
    const [a, b] = await Promise.all([client(), client()]);
    const first = await new SemaphoreMutex(a, path).acquire();
    const waiting = new SemaphoreMutex(b, path).acquire({ signal: AbortSignal.timeout(T + 5000) });
    await count(b, `${path}/leases`, 2);
    await expireSession(fx.server.connectString, { id: a.sessionId, password: a.sessionPassword });
    const second = await waiting;
    expect(second.token).toBeGreaterThan(first.token);
    await waitUntil(async () => first.signal.aborted, { timeout: T + 2000, interval: 10, description: 'a to learn' });
    await first.release();
    await second.release();
  });
});
