// Barrier and DoubleBarrier scenarios (recipes reference §2.6, §2.7, §6 item 11) on both servers.
import { randomUUID } from 'node:crypto';
import { NoNodeError, type ZooKeeperClient } from '@zookit/client';
import { Barrier, DoubleBarrier } from '@zookit/recipes';
import { expireSession, waitUntil } from '@zookit/testing';
import { describe, expect, it } from 'vitest';
import { serverTargets } from '../servers.js';
import { useRecipeFixture } from './recipe-fixture.js';

const T = 3000;

describe.each(serverTargets)('Barriers on $name', (target) => {
  const fx = useRecipeFixture(target, { sessionTimeout: T });
  const { client, track } = fx;

  /** Tracks whether a promise settled, without awaiting it. */
  function settledFlag(promise: Promise<unknown>): { readonly settled: boolean } {
    const flag = { settled: false };
    promise.then(
      () => {
        flag.settled = true;
      },
      () => {
        flag.settled = true;
      },
    );
    return flag;
  }

  const members = async (zk: ZooKeeperClient, path: string) =>
    (await zk.getChildren(path).catch(() => ({ children: [] as string[] }))).children.filter((n) => n !== 'ready');

  it('barrier – no barrier: the wait returns at once; 3 waiters on 3 clients are released by removeBarrier', async () => {
    const path = `/barriers/${randomUUID()}`;
    const zk = await client();
    const barrier = track(new Barrier(zk, path));
    await barrier.waitOnBarrier({ signal: AbortSignal.timeout(5000) });
    await barrier.setBarrier();
    await barrier.setBarrier(); // already raised is fine
    const waiterClients = await Promise.all([1, 2, 3].map(() => client()));
    const waits = waiterClients.map((c) =>
      track(new Barrier(c, path)).waitOnBarrier({ signal: AbortSignal.timeout(10_000) }),
    );
    const flags = waits.map(settledFlag);
    await waitUntil(async () => waiterClients.every((c) => c.watchCount === 1), {
      timeout: 5000,
      interval: 10,
      description: 'three waiters watching',
    });
    await zk.sync('/');
    expect(flags.some((f) => f.settled)).toBe(false);
    await barrier.removeBarrier();
    await Promise.all(waits);
    await barrier.removeBarrier(); // already lowered is fine
  });

  it('barrier – a wait survives a reconnect, is bounded by its signal, and close() rejects the others; no watch is left', async () => {
    const proxy = await fx.proxy();
    const path = `/barriers/${randomUUID()}`;
    const owner = track(new Barrier(await client(), path));
    await owner.setBarrier();
    const zk = await client(proxy.connectString);
    const barrier = track(new Barrier(zk, path));
    const ac = new AbortController();
    const bounded = barrier.waitOnBarrier({ signal: ac.signal });
    const untilClose = barrier.waitOnBarrier();
    const flags = [settledFlag(bounded), settledFlag(untilClose)];
    await waitUntil(async () => zk.watchCount === 1, { timeout: 5000, interval: 10, description: 'watching' });
    proxy.closeConnections();
    await waitUntil(async () => zk.state === 'reconnected', { timeout: T, interval: 10, description: 'reconnect' });
    await zk.sync('/');
    expect(flags.some((f) => f.settled)).toBe(false);
    ac.abort(new Error('gave up'));
    await expect(bounded).rejects.toThrow('gave up');
    await barrier.close();
    await expect(untilClose).rejects.toThrow(/closed/);
    await expect(barrier.waitOnBarrier()).rejects.toThrow(/closed/);
    expect(zk.watchCount).toBe(0);
    await owner.removeBarrier();
  });

  it('double barrier – 3 members: nobody passes enter before the third arrives; all leave', async () => {
    const path = `/double/${randomUUID()}`;
    const zks = await Promise.all([1, 2, 3].map(() => client()));
    const [a, b, c] = zks.map((zk) => track(new DoubleBarrier(zk, path, { members: 3 }))) as [
      DoubleBarrier,
      DoubleBarrier,
      DoubleBarrier,
    ];
    const signal = AbortSignal.timeout(15_000);
    const early = [a.enter({ signal }), b.enter({ signal })];
    const flags = early.map(settledFlag);
    await waitUntil(async () => (await members(zks[0] as ZooKeeperClient, path)).length === 2, {
      timeout: 5000,
      interval: 10,
      description: 'two members in',
    });
    await waitUntil(async () => zks.slice(0, 2).every((zk) => zk.watchCount === 1), {
      timeout: 5000,
      interval: 10,
      description: 'both waiting on ready',
    });
    await zks[0]?.sync('/');
    expect(flags.some((f) => f.settled)).toBe(false);
    await Promise.all([...early, c.enter({ signal })]);
    expect(await members(zks[0] as ZooKeeperClient, path)).toHaveLength(3);
    await Promise.all([a, b, c].map((m) => m.leave({ signal })));
    expect(await members(zks[0] as ZooKeeperClient, path)).toEqual([]);
    const ready = await zks[0]?.exists(`${path}/ready`).catch((err) => {
      if (err instanceof NoNodeError) return { stat: null };
      throw err;
    });
    expect(ready?.stat).toBeNull();
  });

  it('double barrier – a reconnect and a session expiry while waiting never release early (GH-1290); the expired member re-joins', async () => {
    const proxy = await fx.proxy();
    const path = `/double/${randomUUID()}`;
    const viaProxy = await client(proxy.connectString);
    const expiring = await client();
    const third = await client();
    const [a, b, c] = [viaProxy, expiring, third].map((zk) => track(new DoubleBarrier(zk, path, { members: 3 }))) as [
      DoubleBarrier,
      DoubleBarrier,
      DoubleBarrier,
    ];
    const signal = AbortSignal.timeout(20_000);
    const early = [a.enter({ signal }), b.enter({ signal })];
    const flags = early.map(settledFlag);
    await waitUntil(async () => viaProxy.watchCount === 1 && expiring.watchCount === 1, {
      timeout: 5000,
      interval: 10,
      description: 'both waiting on ready',
    });
    proxy.closeConnections();
    const oldSession = expiring.sessionId;
    await expireSession(fx.server.connectString, { id: expiring.sessionId, password: expiring.sessionPassword });
    // The expired member counts again under its new session; nobody got through meanwhile.
    await waitUntil(
      async () => {
        if (expiring.sessionId === oldSession || viaProxy.state !== 'reconnected') return false;
        const stat = (await third.exists(b.ourPath)).stat;
        return stat?.ephemeralOwner === expiring.sessionId && expiring.watchCount === 1;
      },
      { timeout: T + 5000, interval: 20, description: 'the expired member back in' },
    );
    await third.sync('/');
    expect(flags.some((f) => f.settled)).toBe(false);
    expect(await members(third, path)).toHaveLength(2);
    await Promise.all([...early, c.enter({ signal })]);
    await Promise.all([a, b, c].map((m) => m.leave({ signal })));
    expect(await members(third, path)).toEqual([]);
  });

  it("double barrier – a member's session loss during leave does not hang the others; its own leave completes", async () => {
    const path = `/double/${randomUUID()}`;
    const zks = await Promise.all([1, 2, 3].map(() => client()));
    const [a, b, c] = zks.map((zk) => track(new DoubleBarrier(zk, path, { members: 3 }))) as [
      DoubleBarrier,
      DoubleBarrier,
      DoubleBarrier,
    ];
    const signal = AbortSignal.timeout(20_000);
    await Promise.all([a.enter({ signal }), b.enter({ signal }), c.enter({ signal })]);
    const leaving = [
      a.leave({ signal: AbortSignal.timeout(T + 5000) }),
      b.leave({ signal: AbortSignal.timeout(T + 5000) }),
    ];
    const flags = leaving.map(settledFlag);
    // Both wait for c, whose node is still there.
    await waitUntil(async () => zks.slice(0, 2).every((zk) => zk.watchCount === 1), {
      timeout: 5000,
      interval: 10,
      description: 'a and b waiting',
    });
    await zks[0]?.sync('/');
    expect(flags.some((f) => f.settled)).toBe(false);
    const cClient = zks[2] as ZooKeeperClient;
    await expireSession(fx.server.connectString, { id: cClient.sessionId, password: cClient.sessionPassword });
    await Promise.all(leaving);
    await c.leave({ signal: AbortSignal.timeout(T + 5000) });
    expect(await members(zks[0] as ZooKeeperClient, path)).toEqual([]);
  });

  it('double barrier – a cancelled enter deletes its node and watch; close() deletes an entered member', async () => {
    const path = `/double/${randomUUID()}`;
    const zk = await client();
    const waiting = track(new DoubleBarrier(zk, path, { members: 2 }));
    const ac = new AbortController();
    const entering = waiting.enter({ signal: ac.signal });
    await waitUntil(async () => (await members(zk, path)).length === 1 && zk.watchCount === 1, {
      timeout: 5000,
      interval: 10,
      description: 'the member waiting',
    });
    ac.abort(new Error('gave up'));
    await expect(entering).rejects.toThrow('gave up');
    expect(await members(zk, path)).toEqual([]);
    expect(zk.watchCount).toBe(0);
    const other = await client();
    const [x, y] = [zk, other].map((c) => track(new DoubleBarrier(c, path, { members: 2 }))) as [
      DoubleBarrier,
      DoubleBarrier,
    ];
    await Promise.all([x.enter(), y.enter()]);
    await x.close();
    expect(await members(zk, path)).toEqual([y.ourPath.slice(path.length + 1)]);
    await expect(x.leave()).rejects.toThrow(/closed/);
  });
});
