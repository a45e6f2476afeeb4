// LeaderSelector scenarios (recipes reference §2.5, §6 item 7) on both servers.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { ZooKeeperClient } from '@zookit/client';
import { LeaderSelector, type LeaderSelectorOptions, type Leadership, LeaseLostError, Mutex } from '@zookit/recipes';
import { expireSession, waitUntil } from '@zookit/testing';
import { describe, expect, it } from 'vitest';
import { serverTargets } from '../servers.js';
import { useRecipeFixture } from './recipe-fixture.js';

const T = 3000;
/** The selector's internal test option (see leader-selector.ts): runs between grant and dispatch. */
const hooks = Symbol.for('@zookit/recipes/leader-selector-hooks');

/** Resolves when `signal` aborts. */
const aborted = (signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });

describe.each(serverTargets)('LeaderSelector on $name', (target) => {
  const fx = useRecipeFixture(target, { sessionTimeout: T });
  const { client, track } = fx;

  function selector(zk: ZooKeeperClient, path: string, options: LeaderSelectorOptions): LeaderSelector {
    const s = track(new LeaderSelector(zk, path, options));
    s.start();
    return s;
  }

  /** Children of `path` owned by `zk`'s current session. */
  async function nodesOf(zk: ZooKeeperClient, path: string, observer: ZooKeeperClient): Promise<string[]> {
    const { children } = await observer.getChildren(path).catch(() => ({ children: [] as string[] }));
    const owned: string[] = [];
    for (const name of children) {
      const { stat } = await observer.exists(`${path}/${name}`);
      if (stat?.ephemeralOwner === zk.sessionId) owned.push(name);
    }
    return owned;
  }

  it('exactly one leader among 3 selectors over 9 turns; autoRequeue rotates through all', async () => {
    const path = `/leader/${randomUUID()}`;
    const observer = await client();
    // Hold the mutex until all three are queued, so that the rotation is the queue order.
    const gate = await new Mutex(observer, path).acquire();
    const turns: string[] = [];
    const tokens: bigint[] = [];
    let inside = 0;
    let maxInside = 0;
    const selectors: LeaderSelector[] = [];
    for (const id of ['a', 'b', 'c']) {
      selectors.push(
        selector(await client(), path, {
          id,
          autoRequeue: true,
          takeLeadership: async ({ token }) => {
            inside++;
            maxInside = Math.max(maxInside, inside);
            turns.push(id);
            tokens.push(token);
            await new Promise((r) => setImmediate(r));
            inside--;
          },
        }),
      );
    }
    await waitUntil(async () => (await observer.getChildren(path)).children.length === 4, {
      timeout: 5000,
      interval: 10,
      description: 'three selectors queued',
    });
    const participants = await (selectors[0] as LeaderSelector).participants();
    expect(participants.map((p) => p.id).sort()).toEqual(['', 'a', 'b', 'c']);
    expect(participants.filter((p) => p.isLeader)).toHaveLength(1);
    await gate.release();
    await waitUntil(async () => turns.length >= 9, { timeout: 10_000, interval: 10, description: '9 turns' });
    expect(maxInside).toBe(1);
    const first9 = turns.slice(0, 9);
    for (let i = 0; i < 3; i++) expect(new Set(first9.slice(3 * i, 3 * i + 3)).size).toBe(3);
    for (let i = 3; i < 9; i++) expect(first9[i]).toBe(first9[i - 3]);
    for (let i = 1; i < 9; i++) expect(tokens[i]).toBeGreaterThan(tokens[i - 1] as bigint);
  });

  it('session expiry while takeLeadership runs: its signal aborts, another leads within T, autoRequeue re-enters', async () => {
    const path = `/leader/${randomUUID()}`;
    const a = await client();
    const b = await client();
    const aReasons: unknown[] = [];
    const aTokens: bigint[] = [];
    const selA = selector(a, path, {
      id: 'a',
      autoRequeue: true,
      takeLeadership: async ({ token, signal }) => {
        aTokens.push(token);
        await aborted(signal);
        aReasons.push(signal.reason);
      },
    });
    await waitUntil(async () => selA.hasLeadership, { timeout: 5000, interval: 10, description: 'a to lead' });
    let bLead: Leadership | undefined;
    const selB = selector(b, path, {
      id: 'b',
      takeLeadership: async (leadership) => {
        bLead = leadership;
        await aborted(leadership.signal);
      },
    });
    await waitUntil(async () => (await b.getChildren(path)).children.length === 2, {
      timeout: 5000,
      interval: 10,
      description: 'b queued',
    });
    const start = performance.now();
    await expireSession(fx.server.connectString, { id: a.sessionId, password: a.sessionPassword });
    await waitUntil(async () => bLead, { timeout: T + 1000, interval: 5, description: 'b to lead' });
    expect(performance.now() - start).toBeLessThan(T + 1000);
    expect(selB.hasLeadership).toBe(true);
    await waitUntil(async () => aReasons.length === 1, { timeout: T + 1000, interval: 10, description: "a's signal" });
    expect(aReasons[0]).toBeInstanceOf(LeaseLostError);
    expect(selA.hasLeadership).toBe(false);
    // autoRequeue: a queues again with a node of its new session, behind b.
    await waitUntil(async () => (await nodesOf(a, path, b)).length === 1, {
      timeout: T + 3000,
      interval: 20,
      description: 'a to queue again under its new session',
    });
    expect(selA.hasLeadership).toBe(false);
    await selB.close();
    await waitUntil(async () => aTokens.length === 2, { timeout: 5000, interval: 10, description: 'a to lead again' });
    expect(aTokens[1]).toBeGreaterThan((bLead as Leadership).token);
  });

  // The deletion notifies a (its own node) and b (its predecessor) on two sessions; ZooKeeper orders
  // notifications per session only, so b may start leading a moment before a hears it lost: the
  // token, not the instant, is what keeps a's late writes out.
  it('the leader’s node deleted (an operator forcing an election): its signal aborts (deleted), the next leads with a greater token', async () => {
    const path = `/leader/${randomUUID()}`;
    const [a, b, operator] = await Promise.all([client(), client(), client()]);
    const leads: Leadership[] = [];
    const take = async (leadership: Leadership) => {
      leads.push(leadership);
      await aborted(leadership.signal);
    };
    const selA = selector(a, path, { id: 'a', autoRequeue: true, takeLeadership: take });
    await waitUntil(async () => selA.hasLeadership, { timeout: 5000, interval: 10, description: 'a to lead' });
    const selB = selector(b, path, { id: 'b', takeLeadership: take });
    await waitUntil(async () => (await operator.getChildren(path)).children.length === 2, {
      timeout: 5000,
      interval: 10,
      description: 'b queued',
    });
    const first = leads[0] as Leadership;
    await operator.delete(first.path);
    await waitUntil(async () => selB.hasLeadership, { timeout: 5000, interval: 10, description: 'b to lead' });
    expect(first.signal.aborted).toBe(true);
    expect(first.signal.reason).toSatisfy((r) => r instanceof LeaseLostError && r.reason === 'deleted');
    expect(selA.hasLeadership).toBe(false);
    expect((leads[1] as Leadership).token).toBeGreaterThan(first.token);
    expect((leads[1] as Leadership).signal.aborted).toBe(false);
    // autoRequeue: a queues again behind b.
    await waitUntil(async () => (await nodesOf(a, path, operator)).length === 1, {
      timeout: 5000,
      interval: 10,
      description: 'a to queue again',
    });
    expect(leads).toHaveLength(2);
  });

  it('a session lost between grant and dispatch never invokes takeLeadership; the selector queues again', async () => {
    const path = `/leader/${randomUUID()}`;
    const zk = await client();
    const grants: bigint[] = [];
    const led: Leadership[] = [];
    const s = new LeaderSelector(zk, path, {
      takeLeadership: async (leadership) => {
        led.push(leadership);
      },
      [hooks]: {
        afterGrant: async (lease: { token: bigint; sessionId: bigint }) => {
          grants.push(lease.token);
          if (grants.length > 1) return;
          // Lose the session exactly here: after the grant, before the dispatch checks.
          await expireSession(fx.server.connectString, { id: zk.sessionId, password: zk.sessionPassword });
          await waitUntil(async () => zk.sessionId !== lease.sessionId, {
            timeout: T + 3000,
            interval: 10,
            description: 'the new session',
          });
        },
      },
    } as LeaderSelectorOptions);
    track(s);
    s.start();
    await waitUntil(async () => led.length === 1, { timeout: T + 5000, interval: 10, description: 'one turn' });
    expect(grants).toHaveLength(2);
    expect(led[0]?.token).toBe(grants[1]);
    expect(led[0]?.token).toBeGreaterThan(grants[0] as bigint);
  });

  it('session expiry while queued: the selector re-queues and leads exactly once, from a node of its new session', async () => {
    const path = `/leader/${randomUUID()}`;
    const holderClient = await client();
    const zk = await client();
    const holder = await new Mutex(holderClient, path).acquire();
    const led: { token: bigint; owner: bigint | undefined; session: bigint }[] = [];
    selector(zk, path, {
      takeLeadership: async ({ token, path: node }) => {
        const { stat } = await zk.exists(node);
        led.push({ token, owner: stat?.ephemeralOwner, session: zk.sessionId });
      },
    });
    await waitUntil(async () => (await nodesOf(zk, path, holderClient)).length === 1, {
      timeout: 5000,
      interval: 10,
      description: 'the selector queued',
    });
    const oldSession = zk.sessionId;
    await expireSession(fx.server.connectString, { id: zk.sessionId, password: zk.sessionPassword });
    await waitUntil(async () => zk.sessionId !== oldSession && (await nodesOf(zk, path, holderClient)).length === 1, {
      timeout: T + 3000,
      interval: 20,
      description: 'the selector queued under its new session',
    });
    expect(led).toHaveLength(0);
    await holder.release();
    await waitUntil(async () => led.length === 1, { timeout: 5000, interval: 10, description: 'the turn' });
    await zk.sync('/');
    expect(led).toHaveLength(1);
    expect(led[0]?.token).toBeGreaterThan(holder.token);
    expect(led[0]?.owner).toBe(led[0]?.session);
  });

  it('one turn per start()/requeue() without autoRequeue; requeue() is false while queued or leading', async () => {
    const path = `/leader/${randomUUID()}`;
    const zk = await client();
    let turns = 0;
    let release!: () => void;
    const s = selector(zk, path, {
      takeLeadership: () =>
        new Promise<void>((resolve) => {
          turns++;
          release = resolve;
        }),
    });
    await waitUntil(async () => s.hasLeadership, { timeout: 5000, interval: 10, description: 'leadership' });
    expect(s.requeue()).toBe(false);
    release();
    await waitUntil(async () => (await zk.getChildren(path)).children.length === 0, {
      timeout: 5000,
      interval: 10,
      description: 'the mutex released',
    });
    expect(turns).toBe(1);
    expect(s.hasLeadership).toBe(false);
    // The turn ends a few steps after the delete (the release settles first): until then the
    // request is still being served and requeue() refuses.
    await waitUntil(async () => s.requeue(), { timeout: 5000, interval: 5, description: 'requeue accepted' });
    await waitUntil(async () => turns === 2, { timeout: 5000, interval: 10, description: 'second turn' });
    release();
  });

  it('close while leading aborts the signal (closed) and waits for takeLeadership; close while queued leaves no node', async () => {
    const path = `/leader/${randomUUID()}`;
    const a = await client();
    const b = await client();
    let returned = false;
    let reason: unknown;
    const changes: boolean[] = [];
    const leader = selector(a, path, {
      takeLeadership: async ({ signal }) => {
        await aborted(signal);
        reason = signal.reason;
        await new Promise((r) => setImmediate(r));
        returned = true;
      },
    });
    leader.onChange((isLeader) => changes.push(isLeader));
    await waitUntil(async () => leader.hasLeadership, { timeout: 5000, interval: 10, description: 'leadership' });
    let waiterRan = false;
    const waiter = selector(b, path, {
      takeLeadership: () => {
        waiterRan = true;
      },
    });
    await waitUntil(async () => (await b.getChildren(path)).children.length === 2, {
      timeout: 5000,
      interval: 10,
      description: 'waiter queued',
    });
    await waiter.close();
    expect((await b.getChildren(path)).children).toHaveLength(1);
    await leader.close();
    expect(returned).toBe(true);
    expect(reason).toBeInstanceOf(LeaseLostError);
    expect((reason as LeaseLostError).reason).toBe('closed');
    expect(changes).toEqual([true, false]);
    expect((await b.getChildren(path)).children).toHaveLength(0);
    expect(waiterRan).toBe(false);
    await leader.close(); // idempotent
    expect(leader.state).toBe('closed');
  });
});
