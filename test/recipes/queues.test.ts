// Distributed queues (recipes reference §2.13; Curator TestDistributedQueue's safety tests) on
// both servers: order, no loss and no duplicate with several producers and consumers, a consumer
// crash mid-item in safe mode, error modes, at-most-once, bounded puts, close hygiene.
import { randomUUID } from 'node:crypto';
import { NoNodeError, RequestTooLargeError } from '@zookit/client';
import {
  DistributedDelayQueue,
  DistributedIdQueue,
  DistributedPriorityQueue,
  DistributedQueue,
  type QueueConsumer,
  type QueueItem,
} from '@zookit/recipes';
import { expireSession, waitUntil } from '@zookit/testing';
import { describe, expect, it } from 'vitest';
import { serverTargets } from '../servers.js';
import { childrenOrNone, drained, observe, useRecipeFixture } from './recipe-fixture.js';

const T = 3000;
const WAIT = { timeout: 10_000, interval: 10 };

/** A consumer that records every item it finished, and the items it saw, by data. */
function recorder(who = 'consumer') {
  const done: { who: string; data: string; token: bigint | undefined }[] = [];
  const consumer: QueueConsumer = (item) => {
    done.push({ who, data: item.data.toString(), token: item.token });
  };
  return { done, consumer, data: () => done.map((d) => d.data) };
}

/** A promise the test resolves by hand. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

describe.each(serverTargets)('Distributed queues on $name', (target) => {
  const fx = useRecipeFixture(target, { sessionTimeout: T });
  const { client, track } = fx;
  const newPath = () => `/queues/${randomUUID()}`;

  it('distributed queue – FIFO: items are consumed in put order, then the queue is empty', async () => {
    const path = newPath();
    const zk = await client();
    const producer = track(new DistributedQueue(zk, path));
    await producer.start();
    for (let i = 0; i < 10; i++) await producer.put(`item-${i}`);
    const r = recorder();
    await track(new DistributedQueue(await client(), path, { consumer: r.consumer })).start();
    await waitUntil(async () => r.done.length === 10 && (await producer.items()).length === 0, {
      ...WAIT,
      description: '10 items consumed and deleted',
    });
    expect(r.data()).toEqual(Array.from({ length: 10 }, (_, i) => `item-${i}`));
    expect(await childrenOrNone(zk, `${path}-locks`)).toEqual([]);
  });

  it('priority queue – lowest priority first, FIFO within a priority, negative priorities first', async () => {
    const path = newPath();
    const producer = track(new DistributedPriorityQueue(await client(), path));
    await producer.start();
    const puts: [string, number][] = [
      ['p5-a', 5],
      ['p1-a', 1],
      ['pneg', -3],
      ['p5-b', 5],
      ['p1-b', 1],
      ['pmax', 2 ** 31 - 1],
      ['p0', 0],
    ];
    for (const [data, priority] of puts) await producer.put(data, priority);
    const r = recorder();
    await track(new DistributedPriorityQueue(await client(), path, { consumer: r.consumer })).start();
    await waitUntil(async () => r.done.length === puts.length, { ...WAIT, description: 'all consumed' });
    expect(r.data()).toEqual(['pneg', 'p0', 'p1-a', 'p1-b', 'p5-a', 'p5-b', 'pmax']);
  });

  it('delay queue – no item is consumed before its due time; earliest due first', async () => {
    const path = newPath();
    const seen: { data: string; at: number }[] = [];
    const consumer = track(
      new DistributedDelayQueue(await client(), path, {
        consumer: (item) => {
          seen.push({ data: item.data.toString(), at: Date.now() });
        },
      }),
    );
    await consumer.start();
    const producer = track(new DistributedDelayQueue(await client(), path));
    await producer.start();
    const now = Date.now();
    const due = { late: now + 1500, soon: now + 700, now };
    await producer.put('late', due.late);
    await producer.put('soon', due.soon);
    await producer.put('now', new Date(due.now));
    await waitUntil(async () => seen.length === 3, { ...WAIT, description: 'three items consumed' });
    expect(seen.map((s) => s.data)).toEqual(['now', 'soon', 'late']);
    for (const s of seen) expect(s.at).toBeGreaterThanOrEqual(due[s.data as keyof typeof due]);
  });

  it('id queue – FIFO whatever the id; remove(id) deletes the waiting items with that id', async () => {
    const path = newPath();
    const producer = track(new DistributedIdQueue(await client(), path));
    await producer.start();
    await producer.put('a1', 'a');
    await producer.put('b1', 'b');
    await producer.put('a2', 'a');
    await producer.put('c1', 'c');
    expect(await producer.remove('a')).toBe(2);
    expect(await producer.remove('zzz')).toBe(0);
    const r = recorder();
    await track(new DistributedIdQueue(await client(), path, { consumer: r.consumer })).start();
    await waitUntil(async () => r.done.length === 2, { ...WAIT, description: 'two consumed' });
    expect(r.data()).toEqual(['b1', 'c1']);
  });

  it('3 producers × 3 consumers, 60 items: each processed exactly once, none lost', async () => {
    const path = newPath();
    const consumers = [recorder('c0'), recorder('c1'), recorder('c2')];
    for (const r of consumers)
      await track(new DistributedQueue(await client(), path, { consumer: r.consumer })).start();
    const producers = await Promise.all(
      [0, 1, 2].map(async () => {
        const q = track(new DistributedQueue(await client(), path));
        await q.start();
        return q;
      }),
    );
    await Promise.all(
      producers.map(async (q, p) => {
        for (let i = 0; i < 20; i++) await q.put(`p${p}-${i}`);
      }),
    );
    const all = () => consumers.flatMap((r) => r.data());
    // The handler runs before the multi that deletes its item: wait for both.
    const producer = producers[0] as DistributedQueue;
    await waitUntil(async () => all().length >= 60 && (await producer.items()).length === 0, {
      ...WAIT,
      timeout: 30_000,
      description: '60 items consumed and deleted',
    });
    expect(all()).toHaveLength(60);
    expect(new Set(all()).size).toBe(60);
    // One consumer's own order is put order per producer.
    for (const r of consumers) {
      for (const p of [0, 1, 2]) {
        const mine = r.data().filter((d) => d.startsWith(`p${p}-`));
        expect(mine).toEqual([...mine].sort((a, b) => Number(a.split('-')[1]) - Number(b.split('-')[1])));
      }
    }
  });

  it.each(['expire', 'close'] as const)(
    'safe mode – a consumer whose session ends mid-item (%s): its signal aborts, the waiting consumer gets the item; processed once, nothing lost',
    async (how) => {
      const path = newPath();
      const aClient = await client();
      const started = gate();
      let aItem: QueueItem | undefined;
      const aProcessed: string[] = [];
      const a = track(
        new DistributedQueue(aClient, path, {
          consumer: async (item) => {
            aItem = item;
            started.open();
            // Blocked until its lock is lost: never completes the item.
            await new Promise((_, reject) => item.signal.addEventListener('abort', () => reject(item.signal.reason)));
            aProcessed.push(item.data.toString());
          },
        }),
      );
      await a.start();
      const producer = track(new DistributedQueue(await client(), path));
      await producer.start();
      await producer.put('x');
      await started.opened;
      const b = recorder('b');
      const bClient = await client();
      await track(new DistributedQueue(bClient, path, { consumer: b.consumer })).start();
      // b found the item locked and waits on the locks (and the queue), taking nothing.
      await waitUntil(async () => bClient.watchCount === 2, { ...WAIT, description: 'b waiting' });
      await bClient.sync('/');
      expect(b.done).toEqual([]);
      if (how === 'expire')
        await expireSession(fx.server.connectString, { id: aClient.sessionId, password: aClient.sessionPassword });
      else await aClient.close();
      await waitUntil(async () => b.done.length === 1 && (await producer.items()).length === 0, {
        ...WAIT,
        description: 'b consumed the item',
      });
      expect(aItem?.signal.aborted).toBe(true);
      expect(aProcessed).toEqual([]);
      expect(b.data()).toEqual(['x']);
      expect(b.done[0]?.token).toBeGreaterThan(aItem?.token ?? 0n);
    },
  );

  it('safe mode – a handler that resolves after its lock was lost deletes nothing: the other consumer keeps its lock and finishes the item', async () => {
    const path = newPath();
    const aClient = await client();
    const aStarted = gate();
    const aRelease = gate();
    const events: string[] = [];
    const a = track(
      new DistributedQueue(aClient, path, {
        consumer: async () => {
          aStarted.open();
          await aRelease.opened; // ignores its signal: a paused process that wakes up late
        },
      }),
    );
    a.on((e) => events.push(e.type));
    await a.start();
    const producer = track(new DistributedQueue(await client(), path));
    await producer.start();
    await producer.put('x');
    await aStarted.opened;
    const bClient = await client();
    const bStarted = gate();
    const bRelease = gate();
    const bDone: string[] = [];
    await track(
      new DistributedQueue(bClient, path, {
        consumer: async (item) => {
          bStarted.open();
          await bRelease.opened;
          bDone.push(item.data.toString());
        },
      }),
    ).start();
    const oldSession = aClient.sessionId;
    await expireSession(fx.server.connectString, { id: oldSession, password: aClient.sessionPassword });
    await bStarted.opened;
    // a wakes up only once its client runs a new session: a request it sent now would be applied.
    await waitUntil(async () => aClient.sessionId !== oldSession && aClient.state === 'reconnected', {
      ...WAIT,
      description: "a's new session",
    });
    aRelease.open();
    await waitUntil(async () => events.includes('abandoned'), { ...WAIT, description: 'a abandons its late item' });
    // b's lock and the item are untouched by a's late completion.
    const lock = (await bClient.exists(`${path}-locks/${(await producer.items())[0]}`)).stat;
    expect(lock?.ephemeralOwner).toBe(bClient.sessionId);
    expect(events).toEqual(['abandoned']);
    bRelease.open();
    await waitUntil(async () => bDone.length === 1 && (await producer.items()).length === 0, {
      ...WAIT,
      description: 'b finished the item',
    });
    expect(bDone).toEqual(['x']);
  });

  it('error modes – requeue puts a failed item at the end (consumed again); delete drops it', async () => {
    for (const errorMode of ['requeue', 'delete'] as const) {
      const path = newPath();
      const producer = track(new DistributedQueue(await client(), path));
      await producer.start();
      await producer.put('a');
      await producer.put('b');
      const calls: string[] = [];
      const events: string[] = [];
      const consumer = track(
        new DistributedQueue(await client(), path, {
          errorMode,
          consumer: (item) => {
            const data = item.data.toString();
            calls.push(data);
            if (data === 'a' && calls.filter((c) => c === 'a').length === 1) throw new Error('first try fails');
          },
        }),
      );
      consumer.on((e) => {
        if (e.type !== 'error') events.push(`${e.type}${e.type === 'failed' ? `:${e.action}` : ''}`);
      });
      await consumer.start();
      const expected = errorMode === 'requeue' ? ['a', 'b', 'a'] : ['a', 'b'];
      await waitUntil(async () => calls.length === expected.length && (await producer.items()).length === 0, {
        ...WAIT,
        description: `${errorMode}: all consumed`,
      });
      expect(calls, errorMode).toEqual(expected);
      expect(events[0], errorMode).toBe(`failed:${errorMode === 'requeue' ? 'requeued' : 'deleted'}`);
      await consumer.close();
    }
  });

  it('at-most-once – the item is gone before the handler runs; a crash mid-item loses it, nobody processes it twice', async () => {
    const path = newPath();
    const producer = track(new DistributedQueue(await client(), path));
    await producer.start();
    await producer.put('lost');
    const aClient = await client();
    const started = gate();
    const crashing = track(
      new DistributedQueue(aClient, path, {
        mode: 'at-most-once',
        consumer: async (item) => {
          started.open();
          // Never finishes on its own: the process "crashes" (its client closes).
          await new Promise((resolve) => item.signal.addEventListener('abort', resolve));
        },
      }),
    );
    await crashing.start();
    await started.opened;
    expect(await producer.items()).toEqual([]);
    await aClient.close();
    const b = recorder('b');
    await track(new DistributedQueue(await client(), path, { mode: 'at-most-once', consumer: b.consumer })).start();
    await producer.put('marker');
    await waitUntil(async () => b.done.length === 1, { ...WAIT, description: 'b consumed the marker' });
    expect(b.data()).toEqual(['marker']);
  });
});

describe.each(serverTargets)('Distributed queue lifecycle and limits on $name', (target) => {
  const fx = useRecipeFixture(target, { sessionTimeout: T });
  const { client, track } = fx;
  const newPath = () => `/queues/${randomUUID()}`;

  it('bad input – TypeError / RangeError naming the argument; an item over jute.maxbuffer is a RequestTooLargeError', async () => {
    const zk = await client();
    expect(() => new DistributedQueue(zk, 'q')).toThrow(/path: expected an absolute znode path/);
    expect(() => new DistributedQueue(zk, '/q', { lockPath: '/q/locks' })).toThrow(/lockPath: must not be/);
    expect(() => new DistributedQueue(zk, '/q', { mode: 'fast' as 'safe' })).toThrow(/mode: expected/);
    expect(() => new DistributedQueue(zk, '/q', { errorMode: 'retry' as 'delete' })).toThrow(/errorMode: expected/);
    expect(() => new DistributedQueue(zk, '/q', { maxItems: 0 })).toThrow(RangeError);
    expect(() => new DistributedQueue(zk, '/q', { consumer: 'f' as unknown as QueueConsumer })).toThrow(/consumer:/);
    const path = newPath();
    const q = track(new DistributedQueue(zk, path));
    expect(() => q.put('early')).toThrow(/cannot put: it is latent/);
    await q.start();
    expect(() => q.put(null as unknown as string)).toThrow(/item: expected bytes/);
    await expect(q.put(new Uint8Array(2 * 1024 * 1024))).rejects.toBeInstanceOf(RequestTooLargeError);
    const pq = track(new DistributedPriorityQueue(zk, path));
    await pq.start();
    expect(() => pq.put('x', 1.5)).toThrow(/priority: expected a 32-bit signed integer/);
    expect(() => pq.put('x', 2 ** 31)).toThrow(RangeError);
    const dq = track(new DistributedDelayQueue(zk, path));
    await dq.start();
    expect(() => dq.put('x', -1)).toThrow(/dueAt: expected epoch milliseconds/);
    expect(() => dq.put('x', new Date(Number.NaN))).toThrow(RangeError);
    const iq = track(new DistributedIdQueue(zk, path));
    await iq.start();
    expect(() => iq.put('x', 'a|b')).toThrow(/id: expected a non-empty string without/);
    expect(() => iq.put('x', '')).toThrow(TypeError);
    expect(await q.items()).toEqual([]);
    await q.close();
    expect(() => q.put('late')).toThrow(/cannot put: it is closed/);
    await expect(q.start()).rejects.toThrow(/cannot start/);
  });

  it('bounded put – waits while maxItems items are queued, resumes when one is taken; a cancelled put leaves no watch', async () => {
    const path = newPath();
    const zk = await client();
    const q = track(new DistributedQueue(zk, path, { maxItems: 2 }));
    await q.start();
    await q.put('1');
    await q.put('2');
    const third = observe(q.put('3', { signal: AbortSignal.timeout(10_000) }));
    await waitUntil(async () => zk.watchCount === 1, { ...WAIT, description: 'put waiting for room' });
    await zk.sync('/');
    expect(third.settled()).toBe(false);
    const [first] = await q.items();
    await zk.delete(`${path}/${first}`);
    await third.promise;
    expect(zk.watchCount).toBe(0);
    const ac = new AbortController();
    const fourth = q.put('4', { signal: ac.signal });
    await waitUntil(async () => zk.watchCount === 1, { ...WAIT, description: 'put waiting for room' });
    ac.abort(new Error('gave up'));
    await expect(fourth).rejects.toThrow('gave up');
    expect(zk.watchCount).toBe(0);
    expect(await q.items()).toHaveLength(2);
  });

  it('close – aborts the handler in flight, leaves the item queued and no lock, watch or listener behind', async () => {
    const path = newPath();
    const zk = await client();
    const started = gate();
    let seen: QueueItem | undefined;
    const q = new DistributedQueue(zk, path, {
      consumer: async (item) => {
        seen = item;
        started.open();
        await new Promise((_, reject) => item.signal.addEventListener('abort', () => reject(item.signal.reason)));
      },
    });
    const events: string[] = [];
    q.on((e) => events.push(e.type));
    await q.start();
    const producer = track(new DistributedQueue(await client(), path));
    await producer.start();
    await producer.put('kept');
    await started.opened;
    expect(zk.watchCount).toBeGreaterThan(0);
    await q.close();
    await q.close(); // idempotent
    expect(seen?.signal.aborted).toBe(true);
    expect(events).toEqual(['abandoned']);
    expect(zk.watchCount).toBe(0);
    expect(await zk.getEphemerals('/')).toEqual([]);
    expect(await producer.items()).toHaveLength(1);
    // The item is still there for the next consumer.
    const r = recorder();
    await track(new DistributedQueue(await client(), path, { consumer: r.consumer })).start();
    await waitUntil(async () => r.done.length === 1, { ...WAIT, description: 'the next consumer took it' });
    expect(r.data()).toEqual(['kept']);
  });

  it('client close – closes the queue: its consumer stops, its iterators end, no listener is left', async () => {
    const zk = await client();
    const ownListeners = zk.stateListenerCount;
    const queue = new DistributedQueue(zk, newPath(), { consumer: recorder().consumer });
    await queue.start({ signal: AbortSignal.timeout(5000) });
    const events = queue.events({ signal: AbortSignal.timeout(5000) }); // bounds a failing run
    const ended = drained(events);
    await zk.close();
    expect(await ended).toBe('ended');
    expect(queue.state).toBe('closed');
    expect(zk.stateListenerCount).toBe(ownListeners);
  });

  it('queue container reaped while consumers wait ⇒ no hang: the queue node is re-created and the next put is consumed', async () => {
    const path = newPath();
    const zk = await client();
    const r = recorder();
    await track(new DistributedQueue(zk, path, { consumer: r.consumer })).start();
    const producer = track(new DistributedQueue(await client(), path));
    await producer.start();
    await producer.put('before');
    await waitUntil(async () => r.done.length === 1, { ...WAIT, description: 'first consumed' });
    await waitUntil(async () => zk.watchCount === 1, { ...WAIT, description: 'consumer idle, watching' });
    // What the container reaper does to the emptied queue node (ZooKeeper's runs once a minute).
    await (await client()).delete(path).catch((err) => (err instanceof NoNodeError ? undefined : Promise.reject(err)));
    await waitUntil(async () => zk.watchCount === 1 && (await zk.exists(path)).stat !== null, {
      ...WAIT,
      description: 'consumer watching the re-created node',
    });
    await producer.put('after');
    await waitUntil(async () => r.done.length === 2, { ...WAIT, description: 'second consumed' });
    expect(r.data()).toEqual(['before', 'after']);
  });
});
