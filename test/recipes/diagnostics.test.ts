// Recipe events on node:diagnostics_channel (docs/recipes.md "Observability"), on both servers:
// what a subscriber to LEASE_CHANNEL and LEADERSHIP_CHANNEL sees for each recipe.
import { randomUUID } from 'node:crypto';
import diagnosticsChannel from 'node:diagnostics_channel';
import {
  LEADERSHIP_CHANNEL,
  LEASE_CHANNEL,
  LeaderLatch,
  LeaderSelector,
  type LeadershipEvent,
  type LeaseEvent,
  Mutex,
  ReadWriteLock,
  Semaphore,
} from '@zookit/recipes';
import { waitUntil } from '@zookit/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serverTargets } from '../servers.js';
import { useRecipeFixture } from './recipe-fixture.js';

const WAIT = { timeout: 5000, interval: 10 };

describe.each(serverTargets)('Recipe diagnostics channels on $name', (target) => {
  const fx = useRecipeFixture(target);
  const { client } = fx;
  let leases: LeaseEvent[] = [];
  let leaderships: LeadershipEvent[] = [];
  const onLease = (m: unknown) => leases.push(m as LeaseEvent);
  const onLeadership = (m: unknown) => leaderships.push(m as LeadershipEvent);
  beforeEach(() => {
    leases = [];
    leaderships = [];
    diagnosticsChannel.subscribe(LEASE_CHANNEL, onLease);
    diagnosticsChannel.subscribe(LEADERSHIP_CHANNEL, onLeadership);
  });
  afterEach(() => {
    diagnosticsChannel.unsubscribe(LEASE_CHANNEL, onLease);
    diagnosticsChannel.unsubscribe(LEADERSHIP_CHANNEL, onLeadership);
  });

  /** The lease events of `path`, as `event recipe` plus the reason of a loss. */
  const leaseLog = (path: string) =>
    leases.filter((m) => m.path === path).map((m) => [m.event, m.recipe, m.reason].filter(Boolean).join(' '));

  it('lease – Mutex, ReadWriteLock and Semaphore publish granted, then released or lost (with the reason)', async () => {
    const [zk, operator] = await Promise.all([client(), client()]);
    const mutexPath = `/diag/${randomUUID()}`;
    const mutex = new Mutex(zk, mutexPath);
    const first = await mutex.acquire();
    expect(leases.at(-1)).toEqual({
      event: 'granted',
      recipe: 'Mutex',
      path: mutexPath,
      node: first.path,
      token: first.token,
    });
    await first.release();
    await first.release(); // idempotent: one event
    const second = await mutex.acquire();
    void second.signal; // watches the node, so its deletion is noticed
    await operator.delete(second.path);
    await waitUntil(async () => leaseLog(mutexPath).length === 4, { ...WAIT, description: 'the lost event' });
    await second.release(); // already lost: no event
    expect(leaseLog(mutexPath)).toEqual(['granted Mutex', 'released Mutex', 'granted Mutex', 'lost Mutex deleted']);
    expect(leases.filter((m) => m.path === mutexPath).at(-1)).toMatchObject({ node: second.path, token: second.token });

    const rwPath = `/diag/${randomUUID()}`;
    const rw = new ReadWriteLock(zk, rwPath);
    await (await rw.writeLock().acquire()).release();
    await (await rw.readLock().acquire()).release();
    expect(leaseLog(rwPath)).toEqual([
      'granted ReadWriteLock',
      'released ReadWriteLock',
      'granted ReadWriteLock',
      'released ReadWriteLock',
    ]);

    const semPath = `/diag/${randomUUID()}`;
    const taken = await new Semaphore(zk, semPath, 2).acquire({ count: 2 });
    for (const lease of taken) await lease.release();
    // Its internal lock (<path>/locks) is not a lease anyone holds: no events for it.
    expect(leases.filter((m) => m.path.startsWith(semPath)).map((m) => `${m.event} ${m.recipe} ${m.path}`)).toEqual([
      `granted Semaphore ${semPath}`,
      `granted Semaphore ${semPath}`,
      `released Semaphore ${semPath}`,
      `released Semaphore ${semPath}`,
    ]);
  });

  it('leadership – LeaderLatch and LeaderSelector publish granted, then lost', async () => {
    const zk = await client();
    const latchPath = `/diag/${randomUUID()}`;
    const latch = fx.track(new LeaderLatch(zk, latchPath, { id: 'latch-1' }));
    await latch.start();
    await latch.awaitLeadership();
    await latch.close();
    const selectorPath = `/diag/${randomUUID()}`;
    let turns = 0;
    const selector = fx.track(
      new LeaderSelector(zk, selectorPath, {
        id: 'selector-1',
        takeLeadership: () => {
          turns++;
        },
      }),
    );
    selector.start();
    await waitUntil(async () => turns === 1 && !selector.hasLeadership, { ...WAIT, description: 'one turn' });
    await waitUntil(async () => leaderships.length === 4, { ...WAIT, description: 'four leadership events' });
    expect(leaderships).toEqual([
      { event: 'granted', recipe: 'LeaderLatch', path: latchPath, id: 'latch-1' },
      { event: 'lost', recipe: 'LeaderLatch', path: latchPath, id: 'latch-1' },
      { event: 'granted', recipe: 'LeaderSelector', path: selectorPath, id: 'selector-1' },
      { event: 'lost', recipe: 'LeaderSelector', path: selectorPath, id: 'selector-1' },
    ]);
    // The selector queues on a Mutex: its lease is one too.
    expect(leaseLog(selectorPath)).toEqual(['granted Mutex', 'released Mutex']);
  });

  it('leadership – a selector whose signal aborts publishes lost then, once', async () => {
    const zk = await client();
    const path = `/diag/${randomUUID()}`;
    let stop: (() => void) | undefined;
    const selector = fx.track(
      new LeaderSelector(zk, path, {
        id: 's',
        takeLeadership: ({ signal }) =>
          new Promise<void>((resolve) => {
            stop = resolve;
            signal.addEventListener('abort', () => undefined, { once: true });
          }),
      }),
    );
    selector.start();
    await waitUntil(async () => selector.hasLeadership, { ...WAIT, description: 'leadership' });
    selector.interruptLeadership();
    expect(leaderships.map((m) => m.event)).toEqual(['granted', 'lost']);
    stop?.();
    await waitUntil(async () => !selector.hasLeadership && leaseLog(path).length === 2, {
      ...WAIT,
      description: 'the turn to end',
    });
    expect(leaderships.map((m) => m.event)).toEqual(['granted', 'lost']);
  });
});
