// LeaderLatch scenarios (recipes reference §6 items 2 and 6) on both servers.
import { randomUUID } from 'node:crypto';
import { LeaderLatch, LockTimeoutError } from '@zookit/recipes';
import { expireSession, waitUntil } from '@zookit/testing';
import { describe, expect, it } from 'vitest';
import { serverTargets } from '../servers.js';
import { useRecipeFixture } from './recipe-fixture.js';

const T = 3000;

describe.each(serverTargets)('LeaderLatch on $name', (target) => {
  const fx = useRecipeFixture(target, { sessionTimeout: T });

  async function latch(
    path: string,
    id: string,
    options: ConstructorParameters<typeof LeaderLatch>[2] = {},
    cs?: string,
  ) {
    const client = await fx.client(cs);
    const l = fx.track(new LeaderLatch(client, path, { id, ...options }));
    await l.start();
    return { client, latch: l };
  }

  const leaders = (ls: LeaderLatch[]) => ls.filter((l) => l.hasLeadership).map((l) => l.id);

  it('elects exactly one leader, and another when the leader closes', async () => {
    const path = `/election/${randomUUID()}`;
    const all = await Promise.all(['a', 'b', 'c'].map((id) => latch(path, id)));
    const ls = all.map((x) => x.latch);
    await waitUntil(async () => leaders(ls).length === 1, { timeout: 5000, interval: 10, description: 'one leader' });
    const first = ls.find((l) => l.hasLeadership) as LeaderLatch;
    const lead = await first.awaitLeadership();
    expect(lead.token).toBeTypeOf('bigint');
    expect(lead.path).toMatch(/\/_c_[0-9a-f-]{36}-latch-\d{10}$/);
    await first.close();
    expect(lead.signal.aborted).toBe(true);
    const rest = ls.filter((l) => l !== first);
    await waitUntil(async () => leaders(rest).length === 1, {
      timeout: 5000,
      interval: 10,
      description: 'next leader',
    });
    const next = await (rest.find((l) => l.hasLeadership) as LeaderLatch).awaitLeadership();
    expect(next.token).toBeGreaterThan(lead.token);
  });

  it('leader session expiry – the other takes over; the old one never leads from its stale node', async () => {
    const path = `/election/${randomUUID()}`;
    const a = await latch(path, 'a');
    await a.latch.awaitLeadership();
    const b = await latch(path, 'b');
    const changes: boolean[] = [];
    a.latch.onChange((isLeader) => changes.push(isLeader));
    await expireSession(fx.server.connectString, { id: a.client.sessionId, password: a.client.sessionPassword });
    await b.latch.awaitLeadership({ signal: AbortSignal.timeout(T + 2000) });
    expect(a.latch.hasLeadership).toBe(false);
    // Requests made while a's session is being replaced fail with SessionExpired; retry them.
    const rejoined = async () => {
      const ours = a.latch.ourPath;
      if (!ours || a.client.state !== 'reconnected') return false;
      return (await a.client.exists(ours).catch(() => ({ stat: null }))).stat?.ephemeralOwner === a.client.sessionId;
    };
    await waitUntil(rejoined, { timeout: T + 3000, interval: 20, description: 'a to rejoin with a new node' });
    expect(a.latch.hasLeadership).toBe(false);
    expect(b.latch.hasLeadership).toBe(true);
    expect(changes[0]).toBe(false);
    expect(changes).not.toContain(true);
  });

  it('standard policy drops leadership on suspended; session policy keeps it across a short disconnect', async () => {
    const proxy = await fx.proxy();
    for (const errorPolicy of ['standard', 'session'] as const) {
      const path = `/election/${randomUUID()}`;
      const { client, latch: l } = await latch(path, errorPolicy, { errorPolicy }, proxy.connectString);
      const lead = await l.awaitLeadership();
      const changes: boolean[] = [];
      l.onChange((isLeader) => changes.push(isLeader));
      proxy.closeConnections();
      await waitUntil(async () => client.state === 'reconnected', {
        timeout: T,
        interval: 10,
        description: 'reconnect',
      });
      await waitUntil(async () => l.hasLeadership, { timeout: T, interval: 10, description: 'leadership back' });
      if (errorPolicy === 'standard') {
        expect(lead.signal.aborted).toBe(true);
        expect(changes).toEqual([false, true]);
      } else {
        expect(lead.signal.aborted).toBe(false);
        expect(changes).toEqual([]);
      }
    }
  });

  it('silent close – listeners are not told, but the leadership signal aborts', async () => {
    const path = `/election/${randomUUID()}`;
    const a = await latch(path, 'a', { closeMode: 'silent' });
    const lead = await a.latch.awaitLeadership();
    const changes: boolean[] = [];
    a.latch.onChange((isLeader) => changes.push(isLeader));
    await a.latch.close();
    expect(lead.signal.aborted).toBe(true);
    expect(a.latch.hasLeadership).toBe(false);
    expect(changes).toEqual([]);
  });

  it('awaitLeadership honours its signal and close; close leaves no node', async () => {
    const path = `/election/${randomUUID()}`;
    const a = await latch(path, 'a');
    await a.latch.awaitLeadership();
    const b = await latch(path, 'b');
    const timedOut = await b.latch.awaitLeadership({ signal: AbortSignal.timeout(50) }).catch((e: unknown) => e);
    expect(timedOut).toBeInstanceOf(LockTimeoutError);
    expect((timedOut as LockTimeoutError).message).toBe(
      `LeaderLatch ${path}: awaitLeadership aborted by timeout before leadership was gained`,
    );
    expect((timedOut as LockTimeoutError).name).toBe('TimeoutError');
    const reason = new Error('user gave up');
    await expect(b.latch.awaitLeadership({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    const waiting = b.latch.awaitLeadership();
    await b.latch.close();
    await expect(waiting).rejects.toThrow(/closed/);
    expect((await a.client.getChildren(path)).children).toHaveLength(1);
  });

  // The deletion notifies a (its own node) and b (its predecessor) on two sessions, ordered per session
  // only: b may lead a moment before a hears it lost. Fencing tokens, not instants, keep them apart.
  it('a deleted node (an operator forcing an election) – the leader steps down, the next leads with a greater token; both rejoin', async () => {
    const path = `/election/${randomUUID()}`;
    const a = await latch(path, 'a');
    const lead = await a.latch.awaitLeadership();
    const b = await latch(path, 'b');
    const c = await latch(path, 'c');
    const ls = [a.latch, b.latch, c.latch];
    const operator = await fx.client();
    /** Whether `l` is in the election again with a node of its own other than `old`. */
    const rejoined = async (l: LeaderLatch, old: string) => {
      const ours = l.ourPath;
      return ours !== undefined && ours !== old && (await operator.exists(ours)).stat !== null;
    };
    await operator.delete(lead.path);
    await waitUntil(async () => lead.signal.aborted, {
      timeout: 5000,
      interval: 10,
      description: "a's signal to abort",
    });
    expect(a.latch.hasLeadership).toBe(false);
    await waitUntil(async () => leaders(ls).join() === 'b' && (await rejoined(a.latch, lead.path)), {
      timeout: 5000,
      interval: 10,
      description: 'b to lead and a to rejoin',
    });
    // A non-leader whose node is deleted joins again too (it does not wait for its predecessor to go).
    const cNode = c.latch.ourPath as string;
    await operator.delete(cNode);
    await waitUntil(async () => rejoined(c.latch, cNode), { timeout: 5000, interval: 10, description: 'c to rejoin' });
    expect(leaders(ls)).toEqual(['b']);
    expect((await b.latch.awaitLeadership()).token).toBeGreaterThan(lead.token);
    // One node per latch: no rejoin left a second one behind.
    const { children } = await operator.getChildren(path);
    expect(children.map((n) => `${path}/${n}`).sort()).toEqual(ls.map((l) => l.ourPath).sort());
  });
});
