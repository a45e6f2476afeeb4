// ReadWriteLock scenarios (recipes reference §6 item 10) on both servers.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { ZooKeeperClient } from '@zookit/client';
import { type Lease, LeaseLostError, LockRefusedError, ReadWriteLock } from '@zookit/recipes';
import { expireSession, waitUntil } from '@zookit/testing';
import { describe, expect, it } from 'vitest';
import { serverTargets } from '../servers.js';
import { childrenOrNone, observe, useRecipeFixture } from './recipe-fixture.js';

const T = 3000;

describe.each(serverTargets)('ReadWriteLock on $name', (target) => {
  const fx = useRecipeFixture(target, { sessionTimeout: T });
  const { client } = fx;

  /** Waits until `path` has `n` children (a queued acquire has joined). */
  async function queued(zk: ZooKeeperClient, path: string, n: number): Promise<void> {
    await waitUntil(async () => (await childrenOrNone(zk, path)).length === n, {
      timeout: 5000,
      interval: 10,
      description: `${n} nodes under ${path}`,
    });
  }

  it("rw – node names are Curator's and readers hold together", async () => {
    const path = `/rw/${randomUUID()}`;
    const zks = await Promise.all([client(), client(), client()]);
    const reads = await Promise.all(
      zks.map((zk) => new ReadWriteLock(zk, path).readLock().acquire({ signal: AbortSignal.timeout(5000) })),
    );
    for (const r of reads) expect(r.path).toMatch(new RegExp(`^${path}/_c_[0-9a-f-]{36}-__READ__\\d{10}$`));
    expect(new Set(reads.map((r) => r.token)).size).toBe(3);
    const writing = observe(new ReadWriteLock(zks[0], path).writeLock().acquire());
    await queued(zks[0], path, 4);
    await Promise.all(reads.map((r) => r.release()));
    const w = await writing.promise;
    expect(w.path).toMatch(new RegExp(`^${path}/_c_[0-9a-f-]{36}-__WRIT__0000000003$`));
    expect(w.token).toBeGreaterThan(reads[2]?.token as bigint);
    await w.release();
  });

  it('rw – writers are exclusive and exclude readers (4 clients, random reads and writes)', async () => {
    const path = `/rw/${randomUUID()}`;
    let readers = 0;
    let writers = 0;
    let maxReaders = 0;
    const violations: string[] = [];
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        const rw = new ReadWriteLock(await client(), path);
        for (let i = 0; i < 8; i++) {
          const write = random() < 0.4;
          await (write ? rw.writeLock() : rw.readLock()).withLock(async () => {
            if (write) writers++;
            else readers++;
            maxReaders = Math.max(maxReaders, readers);
            if (writers > 1 || (writers === 1 && readers > 0))
              violations.push(`writers ${writers}, readers ${readers}`);
            await new Promise((r) => setImmediate(r));
            if (write) writers--;
            else readers--;
          });
        }
      }),
    );
    expect(violations).toEqual([]);
    expect(await childrenOrNone(fx.clients[0] as ZooKeeperClient, path)).toEqual([]);
  });

  it('rw – FIFO between groups: W held, then R1 R2 W2 R3 queued ⇒ R1+R2 together, then W2, then R3', async () => {
    const path = `/rw/${randomUUID()}`;
    const [a, b, c, d, e] = await Promise.all([client(), client(), client(), client(), client()]);
    const w1 = await new ReadWriteLock(a, path).writeLock().acquire();
    const order: string[] = [];
    const join = async (zk: ZooKeeperClient, mode: 'read' | 'write', name: string, n: number) => {
      const rw = new ReadWriteLock(zk, path);
      const p = observe(
        (mode === 'read' ? rw.readLock() : rw.writeLock()).acquire().then((lease) => {
          order.push(name);
          return lease;
        }),
      );
      await queued(zk, path, n);
      return p;
    };
    const r1 = await join(b, 'read', 'R1', 2);
    const r2 = await join(c, 'read', 'R2', 3);
    const w2 = await join(d, 'write', 'W2', 4);
    const r3 = await join(e, 'read', 'R3', 5);
    await w1.release();
    const [l1, l2] = await Promise.all([r1.promise, r2.promise]);
    await Promise.all([d, e].map((zk) => zk?.sync('/')));
    expect(w2.settled() || r3.settled()).toBe(false);
    await l1.release();
    await l2.release();
    const lw2 = await w2.promise;
    await e.sync('/');
    expect(r3.settled()).toBe(false);
    await lw2.release();
    await (await r3.promise).release();
    expect(order.slice(2)).toEqual(['W2', 'R3']);
    expect(order.slice(0, 2).sort()).toEqual(['R1', 'R2']);
  });

  it('rw – a reader watches the nearest earlier writer, not the first one', async () => {
    const path = `/rw/${randomUUID()}`;
    const proxy = await fx.proxy();
    const [a, b, c] = await Promise.all([client(), client(), client(proxy.connectString)]);
    const w1 = await new ReadWriteLock(a, path).writeLock().acquire();
    const w2 = observe(new ReadWriteLock(b, path).writeLock().acquire());
    await queued(a, path, 2);
    const r = observe(new ReadWriteLock(c, path).readLock().acquire());
    await waitUntil(async () => c.watchCount === 1, { timeout: 5000, interval: 10, description: 'the reader to wait' });
    await w1.release();
    const lw2 = await w2.promise;
    await c.sync('/');
    // W1 leaving told the reader nothing: it watches W2.
    expect(proxy.notificationCount).toBe(0);
    expect(r.settled()).toBe(false);
    await lw2.release();
    const lr = await r.promise;
    expect(proxy.notificationCount).toBe(1);
    await lr.release();
  });

  it('rw – no deadlock in the kazoo #649 sequence: W held, R queued, W2 queued, W released ⇒ R, then W2', async () => {
    const path = `/rw/${randomUUID()}`;
    const [a, b, c] = await Promise.all([client(), client(), client()]);
    // A deadlock would show as a timeout here rather than a hung test.
    const signal = AbortSignal.timeout(10_000);
    const w = await new ReadWriteLock(a, path).writeLock().acquire();
    const r = observe(new ReadWriteLock(b, path).readLock().acquire({ signal }));
    await queued(a, path, 2);
    const w2 = observe(new ReadWriteLock(c, path).writeLock().acquire({ signal }));
    await queued(a, path, 3);
    await waitUntil(async () => b.watchCount === 1 && c.watchCount === 1, {
      timeout: 5000,
      interval: 10,
      description: 'R and W2 to wait',
    });
    await w.release();
    const lr = await r.promise;
    await c.sync('/');
    expect(w2.settled()).toBe(false);
    await lr.release();
    const lw2 = await w2.promise;
    await lw2.release();
  });

  it('rw – upgrade (read → write by one owner) is refused at once, as is a second write; nothing is left behind', async () => {
    const zk = await client();
    const path = `/rw/${randomUUID()}`;
    const rw = new ReadWriteLock(zk, path);
    const owner = {};
    const read = await rw.readLock().acquire({ owner });
    const start = performance.now();
    await expect(rw.writeLock().acquire({ owner })).rejects.toSatisfy(
      (e) => e instanceof LockRefusedError && e.reason === 'upgrade',
    );
    await expect(rw.writeLock().tryAcquire({ owner })).rejects.toThrow(LockRefusedError);
    expect(performance.now() - start).toBeLessThan(1000);
    expect(await childrenOrNone(zk, path)).toHaveLength(1);
    await read.release();
    // Once the read is released, the same owner may write — once.
    const write = await rw.writeLock().acquire({ owner });
    await expect(rw.writeLock().acquire({ owner })).rejects.toSatisfy(
      (e) => e instanceof LockRefusedError && e.reason === 'reentry',
    );
    await write.release();
    expect(await childrenOrNone(zk, path)).toEqual([]);
  });

  it('rw – downgrade: the writer takes the read lock at once; a queued writer stays blocked until the read goes (CURATOR-621)', async () => {
    const path = `/rw/${randomUUID()}`;
    const proxy = await fx.proxy();
    const [a, c] = await Promise.all([client(), client(proxy.connectString)]);
    const rw = new ReadWriteLock(a, path);
    const owner = {};
    const write = await rw.writeLock().acquire({ owner });
    const w2 = observe(new ReadWriteLock(c, path).writeLock().acquire());
    await queued(a, path, 2);
    await waitUntil(async () => c.watchCount === 1, { timeout: 5000, interval: 10, description: 'W2 to watch W' });
    const read = await rw.readLock().acquire({ owner, signal: AbortSignal.timeout(2000) });
    // Curator's name for a downgraded read: the writer's sequence, so it sorts before W2.
    const sequence = write.path.slice(-10);
    expect(read.path).toMatch(new RegExp(`^${path}/_c_[0-9a-f-]{36}-__READ__${sequence}$`));
    expect(read.token).toBeGreaterThan(write.token);
    await write.release();
    expect(read.signal.aborted).toBe(false);
    // W2 woke when the writer left, looked again, and now waits on the downgraded read.
    await waitUntil(async () => proxy.notificationCount === 1, { timeout: 5000, interval: 10, description: 'W2 told' });
    await c.sync('/');
    await waitUntil(async () => c.watchCount === 1, { timeout: 5000, interval: 10, description: 'W2 to wait again' });
    expect(w2.settled()).toBe(false);
    // Another owner's reader queued now waits behind W2.
    const other = observe(new ReadWriteLock(a, path).readLock().acquire());
    await queued(a, path, 3);
    await read.release();
    const lw2 = await w2.promise;
    await a.sync('/');
    expect(other.settled()).toBe(false);
    await lw2.release();
    await (await other.promise).release();
  });

  it('rw – a second read by an owner holding one is granted beside it, ahead of a queued writer', async () => {
    const path = `/rw/${randomUUID()}`;
    const [a, b] = await Promise.all([client(), client()]);
    const rw = new ReadWriteLock(a, path);
    const owner = {};
    const first = await rw.readLock().acquire({ owner });
    const w = observe(new ReadWriteLock(b, path).writeLock().acquire());
    await queued(a, path, 2);
    const second = await rw.readLock().acquire({ owner, signal: AbortSignal.timeout(2000) });
    expect(second.path.slice(-10)).toBe(first.path.slice(-10));
    await first.release();
    await b.sync('/');
    expect(w.settled()).toBe(false);
    await second.release();
    await (await w.promise).release();
  });

  it('rw – a cancelled acquire leaves no node; tryAcquire of a taken lock leaves none either', async () => {
    const zk = await client();
    const path = `/rw/${randomUUID()}`;
    const write = await new ReadWriteLock(zk, path).writeLock().acquire();
    const ac = new AbortController();
    const waiting = new ReadWriteLock(zk, path).readLock().acquire({ signal: ac.signal });
    await queued(zk, path, 2);
    ac.abort(new Error('gave up'));
    await expect(waiting).rejects.toThrow('gave up');
    expect(await new ReadWriteLock(zk, path).readLock().tryAcquire()).toBeUndefined();
    expect(await new ReadWriteLock(zk, path).writeLock().tryAcquire()).toBeUndefined();
    expect(await childrenOrNone(zk, path)).toEqual([write.path.slice(path.length + 1)]);
    await write.release();
    const read = await new ReadWriteLock(zk, path).readLock().tryAcquire();
    expect(read).toBeDefined();
    await (read as Lease).release();
  });

  it("rw – the writer's session expiry lets a queued reader in; the old write lease ends", async () => {
    const path = `/rw/${randomUUID()}`;
    const [a, b] = await Promise.all([client(), client()]);
    const write = await new ReadWriteLock(a, path).writeLock().acquire();
    const reading = new ReadWriteLock(b, path).readLock().acquire();
    await queued(b, path, 2);
    const start = performance.now();
    await expireSession(fx.server.connectString, {
      id: a.sessionId,
      password: a.sessionPassword,
    });
    const read = await reading;
    expect(performance.now() - start).toBeLessThan(T + 1000);
    await waitUntil(async () => write.signal.aborted, { timeout: T + 2000, interval: 10, description: 'A to learn' });
    expect(write.signal.reason).toBeInstanceOf(LeaseLostError);
    await write.release();
    expect(await childrenOrNone(b, path)).toHaveLength(1);
    await read.release();
  });
});
