// ZooKeeper 3.8's saturated sequence counter: once a parent's counter reached 2147483647, every
// later sequential child is named `…2147483647` again (docs/compatibility.md), so live nodes of
// one queue share a suffix. Recipes order such ties by czxid (creation order), never by name.
// Bundled server only: its testing knob sets the counter back to 2147483647, giving a second
// live node that suffix, as ZooKeeper 3.8 does after 2^31 - 1 creates.
//
// Each test queues a recipe's node R behind a holder, then makes a competitor node F with the
// same suffix, created after R but named to sort before it (`_c_00000000-…`, a protected name as
// a Curator process makes it). When the holder leaves, R — the older — must hold; ordered by
// name, R would wait on F forever.
import type { ZooKeeperClient } from '@zookit/client';
import { LeaderLatch, type Lease, LockRefusedError, Mutex, ReadWriteLock, Semaphore } from '@zookit/recipes';
import { waitUntil } from '@zookit/testing';
import { describe, expect, it } from 'vitest';
import { observe, useRecipeFixture } from './recipe-fixture.js';
import { bundledServer, INT32_MAX, parentAt, WAIT, waitsOn } from './sequence-knob.js';

/** The protection prefix with the smallest uuid: sorts before every other protected name. */
const FIRST_BY_NAME = '_c_00000000-0000-0000-0000-000000000000-';

describe('Tied sequence suffixes on the bundled server', () => {
  const bundled = bundledServer();
  const fx = useRecipeFixture(bundled.target);
  const { client } = fx;
  const server = bundled.server;

  /** The last segment of a path. */
  const name = (path: string) => path.slice(path.lastIndexOf('/') + 1);

  /**
   * Creates the competitor: an ephemeral-sequential `<FIRST_BY_NAME><lockName>` under `parent`
   * given the suffix 2147483647 again. Checks that it ties with `tiedWith` but is newer.
   */
  async function competitor(zk: ZooKeeperClient, parent: string, lockName: string, tiedWith: string) {
    server().core.setNextSequence(parent, INT32_MAX);
    const { path, stat } = await zk.create(`${parent}/${FIRST_BY_NAME}${lockName}`, null, {
      mode: 'ephemeral-sequential',
    });
    expect(path.endsWith(`${lockName}${INT32_MAX}`) && tiedWith.endsWith(`${INT32_MAX}`)).toBe(true);
    const tied = await zk.exists(tiedWith);
    expect(tied.stat?.czxid).toBeLessThan(stat.czxid);
    expect(name(path) < name(tiedWith)).toBe(true);
    return path;
  }

  /** Waits for an observed acquire (the older tied node's grant) within the deadline. */
  async function granted<V>(acquiring: { promise: Promise<V>; settled: () => boolean }, who: string): Promise<V> {
    await waitUntil(async () => acquiring.settled(), { ...WAIT, description: `${who} (the older tied node) to hold` });
    return acquiring.promise;
  }

  /** The only child of `parent` that `zk`'s session owns. */
  async function ownChild(zk: ZooKeeperClient, parent: string): Promise<string> {
    const { children } = await zk.getChildren(parent);
    const owned: string[] = [];
    for (const child of children) {
      const { stat } = await zk.exists(`${parent}/${child}`);
      if (stat?.ephemeralOwner === zk.sessionId) owned.push(`${parent}/${child}`);
    }
    expect(owned).toHaveLength(1);
    return owned[0] as string;
  }

  it('mutex – the older of two nodes named …2147483647 holds, whatever their names', async () => {
    const [a, b, f] = await Promise.all([client(), client(), client()]);
    const path = await parentAt(server(), a, INT32_MAX - 1);
    const holder = await new Mutex(a, path).acquire();
    const acquiring = observe(new Mutex(b, path).acquire());
    await waitsOn(server(), b, holder.path, 'R', acquiring.settled);
    const ours = await ownChild(b, path);
    const rival = await competitor(f, path, 'lock-', ours);
    await holder.release();
    const lease = await granted(acquiring, 'R');
    expect(lease.path).toBe(ours);
    // The competitor (were it a waiting recipe) comes after it: R's token is the older czxid.
    expect(lease.token).toBeLessThan((await f.exists(rival)).stat?.czxid as bigint);
    await lease.release();
    await f.delete(rival);
    await a.delete(path);
  });

  it('read-write lock – a queued reader and a queued writer, each older than a tied writer, hold first', async () => {
    for (const mode of ['read', 'write'] as const) {
      const [a, b, f] = await Promise.all([client(), client(), client()]);
      const path = await parentAt(server(), a, INT32_MAX - 1);
      const holder = await new ReadWriteLock(a, path).writeLock().acquire();
      const rw = new ReadWriteLock(b, path);
      const acquiring = observe((mode === 'read' ? rw.readLock() : rw.writeLock()).acquire());
      await waitsOn(server(), b, holder.path, `R (${mode})`, acquiring.settled);
      const ours = await ownChild(b, path);
      const rival = await competitor(f, path, '__WRIT__', ours);
      await holder.release();
      const lease: Lease = await granted(acquiring, `R (${mode})`);
      expect(lease.path).toBe(ours);
      await lease.release();
      await f.delete(rival);
      await a.delete(path);
    }
  });

  it('read-write lock – a downgrade is refused (no node left) when a queued writer shares the write lock’s suffix', async () => {
    const [a, b] = await Promise.all([client(), client()]);
    const path = await parentAt(server(), a, INT32_MAX);
    const owner = {};
    const rw = new ReadWriteLock(a, path);
    const write = await rw.writeLock().acquire({ owner });
    server().core.setNextSequence(path, INT32_MAX);
    const queued = observe(new ReadWriteLock(b, path).writeLock().acquire());
    await waitsOn(server(), b, write.path, 'W2', queued.settled);
    expect(await ownChild(b, path)).toMatch(/__WRIT__2147483647$/);
    // A read named …2147483647 would sort after W2 (older): W2 would be granted beside it.
    await expect(rw.readLock().acquire({ owner })).rejects.toSatisfy(
      (e) => e instanceof LockRefusedError && e.reason === 'tied',
    );
    expect((await a.getChildren(path)).children).toHaveLength(2);
    await write.release();
    await (await granted(queued, 'W2')).release();
    await a.delete(path);
  });

  it('semaphore – the older of two tied nodes of its internal lock takes the lease', async () => {
    const [a, b, f] = await Promise.all([client(), client(), client()]);
    const path = await parentAt(server(), a, 0);
    const locks = `${path}/locks`;
    await a.create(locks, null);
    server().core.setNextSequence(locks, INT32_MAX - 1);
    // Whoever holds `<path>/locks` holds the semaphore's internal lock (InterProcessSemaphoreV2's layout).
    const holder = await new Mutex(a, locks).acquire();
    const acquiring = observe(new Semaphore(b, path, 1).acquire());
    await waitsOn(server(), b, holder.path, 'R', acquiring.settled);
    const ours = await ownChild(b, locks);
    const rival = await competitor(f, locks, 'lock-', ours);
    await holder.release();
    const leases = await granted(acquiring, 'R');
    expect(leases).toHaveLength(1);
    for (const lease of leases) await lease.release();
    await f.delete(rival);
    for (const child of (await a.getChildren(path)).children) await a.delete(`${path}/${child}`);
    await a.delete(path);
  });

  it('leader latch – the older of two tied latch nodes leads', async () => {
    const [a, b, f] = await Promise.all([client(), client(), client()]);
    const path = await parentAt(server(), a, INT32_MAX - 1);
    const first = new LeaderLatch(a, path, { id: 'first' });
    await first.start();
    await first.awaitLeadership();
    const second = fx.track(new LeaderLatch(b, path, { id: 'second' }));
    await second.start();
    await waitsOn(server(), b, first.ourPath as string, 'second', () => second.hasLeadership, second.ourPath);
    const rival = await competitor(f, path, 'latch-', second.ourPath as string);
    await first.close();
    const leadership = await granted(observe(second.awaitLeadership()), 'second');
    expect(leadership.path).toBe(second.ourPath);
    await second.close();
    await f.delete(rival);
    await a.delete(path);
  });
});
