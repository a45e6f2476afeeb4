// PartitionAssigner (reference §5.2, §6 scenario 15) on both servers: sticky incremental
// rebalancing, expiry moving only the expired member's partitions, one worker per partition at
// every instant, the deposed leader fenced by its latch node, zombies fenced by the token.
import { randomUUID } from 'node:crypto';
import type { ZooKeeperClient } from '@zookit/client';
import {
  FencedOutError,
  FencedStore,
  PartitionAssigner,
  type PartitionAssignerEvent,
  type PartitionAssignerOptions,
} from '@zookit/recipes';
import { expireSession, waitUntil } from '@zookit/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { readAssignment, writeAssignment } from '../../packages/recipes/src/partition/assignment-record.js';
import { serverTargets } from '../servers.js';
import { useRecipeFixture } from './recipe-fixture.js';

const T = 3000;

/** Every worker's start and stop, and any start of a partition whose previous worker still runs. */
class WorkLog {
  readonly active = new Map<string, string>();
  readonly violations: string[] = [];
  readonly starts: Array<{ partition: string; member: string; token: bigint }> = [];

  worker(member: string): NonNullable<PartitionAssignerOptions['worker']> {
    return async (partition, { token, signal }) => {
      const other = this.active.get(partition);
      if (other !== undefined) this.violations.push(`${partition}: ${member} started while ${other} runs`);
      this.active.set(partition, member);
      this.starts.push({ partition, member, token });
      await new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        else signal.addEventListener('abort', () => resolve(), { once: true });
      });
      if (this.active.get(partition) === member) this.active.delete(partition);
    };
  }
}

describe.each(serverTargets)('PartitionAssigner on $name', (target) => {
  const fx = useRecipeFixture(target, { sessionTimeout: T });

  async function member(
    path: string,
    memberId: string,
    log: WorkLog,
    options: Partial<PartitionAssignerOptions> = {},
    cs?: string,
  ) {
    const client = await fx.client(cs);
    const assigner = fx.track(
      new PartitionAssigner(client, path, {
        memberId,
        partitions: 6,
        debounce: 0,
        worker: log.worker(memberId),
        ...options,
      }),
    );
    const events: PartitionAssignerEvent[] = [];
    assigner.on((e) => events.push(e));
    await assigner.start();
    return { client, assigner, events };
  }

  const owned = (a: PartitionAssigner) => [...a.owned().keys()].sort();
  const revoked = (events: PartitionAssignerEvent[]) =>
    events.flatMap((e) => (e.type === 'revoked' ? [e.partition] : [])).sort();
  /** Waits until the assigners own, between them, every partition once, as the assignment says. */
  /**
   * Waits until `all` own every partition, as assigned, with each member's count in its share:
   * `counts` when given, else the equal share (⌊n/m⌋ or ⌈n/m⌉). The share matters: a leader
   * that has not seen the latest join yet leaves an assignment that is owned as assigned too.
   */
  async function converged(all: PartitionAssigner[], description: string, counts?: number[], timeout = 10_000) {
    const n = (all[0] as PartitionAssigner).partitions.length;
    const lo = Math.floor(n / all.length);
    const hi = Math.ceil(n / all.length);
    await waitUntil(
      async () => {
        const owned = all.map((a) => a.owned().size);
        const total = owned.reduce((s, c) => s + c, 0);
        const shares = counts ? owned.every((c, i) => c === counts[i]) : owned.every((c) => c === lo || c === hi);
        return total === n && shares && (await all[0]?.isBalanced());
      },
      { timeout, interval: 20, description },
    );
  }

  it('a second member joining takes exactly half the partitions; the others never stop', async () => {
    const path = `/partitions/${randomUUID()}`;
    const log = new WorkLog();
    const a = await member(path, 'a', log);
    await converged([a.assigner], 'a to own all 6');
    expect(owned(a.assigner)).toEqual(['0', '1', '2', '3', '4', '5']);
    const b = await member(path, 'b', log);
    await converged([a.assigner, b.assigner], 'a and b to share 6');
    expect(owned(b.assigner)).toHaveLength(3);
    expect(revoked(a.events)).toEqual(owned(b.assigner));
    expect(log.starts.filter((s) => s.member === 'a')).toHaveLength(6); // none restarted
    expect(log.violations).toEqual([]);
    expect(a.assigner.generation).toBe(b.assigner.generation);
  });

  it("a member's session expiry moves only its partitions; its zombie worker's write is refused by the token", async () => {
    const path = `/partitions/${randomUUID()}`;
    const log = new WorkLog();
    const proxy = await fx.proxy();
    const risks: AbortSignal[] = [];
    const a = await member(path, 'a', log, { partitions: 12 });
    const b = await member(path, 'b', log, { partitions: 12 });
    const c = await member(
      path,
      'c',
      log,
      { partitions: 12, onPartitionsAtRisk: (s) => risks.push(s) },
      proxy.connectString,
    );
    await converged([a.assigner, b.assigner, c.assigner], '12 partitions over 3');
    const cParts = owned(c.assigner);
    const cTokens = c.assigner.owned();
    expect(cParts).toHaveLength(4);
    const store = new FencedStore<string>();
    const [p] = cParts as [string];
    store.write(p, 'c', cTokens.get(p) as bigint);
    const aBefore = a.events.length;
    const bBefore = b.events.length;

    onTestFinished(() => proxy.pass()); // a failing check must not leave the closes without a server
    proxy.blackhole(); // c can neither hear nor be heard: a zombie once its session expires
    await waitUntil(async () => risks.length === 1, { timeout: T, interval: 10, description: 'c at risk' });
    await expireSession(fx.server.connectString, { id: c.client.sessionId, password: c.client.sessionPassword });
    await waitUntil(async () => owned(a.assigner).length + owned(b.assigner).length === 12, {
      timeout: 3 * T,
      interval: 20,
      description: "a and b to take c's partitions",
    });
    expect(revoked(a.events.slice(aBefore))).toEqual([]);
    expect(revoked(b.events.slice(bBefore))).toEqual([]);
    const taken = [...a.events.slice(aBefore), ...b.events.slice(bBefore)]
      .flatMap((e) => (e.type === 'assigned' ? [e.partition] : []))
      .sort();
    expect(taken).toEqual(cParts);
    const newOwner = a.assigner.owned().get(p) ?? b.assigner.owned().get(p);
    expect(newOwner).toBeGreaterThan(cTokens.get(p) as bigint);
    store.write(p, 'new owner', newOwner as bigint);
    // c's worker still runs (c cannot know yet): its write carries the old token.
    expect(log.active.size).toBe(12);
    expect(() => store.write(p, 'zombie c', cTokens.get(p) as bigint)).toThrow(FencedOutError);
    expect(store.read(p)).toBe('new owner');

    proxy.pass();
    proxy.closeConnections();
    await waitUntil(async () => c.assigner.owned().size === 0 && revoked(c.events).length === 4, {
      timeout: 3 * T,
      interval: 20,
      description: 'c to learn it lost its partitions',
    });
    expect(risks[0]?.aborted).toBe(true);
    expect(c.events.filter((e) => e.type === 'revoked').every((e) => e.type === 'revoked' && e.reason === 'lost')).toBe(
      true,
    );
  });

  it('the deposed leader cannot write the assignment: the check on its latch node fails', async () => {
    const path = `/partitions/${randomUUID()}`;
    const log = new WorkLog();
    const a = await member(path, 'a', log);
    await waitUntil(async () => a.assigner.isLeader, { timeout: T, interval: 10, description: 'a to lead' });
    const latchNodes = (await a.client.getChildren(`${path}/leader`)).children;
    const aLatch = `${path}/leader/${latchNodes[0]}`;
    const b = await member(path, 'b', log);
    await converged([a.assigner, b.assigner], 'a and b to share 6');
    await expireSession(fx.server.connectString, { id: a.client.sessionId, password: a.client.sessionPassword });
    await waitUntil(async () => b.assigner.isLeader, { timeout: 3 * T, interval: 20, description: 'b to lead' });
    const before = await readAssignment(b.client, `${path}/assignment`);
    expect(before).not.toBeNull();
    const late = { ...(before?.record as NonNullable<typeof before>['record']), generation: 999, partitions: {} };
    const outcome = await waitUntil(
      async () =>
        writeAssignment(a.client, aLatch, `${path}/assignment`, late, before?.stat.version as number).catch(
          () => false,
        ),
      { timeout: 3 * T, interval: 20, description: "a's late write to be answered" },
    );
    expect(outcome).toBe('deposed');
    const after = await readAssignment(b.client, `${path}/assignment`);
    expect(after?.record.generation).not.toBe(999);
  });

  it('20 joins and leaves inside the debounce produce at most 2 generations', async () => {
    const path = `/partitions/${randomUUID()}`;
    const log = new WorkLog();
    // 24 partitions: with up to 11 members every join or leave changes the assignment.
    const a = await member(path, 'a', log, { debounce: 1500, partitions: 24 });
    await converged([a.assigner], 'a to own all 24');
    const start = a.assigner.generation;
    const zk = await fx.client();
    for (let i = 0; i < 10; i++) await zk.create(`${path}/members/flap-${i}`, null, { mode: 'ephemeral' });
    for (let i = 0; i < 10; i += 2) await zk.delete(`${path}/members/flap-${i}`);
    for (let i = 10; i < 15; i++) await zk.create(`${path}/members/flap-${i}`, null, { mode: 'ephemeral' });
    const expected = ['a', ...[1, 3, 5, 7, 9, 10, 11, 12, 13, 14].map((i) => `flap-${i}`)].sort();
    await waitUntil(
      async () => (await readAssignment(zk, `${path}/assignment`))?.record.membersView.join() === expected.join(),
      { timeout: 10_000, interval: 50, description: 'the assignment to reflect the final membership' },
    );
    const final = await readAssignment(zk, `${path}/assignment`);
    expect((final?.record.generation as number) - start).toBeGreaterThanOrEqual(1);
    expect((final?.record.generation as number) - start).toBeLessThanOrEqual(2);
    for (let i = 1; i < 15; i++) await zk.delete(`${path}/members/flap-${i}`).catch(() => undefined);
  });

  it('more members than partitions leaves some idle; capacity weights are respected', async () => {
    const path = `/partitions/${randomUUID()}`;
    const log = new WorkLog();
    const ms = [];
    for (const id of ['a', 'b', 'c']) ms.push(await member(path, id, log, { partitions: 2 }));
    await converged(
      ms.map((m) => m.assigner),
      '2 partitions over 3',
    );
    expect(ms.map((m) => m.assigner.owned().size).sort()).toEqual([0, 1, 1]);

    const weighted = `/partitions/${randomUUID()}`;
    const wlog = new WorkLog(); // its own: the partition names repeat
    const light = await member(weighted, 'light', wlog, { partitions: 12, capacity: 1 });
    const heavy = await member(weighted, 'heavy', wlog, { partitions: 12, capacity: 2 });
    await converged([light.assigner, heavy.assigner], '12 partitions weighted 1:2', [4, 8]);
    expect([light.assigner.owned().size, heavy.assigner.owned().size]).toEqual([4, 8]);
    expect(log.violations).toEqual([]);
    expect(wlog.violations).toEqual([]);
  });

  it('a suspension shorter than the session timeout: no reassignment, onPartitionsAtRisk, then resume', async () => {
    const path = `/partitions/${randomUUID()}`;
    const log = new WorkLog();
    const proxy = await fx.proxy();
    const risks: AbortSignal[] = [];
    const a = await member(path, 'a', log);
    const b = await member(path, 'b', log, { onPartitionsAtRisk: (s) => risks.push(s) }, proxy.connectString);
    await converged([a.assigner, b.assigner], 'a and b to share 6');
    const generation = a.assigner.generation;
    const bOwned = owned(b.assigner);
    proxy.blackhole();
    await waitUntil(async () => b.client.state === 'suspended', {
      timeout: T,
      interval: 10,
      description: 'b suspended',
    });
    expect(risks).toHaveLength(1);
    expect(risks[0]?.aborted).toBe(false);
    proxy.pass();
    proxy.closeConnections();
    await waitUntil(async () => risks[0]?.aborted, { timeout: T, interval: 10, description: 'the risk to end' });
    expect(b.client.state).toBe('reconnected');
    expect(owned(b.assigner)).toEqual(bOwned);
    expect([...revoked(a.events), ...revoked(b.events)]).toEqual(revoked(a.events).slice(0, 3)); // only the join's moves
    expect(a.assigner.generation).toBe(generation);
    expect(await a.assigner.isBalanced()).toBe(true);
    expect(log.starts).toHaveLength(9); // 6 for a, 3 moved to b, nothing restarted
  });

  it('close stops the workers, releases every partition and leaves no node or watch; bad options are named', async () => {
    const path = `/partitions/${randomUUID()}`;
    const log = new WorkLog();
    const a = await member(path, 'a', log);
    const b = await member(path, 'b', log);
    await converged([a.assigner, b.assigner], 'a and b to share 6');
    await b.assigner.close();
    await b.assigner.close();
    expect(b.assigner.owned().size).toBe(0);
    await converged([a.assigner], 'a to own all 6 again');
    await a.assigner.close();
    expect(log.active.size).toBe(0);
    const zk = await fx.client();
    expect((await zk.getChildren(`${path}/owners`).catch(() => ({ children: [] }))).children).toEqual([]);
    expect((await zk.getChildren(`${path}/members`).catch(() => ({ children: [] }))).children).toEqual([]);
    for (const c of [a.client, b.client] as ZooKeeperClient[]) expect(c.watchCount).toBe(0);
    expect(log.violations).toEqual([]);

    const client = a.client;
    const make = (o: Partial<PartitionAssignerOptions>) =>
      new PartitionAssigner(client, path, { memberId: 'x', partitions: 3, ...o } as PartitionAssignerOptions);
    expect(() => new PartitionAssigner(client, 'rel', { memberId: 'x', partitions: 3 })).toThrow(/path/);
    expect(() => make({ memberId: 'a/b' })).toThrow(TypeError);
    expect(() => make({ memberId: 'a/b' })).toThrow(/memberId/);
    expect(() => make({ partitions: 0 })).toThrow(RangeError);
    expect(() => make({ partitions: ['x', 'x'] })).toThrow(/partitions: "x" is listed twice/);
    expect(() => make({ capacity: -1 })).toThrow(/capacity/);
    expect(() => make({ debounce: Number.NaN })).toThrow(/debounce/);
    expect(() => make({ worker: 'no' as never })).toThrow(/worker/);
  });
});
