// SimpleDistributedQueue (ZooKeeper's plain queue recipe; Curator TestSimpleDistributedQueue)
// on both servers, with CURATOR-308: the queue's container reaped while a consumer waits.
import { randomUUID } from 'node:crypto';
import { QueueEmptyError, SimpleDistributedQueue } from '@zookit/recipes';
import { waitUntil } from '@zookit/testing';
import { describe, expect, it } from 'vitest';
import { serverTargets } from '../servers.js';
import { observe, useRecipeFixture } from './recipe-fixture.js';

const WAIT = { timeout: 10_000, interval: 10 };

describe.each(serverTargets)('SimpleDistributedQueue on $name', (target) => {
  const fx = useRecipeFixture(target);
  const { client, track } = fx;
  const newPath = () => `/simple-queues/${randomUUID()}`;

  it('simple queue – offer / peek / element / poll / remove in FIFO order; empty gives null or QueueEmptyError', async () => {
    const q = track(new SimpleDistributedQueue(await client(), newPath()));
    expect(await q.peek()).toBeNull();
    expect(await q.poll()).toBeNull();
    await expect(q.element()).rejects.toBeInstanceOf(QueueEmptyError);
    await expect(q.remove()).rejects.toThrow(/is empty/);
    await q.offer('one');
    await q.offer(new Uint8Array([50]));
    await q.offer('three');
    await q.offer('');
    expect((await q.peek())?.toString()).toBe('one');
    expect((await q.element()).toString()).toBe('one');
    expect((await q.poll())?.toString()).toBe('one');
    expect((await q.remove()).toString()).toBe('2');
    expect((await q.take()).toString()).toBe('three');
    expect((await q.take()).length).toBe(0);
    expect(await q.poll()).toBeNull();
  });

  it('simple queue – take waits on a watch and wakes on an offer; a cancelled take removes its watch; close rejects', async () => {
    const path = newPath();
    const zk = await client();
    const q = track(new SimpleDistributedQueue(zk, path));
    const taking = observe(q.take({ signal: AbortSignal.timeout(10_000) }));
    await waitUntil(async () => zk.watchCount === 1, { ...WAIT, description: 'take watching' });
    await zk.sync('/');
    expect(taking.settled()).toBe(false);
    await track(new SimpleDistributedQueue(await client(), path)).offer('hello');
    expect((await taking.promise).toString()).toBe('hello');
    expect(zk.watchCount).toBe(0);

    const ac = new AbortController();
    const cancelled = q.take({ signal: ac.signal });
    const untilClose = q.take();
    await waitUntil(async () => zk.watchCount === 2, { ...WAIT, description: 'two takes watching' });
    ac.abort(new Error('gave up'));
    await expect(cancelled).rejects.toThrow('gave up');
    await q.close();
    await expect(untilClose).rejects.toThrow(/closed/);
    await expect(q.poll()).rejects.toThrow(/closed/);
    expect(zk.watchCount).toBe(0);
  });

  it('simple queue – CURATOR-308: the queue container reaped while take waits ⇒ no hang, the next offer is taken', async () => {
    const path = newPath();
    const zk = await client();
    const q = track(new SimpleDistributedQueue(zk, path));
    await q.offer('first');
    expect((await q.take()).toString()).toBe('first');
    const taking = observe(q.take({ signal: AbortSignal.timeout(10_000) }));
    await waitUntil(async () => zk.watchCount === 1, { ...WAIT, description: 'take watching' });
    // What the container reaper does to the emptied queue node (ZooKeeper's runs once a minute).
    await (await client()).delete(path);
    // The take set its watch again, on the re-created node.
    await waitUntil(async () => zk.watchCount === 1 && (await zk.exists(path)).stat !== null, {
      ...WAIT,
      description: 'take watching the re-created node',
    });
    expect(taking.settled()).toBe(false);
    await track(new SimpleDistributedQueue(await client(), path)).offer('after the reap');
    expect((await taking.promise).toString()).toBe('after the reap');
  });

  it('simple queue – 3 takers on 3 clients, 30 offers: each item taken exactly once', async () => {
    const path = newPath();
    const takers = await Promise.all(
      [0, 1, 2].map(async () => track(new SimpleDistributedQueue(await client(), path))),
    );
    const taken: string[] = [];
    const stop = new AbortController();
    const loops = takers.map(async (q) => {
      for (;;) {
        const data = await q.take({ signal: stop.signal }).catch(() => undefined);
        if (data === undefined) return;
        taken.push(data.toString());
      }
    });
    const producer = track(new SimpleDistributedQueue(await client(), path));
    for (let i = 0; i < 30; i++) await producer.offer(`item-${i}`);
    await waitUntil(async () => taken.length >= 30, { ...WAIT, description: '30 taken' });
    stop.abort(new Error('done'));
    await Promise.all(loops);
    expect(taken).toHaveLength(30);
    expect(new Set(taken).size).toBe(30);
    expect(await producer.poll()).toBeNull();
  });

  it('simple queue – bad input: a relative path and a null item are TypeErrors naming the argument', async () => {
    const zk = await client();
    expect(() => new SimpleDistributedQueue(zk, 'queue')).toThrow(/path: expected an absolute znode path/);
    const q = track(new SimpleDistributedQueue(zk, newPath()));
    expect(() => q.offer(null as unknown as string)).toThrow(TypeError);
    expect(() => q.offer(null as unknown as string)).toThrow(/data: expected bytes/);
  });
});
