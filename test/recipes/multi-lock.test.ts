// MultiLock: several locks held as one, taken in path order, rolled back on failure; on both servers.
import { randomUUID } from 'node:crypto';
import type { ZooKeeperClient } from '@zookit/client';
import {
  type Lease,
  LeaseLostError,
  type Lockable,
  MultiLock,
  Mutex,
  ReadWriteLock,
  SemaphoreMutex,
} from '@zookit/recipes';
import { waitUntil } from '@zookit/testing';
import { describe, expect, it } from 'vitest';
import { serverTargets } from '../servers.js';
import { useRecipeFixture } from './recipe-fixture.js';

const T = 3000;

/** Wraps a lock so that the order of its acquires and releases shows in `log`. */
function recorded(name: string, lock: Lockable, log: string[]): Lockable {
  const wrap = (lease: Lease): Lease => {
    const release = async () => {
      log.push(`release ${name}`);
      await lease.release();
    };
    return { ...lease, release, [Symbol.asyncDispose]: release };
  };
  return {
    path: lock.path,
    acquire: async (options) => {
      log.push(`acquire ${name}`);
      return wrap(await lock.acquire(options));
    },
    tryAcquire: async (options) => {
      log.push(`try ${name}`);
      const lease = await lock.tryAcquire(options);
      return lease && wrap(lease);
    },
  };
}

describe.each(serverTargets)('MultiLock on $name', (target) => {
  const fx = useRecipeFixture(target, { sessionTimeout: T });
  const { client } = fx;

  /** Every lock node left under `root` (recursively), as paths. */
  async function nodesUnder(zk: ZooKeeperClient, root: string): Promise<string[]> {
    const out: string[] = [];
    const walk = async (path: string) => {
      const { children } = await zk.getChildren(path).catch(() => ({ children: [] as string[] }));
      for (const child of children) {
        const full = `${path}/${child}`;
        if (child.startsWith('_c_')) out.push(full);
        else await walk(full);
      }
    };
    await walk(root);
    return out;
  }

  it('multi-lock – takes a Mutex, a SemaphoreMutex and a read lock in path order, holds them all, releases in reverse', async () => {
    const zk = await client();
    const root = `/multi/${randomUUID()}`;
    const log: string[] = [];
    const multi = new MultiLock([
      recorded('b', new Mutex(zk, `${root}/b`), log),
      recorded('c', new ReadWriteLock(zk, `${root}/c`).readLock(), log),
      recorded('a', new SemaphoreMutex(zk, `${root}/a`), log),
    ]);
    expect(multi.locks.map((l) => l.path)).toEqual([`${root}/a`, `${root}/b`, `${root}/c`]);
    const lease = await multi.acquire();
    expect(log).toEqual(['acquire a', 'acquire b', 'acquire c']);
    expect(lease.leases.map((l) => l.path.slice(root.length + 1, root.length + 2))).toEqual(['a', 'b', 'c']);
    expect((await nodesUnder(zk, root)).sort()).toEqual(lease.leases.map((l) => l.path).sort());
    // Nobody else gets any of them meanwhile.
    expect(await new Mutex(zk, `${root}/b`).tryAcquire()).toBeUndefined();
    expect(await new ReadWriteLock(zk, `${root}/c`).writeLock().tryAcquire()).toBeUndefined();
    await lease.release();
    expect(log.slice(3)).toEqual(['release c', 'release b', 'release a']);
    expect(lease.signal.aborted).toBe(true);
    expect(await nodesUnder(zk, root)).toEqual([]);
  });

  it('multi-lock – two MultiLocks over the same locks, given in opposite orders, never deadlock', async () => {
    const root = `/multi/${randomUUID()}`;
    const [a, b] = await Promise.all([client(), client()]);
    let inside = 0;
    let most = 0;
    const run = async (zk: ZooKeeperClient, names: string[]) => {
      const multi = new MultiLock(names.map((n) => new Mutex(zk, `${root}/${n}`)));
      for (let i = 0; i < 5; i++) {
        await multi.withLock(
          async () => {
            inside++;
            most = Math.max(most, inside);
            await new Promise((r) => setImmediate(r));
            inside--;
          },
          { signal: AbortSignal.timeout(10_000) },
        );
      }
    };
    await Promise.all([run(a, ['x', 'y', 'z']), run(b, ['z', 'y', 'x'])]);
    expect(most).toBe(1);
    expect(await nodesUnder(a, root)).toEqual([]);
  });

  it('multi-lock – a cancelled acquire releases the locks it already took', async () => {
    const root = `/multi/${randomUUID()}`;
    const [a, b] = await Promise.all([client(), client()]);
    const other = await new Mutex(b, `${root}/2`).acquire();
    const ac = new AbortController();
    const attempt = new MultiLock([new Mutex(a, `${root}/2`), new Mutex(a, `${root}/1`)]).acquire({
      signal: ac.signal,
    });
    const outcome = attempt.then(
      () => 'acquired',
      (err: Error) => err.message,
    );
    // /1 taken, /2 queued behind `other`.
    await waitUntil(async () => (await nodesUnder(a, root)).length === 3, {
      timeout: 5000,
      interval: 10,
      description: 'the multi-lock to hold /1 and queue for /2',
    });
    ac.abort(new Error('gave up'));
    expect(await outcome).toBe('gave up');
    expect(await nodesUnder(a, root)).toEqual([other.path]);
    await other.release();
  });

  it('multi-lock – a failing lock rolls back the ones taken and its error wins', async () => {
    const root = `/multi/${randomUUID()}`;
    const zk = await client();
    const broken: Lockable = {
      path: `${root}/z`,
      acquire: async () => {
        throw new Error('broken lock');
      },
      tryAcquire: async () => {
        throw new Error('broken lock');
      },
    };
    const multi = new MultiLock([broken, new Mutex(zk, `${root}/a`), new SemaphoreMutex(zk, `${root}/b`)]);
    await expect(multi.acquire()).rejects.toThrow('broken lock');
    await expect(multi.tryAcquire()).rejects.toThrow('broken lock');
    expect(await nodesUnder(zk, root)).toEqual([]);
  });

  it('multi-lock – tryAcquire takes all or nothing', async () => {
    const root = `/multi/${randomUUID()}`;
    const [a, b] = await Promise.all([client(), client()]);
    const multi = new MultiLock([new Mutex(a, `${root}/a`), new Mutex(a, `${root}/b`)]);
    const held = await new Mutex(b, `${root}/b`).acquire();
    expect(await multi.tryAcquire()).toBeUndefined();
    expect(await nodesUnder(a, root)).toEqual([held.path]);
    await held.release();
    const all = await multi.tryAcquire();
    expect(all?.leases).toHaveLength(2);
    await all?.release();
  });

  it("multi-lock – the multi-lease's signal aborts when any of its leases ends", async () => {
    const root = `/multi/${randomUUID()}`;
    const zk = await client();
    const lease = await new MultiLock([new Mutex(zk, `${root}/a`), new Mutex(zk, `${root}/b`)]).acquire();
    expect(lease.signal.aborted).toBe(false);
    await zk.delete(lease.leases[1]?.path as string); // as an operator (or the server) would
    await waitUntil(async () => lease.signal.aborted, { timeout: 5000, interval: 10, description: 'the signal' });
    expect(lease.signal.reason).toBeInstanceOf(LeaseLostError);
    expect((lease.signal.reason as LeaseLostError).reason).toBe('deleted');
    await lease.release();
    expect(await nodesUnder(zk, root)).toEqual([]);
  });

  it('multi-lock – two locks on one path (both halves of a read-write lock) are refused', async () => {
    const zk = await client();
    const rw = new ReadWriteLock(zk, `/multi/${randomUUID()}`);
    expect(() => new MultiLock([rw.readLock(), rw.writeLock()])).toThrow(TypeError);
    expect(() => new MultiLock([])).toThrow(TypeError);
  });
});
