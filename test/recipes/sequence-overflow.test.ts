// Scenario 8(b) of the recipes reference (§6) and its "sequence-overflow-safe ordering
// everywhere": locks, read-write locks and latches queued across the wrap of a parent's
// sequence counter (2147483647 → -2147483648). Bundled server only: ZooKeeper has no way to set
// the counter and 2^31 creates are not feasible, so the bundled server's testing knob
// (`server.core.setNextSequence`) starts it just below the wrap. (ZooKeeper 3.8 does not wrap
// cleanly either: docs/compatibility.md.)
import type { ZooKeeperClient } from '@zookit/client';
import { LeaderLatch, type Lease, Mutex, ReadWriteLock } from '@zookit/recipes';
import { waitUntil } from '@zookit/testing';
import { describe, expect, it } from 'vitest';
import { useRecipeFixture } from './recipe-fixture.js';
import { bundledServer, INT32_MAX, parentAt as parentAtOn, WAIT, waitsOn as waitsOnOn } from './sequence-knob.js';

/**
 * Records who holds what, in grant order. A grant beside a writer, or a write beside anyone, is
 * an overlap, except a downgraded read beside its own writer (`beside`).
 */
function holders() {
  const held = new Map<string, 'read' | 'write'>();
  const granted: string[] = [];
  const overlaps: string[] = [];
  return {
    granted,
    overlaps,
    /** Resolves with the lease of `acquiring`, recorded as `name`'s grant. */
    grant(name: string, mode: 'read' | 'write', acquiring: Promise<Lease>, beside?: string): Promise<Lease> {
      return acquiring.then((lease) => {
        const others = [...held].filter(([holder]) => holder !== beside);
        if (others.some(([, m]) => m === 'write') || (mode === 'write' && others.length > 0)) {
          overlaps.push(`${name} granted beside ${others.map(([holder]) => holder)}`);
        }
        held.set(name, mode);
        granted.push(name);
        return lease;
      });
    },
    async release(name: string, lease: Lease): Promise<void> {
      held.delete(name);
      await lease.release();
    },
  };
}

describe('Sequence counter wrap on the bundled server', () => {
  const bundled = bundledServer();
  const fx = useRecipeFixture(bundled.target);
  const { client } = fx;
  const server = bundled.server;
  const parentAt = (zk: ZooKeeperClient, next: number) => parentAtOn(server(), zk, next);
  const waitsOn = (zk: ZooKeeperClient, path: string, who: string, holds: () => boolean, own?: string) =>
    waitsOnOn(server(), zk, path, who, holds, own);

  /** The sequence text of a node: what follows `name`. */
  const sequence = (path: string, name: string) => path.slice(path.lastIndexOf(name) + name.length);

  /** The name of the child of `path` not in `known` (a node that just joined), added to `known`. */
  async function joined(zk: ZooKeeperClient, path: string, known: Set<string>): Promise<string> {
    const { children } = await zk.getChildren(path);
    const fresh = children.filter((n) => !known.has(n));
    expect(fresh).toHaveLength(1);
    known.add(fresh[0] as string);
    return `${path}/${fresh[0]}`;
  }

  it("sequential names – the counter wraps to -2147483648 and counts on, formatted as Java's %010d", async () => {
    const zk = await client();
    const parent = await parentAt(zk, INT32_MAX - 1);
    const names: string[] = [];
    for (let i = 0; i < 4; i++)
      names.push((await zk.create(`${parent}/n-`, null, { mode: 'persistent-sequential' })).path);
    server().core.setNextSequence(parent, -5);
    names.push((await zk.create(`${parent}/n-`, null, { mode: 'persistent-sequential' })).path);
    expect(names.map((p) => p.slice(parent.length + 1))).toEqual([
      'n-2147483646',
      'n-2147483647',
      'n--2147483648',
      'n--2147483647',
      'n--000000005',
    ]);
    // Stat.cversion is 2 × counter − numChildren in Java int arithmetic (it overflows here too).
    const { stat } = await zk.exists(parent);
    expect(stat?.cversion).toBe((2 * -4 - 5) | 0);
    server().core.setNextSequence(parent, INT32_MAX);
    expect((await zk.exists(parent)).stat?.cversion).toBe((2 * INT32_MAX - 5) | 0);
    expect(() => server().core.setNextSequence(parent, 2 ** 31)).toThrow(RangeError);
    expect(() => server().core.setNextSequence(`${parent}/none`, 0)).toThrow(RangeError);
    for (const name of names) await zk.delete(name);
    await zk.delete(parent);
  });

  it('mutex – FIFO, one holder at a time and growing tokens across the wrap (2147483646 … -2147483646)', async () => {
    const [a, b, c, d, e] = await Promise.all([client(), client(), client(), client(), client()]);
    const path = await parentAt(a, INT32_MAX - 1);
    const h = holders();
    const leaseA = await h.grant('A', 'write', new Mutex(a, path).acquire());
    const waiters: Array<{ name: string; zk: ZooKeeperClient; lease: Promise<Lease> }> = [];
    const known = new Set([leaseA.path.slice(path.length + 1)]);
    let predecessor = leaseA.path;
    for (const [name, zk] of [
      ['B', b],
      ['C', c],
      ['D', d],
    ] as const) {
      waiters.push({ name, zk, lease: h.grant(name, 'write', new Mutex(zk, path).acquire()) });
      // Each one queues behind the one before: it watches exactly that node.
      await waitsOn(zk, predecessor, name, () => h.granted.includes(name));
      predecessor = await joined(zk, path, known);
    }
    expect(h.granted).toEqual(['A']);
    // A try while held, now that the counter is negative, leaves no node and gets nothing.
    expect(await new Mutex(e, path).tryAcquire()).toBeUndefined();
    const leases = [leaseA];
    await h.release('A', leaseA);
    for (const [i, w] of waiters.entries()) {
      const lease = await w.lease;
      leases.push(lease);
      if (i + 1 < waiters.length) await h.release(w.name, lease);
    }
    expect(h.overlaps).toEqual([]);
    expect(h.granted).toEqual(['A', 'B', 'C', 'D']);
    expect(leases.map((l) => sequence(l.path, '-lock-'))).toEqual([
      '2147483646',
      '2147483647',
      '-2147483648',
      '-2147483647',
    ]);
    for (let i = 1; i < leases.length; i++) expect(leases[i]?.token).toBeGreaterThan(leases[i - 1]?.token as bigint);
    await h.release('D', leases[3] as Lease);
    await a.delete(path);
  });

  it('read-write lock – writers stay exclusive across the wrap, with downgraded reads named 2147483647 and -2147483648', async () => {
    const [a, b, c] = await Promise.all([client(), client(), client()]);
    const path = await parentAt(a, INT32_MAX);
    const h = holders();
    const o1 = {};
    const o2 = {};
    const rw1 = new ReadWriteLock(a, path);
    const rw2 = new ReadWriteLock(b, path);
    const w1 = await h.grant('W1', 'write', rw1.writeLock().acquire({ owner: o1 }));
    const known = new Set([w1.path.slice(path.length + 1)]);
    const w2 = h.grant('W2', 'write', rw2.writeLock().acquire({ owner: o2 }));
    await waitsOn(b, w1.path, 'W2', () => h.granted.includes('W2'));
    const w2Path = await joined(b, path, known);
    const w3 = h.grant('W3', 'write', new ReadWriteLock(c, path).writeLock().acquire());
    await waitsOn(c, w2Path, 'W3', () => h.granted.includes('W3'));
    /**
     * Writer `name` downgrades (its read carries its sequence, so it sorts right after it), then
     * leaves: the queued writer `next` looks again and waits for that read, not for nobody.
     */
    const downgradeAndLeave = async (
      name: string,
      lease: Lease,
      rw: ReadWriteLock,
      owner: object,
      next: string,
      nextZk: ZooKeeperClient,
    ) => {
      const reader = `D${name.slice(1)}`;
      const acquiring = rw.readLock().acquire({ owner, signal: AbortSignal.timeout(2000) });
      const read = await h.grant(reader, 'read', acquiring, name);
      await h.release(name, lease);
      await waitsOn(nextZk, read.path, next, () => h.granted.includes(next));
      await h.release(reader, read);
      return read;
    };
    const d1 = await downgradeAndLeave('W1', w1, rw1, o1, 'W2', b);
    const lw2 = await w2;
    // The same after the wrap: W2's downgraded read is named -2147483648.
    const d2 = await downgradeAndLeave('W2', lw2, rw2, o2, 'W3', c);
    const lw3 = await w3;
    expect(h.overlaps).toEqual([]);
    expect(h.granted).toEqual(['W1', 'D1', 'W2', 'D2', 'W3']);
    expect([w1, d1, lw2, d2, lw3].map((l) => sequence(l.path, '__'))).toEqual([
      '2147483647',
      '2147483647',
      '-2147483648',
      '-2147483648',
      '-2147483647',
    ]);
    // Writers' tokens grow; a downgraded read's node is newer than its writer's.
    expect(lw2.token).toBeGreaterThan(w1.token);
    expect(lw3.token).toBeGreaterThan(lw2.token);
    expect(d1.token).toBeGreaterThan(w1.token);
    expect(d2.token).toBeGreaterThan(lw2.token);
    await h.release('W3', lw3);
    await a.delete(path);
  });

  it('leader latch – leadership passes in join order across the wrap, one leader at a time, tokens growing', async () => {
    const zks = [await client(), await client(), await client()] as const;
    const path = await parentAt(zks[0], INT32_MAX);
    const latches: LeaderLatch[] = [];
    for (const [i, zk] of zks.entries()) {
      const latch = fx.track(new LeaderLatch(zk, path, { id: `L${i + 1}` }));
      await latch.start();
      // Each one waits behind the one before (the first leads).
      if (i > 0) {
        await waitsOn(zk, latches[i - 1]?.ourPath as string, latch.id, () => latch.hasLeadership, latch.ourPath);
      }
      latches.push(latch);
    }
    expect(latches.map((l) => sequence(l.ourPath as string, '-latch-'))).toEqual([
      '2147483647',
      '-2147483648',
      '-2147483647',
    ]);
    const leaders = () => latches.filter((l) => l.hasLeadership).map((l) => l.id);
    const tokens: bigint[] = [];
    for (const [i, latch] of latches.entries()) {
      await waitUntil(async () => leaders().join() === latch.id, { ...WAIT, description: `${latch.id} alone to lead` });
      tokens.push((await latch.awaitLeadership()).token);
      if (i > 0) expect(tokens[i]).toBeGreaterThan(tokens[i - 1] as bigint);
      await latch.close();
    }
    await zks[0].delete(path);
  });
});
