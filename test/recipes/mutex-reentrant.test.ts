// Mutex with `reentrant: true` on both servers: handles per acquire, release order, idempotent
// release, loss, fencing tokens, and other clients and acquires alongside.
import { randomUUID } from 'node:crypto';
import { type LeaseLostError, Mutex } from '@zookit/recipes';
import { expireSession, waitUntil } from '@zookit/testing';
import { describe, expect, it } from 'vitest';
import { serverTargets } from '../servers.js';
import { childrenOrNone, observe, useRecipeFixture } from './recipe-fixture.js';

const T = 3000;

describe.each(serverTargets)('Reentrant Mutex on $name', (target) => {
  const fx = useRecipeFixture(target, { sessionTimeout: T });
  const { client } = fx;

  it('reentrant mutex – re-entries share node, token and signal; the node goes with the last release, in any order', async () => {
    const [zk, other] = await Promise.all([client(), client()]);
    const path = `/locks/${randomUUID()}`;
    const mutex = new Mutex(zk, path, { reentrant: true });
    const owner = {};
    const outer = await mutex.acquire({ owner });
    const middle = await mutex.acquire({ owner });
    const inner = (await mutex.tryAcquire({ owner })) ?? expect.fail('re-entry by tryAcquire');
    for (const h of [middle, inner]) {
      expect([h.token, h.path, h.sessionId, h.signal]).toEqual([
        outer.token,
        outer.path,
        outer.sessionId,
        outer.signal,
      ]);
    }
    expect(new Set([outer, middle, inner]).size).toBe(3); // a handle per acquire
    expect(await childrenOrNone(zk, path)).toHaveLength(1);
    expect(await new Mutex(other, path).tryAcquire()).toBeUndefined();
    await outer.release(); // out of order
    await outer.release(); // idempotent: counts once
    await middle.release();
    expect((await zk.exists(outer.path)).stat).not.toBeNull();
    expect(outer.signal.aborted).toBe(false);
    await inner.release();
    expect((await zk.exists(outer.path)).stat).toBeNull();
    const next = (await new Mutex(other, path).tryAcquire()) ?? expect.fail('free after the last release');
    expect(next.token).toBeGreaterThan(outer.token);
    await next.release();
  });

  it('reentrant mutex – releasing an old handle again after the owner re-acquired leaves the new hold alone', async () => {
    const zk = await client();
    const path = `/locks/${randomUUID()}`;
    const mutex = new Mutex(zk, path, { reentrant: true });
    const owner = {};
    const first = await mutex.acquire({ owner });
    await first.release();
    const second = await mutex.acquire({ owner });
    expect(second.token).toBeGreaterThan(first.token);
    await first.release(); // a stale second release
    expect((await zk.exists(second.path)).stat).not.toBeNull();
    // The owner still re-enters its hold rather than queueing behind its own node.
    const again = (await mutex.tryAcquire({ owner })) ?? expect.fail('the owner re-enters');
    expect(again.token).toBe(second.token);
    await again.release();
    await second.release();
    expect(await childrenOrNone(zk, path)).toEqual([]);
  });

  it('reentrant mutex – after its session is lost the owner acquires anew; releasing the lost handles leaves the new hold alone', async () => {
    const zk = await client();
    const path = `/locks/${randomUUID()}`;
    const mutex = new Mutex(zk, path, { reentrant: true, errorPolicy: 'session' });
    const owner = {};
    const a = await mutex.acquire({ owner });
    const b = await mutex.acquire({ owner });
    await expireSession(fx.server.connectString, { id: zk.sessionId, password: zk.sessionPassword });
    await waitUntil(async () => a.signal.aborted, { timeout: 2 * T, interval: 10, description: 'the loss' });
    expect((a.signal.reason as LeaseLostError).reason).toBe('lost');
    const c = await mutex.acquire({ owner, signal: AbortSignal.timeout(2 * T) });
    expect(c.token).toBeGreaterThan(a.token);
    await a.release();
    await b.release();
    expect((await zk.exists(c.path)).stat).not.toBeNull();
    const d = (await mutex.tryAcquire({ owner })) ?? expect.fail('the owner re-enters its new hold');
    expect(d.token).toBe(c.token);
    await d.release();
    await c.release();
    expect(await childrenOrNone(zk, path)).toEqual([]);
  });

  it('reentrant mutex – a hold ended by suspension (its node still there) does not block its owner', async () => {
    const proxy = await fx.proxy();
    const zk = await client(proxy.connectString);
    const path = `/locks/${randomUUID()}`;
    const mutex = new Mutex(zk, path, { reentrant: true });
    const owner = {};
    const ended = await mutex.acquire({ owner });
    const session = zk.sessionId;
    proxy.closeConnections(); // same session after the reconnect: the node stays
    await waitUntil(async () => ended.signal.aborted && zk.state === 'reconnected', {
      timeout: 2 * T,
      interval: 10,
      description: 'the lease to end and the client to reconnect',
    });
    expect((ended.signal.reason as LeaseLostError).reason).toBe('suspended');
    expect(zk.sessionId).toBe(session);
    const fresh = await mutex.acquire({ owner, signal: AbortSignal.timeout(2 * T) });
    expect(fresh.token).toBeGreaterThan(ended.token);
    expect((await zk.exists(ended.path)).stat).toBeNull();
    await ended.release(); // a no-op now
    expect((await zk.exists(fresh.path)).stat).not.toBeNull();
    await fresh.release();
  });

  it('reentrant mutex – another client waits until every re-entry is released; concurrent acquires of one owner join', async () => {
    const [zk, other] = await Promise.all([client(), client()]);
    const path = `/locks/${randomUUID()}`;
    const holder = await new Mutex(other, path).acquire();
    const mutex = new Mutex(zk, path, { reentrant: true });
    const owner = {};
    // Both wait for the other client's holder; the second joins the first instead of queueing behind it.
    const [first, second] = await Promise.all([
      mutex.acquire({ owner }),
      (async () => {
        await waitUntil(async () => (await childrenOrNone(zk, path)).length === 2, {
          timeout: 5000,
          interval: 10,
          description: 'the first acquire to queue',
        });
        expect(await mutex.tryAcquire({ owner })).toBeUndefined(); // still waiting: not free for it
        const p = mutex.acquire({ owner });
        await holder.release();
        return p;
      })(),
    ]);
    expect(second.token).toBe(first.token);
    expect(await childrenOrNone(zk, path)).toHaveLength(1);
    const waiting = observe(new Mutex(other, path).acquire());
    await waitUntil(async () => (await childrenOrNone(zk, path)).length === 2, {
      timeout: 5000,
      interval: 10,
      description: 'the other client to queue',
    });
    await first.release();
    await other.sync('/');
    expect(waiting.settled()).toBe(false);
    await second.release();
    const next = await waiting.promise;
    expect(next.token).toBeGreaterThan(first.token);
    await next.release();
  });
});
