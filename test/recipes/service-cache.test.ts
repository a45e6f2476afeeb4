// ServiceCache and ServiceProvider on both servers (Curator's TestServiceCache, TestWatchedInstances,
// TestServiceProvider, TestStrategies, TestDownInstanceManager scenarios of recipes reference §2.9).
import { randomUUID } from 'node:crypto';
import type { ZooKeeperClient } from '@zookit/client';
import {
  encodeServiceInstance,
  randomStrategy,
  roundRobinStrategy,
  ServiceCache,
  type ServiceCacheEvent,
  ServiceDiscovery,
  type ServiceProviderOptions,
  serviceInstance,
  stickyStrategy,
} from '@zookit/recipes';
import { expireSession, waitUntil } from '@zookit/testing';
import { describe, expect, it } from 'vitest';
import { serverTargets } from '../servers.js';
import { drained, useRecipeFixture } from './recipe-fixture.js';

const T = 3000;
const bound = (ms = T + 5000) => ({ timeout: ms, interval: 10 });
const signal = () => ({ signal: AbortSignal.timeout(T + 5000) });
/** The provider's internal clock option (not exported from the package). */
const clock = Symbol.for('@zookit/recipes/service-provider-clock');

const ids = (list: readonly { id: string }[]) => list.map((i) => i.id);

describe.each(serverTargets)('service cache and provider on $name', (target) => {
  const fx = useRecipeFixture(target, { sessionTimeout: T });
  const { client, track } = fx;

  async function discovery(zk: ZooKeeperClient, basePath: string): Promise<ServiceDiscovery> {
    const d = track(new ServiceDiscovery(zk, { basePath }));
    d.start();
    return d;
  }

  it('cache – initial load, then added / updated / removed, to listeners and the iterator; close leaves no watch', async () => {
    const zk = await client();
    const other = await client();
    const base = `/discovery/${randomUUID()}`;
    const registrar = await discovery(other, base);
    const a = serviceInstance({ name: 'api', id: 'a', port: 1 });
    await registrar.registerService(a, signal());
    const d = await discovery(zk, base);
    const cache = d.serviceCache('api');
    const events: ServiceCacheEvent[] = [];
    cache.on((e) => events.push(e));
    await cache.start(signal());
    expect(cache.instances()).toEqual([a]);
    expect(events).toEqual([{ type: 'added', instance: a }, { type: 'initialized' }]);
    const iterated = cache.events(signal());
    const b = serviceInstance({ name: 'api', id: 'b', port: 2 });
    await registrar.registerService(b, signal());
    const a2 = { ...a, port: 11 };
    await registrar.updateService(a2, signal());
    await registrar.unregisterService(b);
    await waitUntil(async () => events.length === 5, { ...bound(), description: 'three changes' });
    const changes = [
      { type: 'added', instance: b },
      { type: 'updated', instance: a2, previous: a },
      { type: 'removed', instance: b },
    ];
    expect(events.slice(2)).toEqual(changes);
    expect(cache.instances()).toEqual([a2]);
    const seen: ServiceCacheEvent[] = [];
    for await (const e of iterated) {
      seen.push(e);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual(changes);
    await cache.close();
    await cache.close();
    expect(cache.state).toBe('closed');
    expect(cache.instances()).toEqual([]);
    expect(zk.watchCount).toBe(0);
  });

  it('cache – a standalone ServiceCache closes with its client: its iterators end, no listener is left', async () => {
    const zk = await client();
    const ownListeners = zk.stateListenerCount;
    const cache = new ServiceCache(zk, `/services/${randomUUID()}`, 'api');
    await cache.start(signal());
    const events = cache.events(signal()); // bounds a failing run
    const ended = drained(events);
    await zk.close();
    expect(await ended).toBe('ended');
    expect(cache.state).toBe('closed');
    expect(zk.stateListenerCount).toBe(ownListeners);
  });

  it('cache – an empty or missing service node; nodes that are not instances are left out', async () => {
    const zk = await client();
    const base = `/discovery/${randomUUID()}`;
    const d = await discovery(zk, base);
    const cache = d.serviceCache('api');
    await cache.start(signal());
    expect(cache.instances()).toEqual([]);
    await zk.ensurePath(`${base}/api`);
    await zk.create(`${base}/api/junk`, 'not json');
    const a = serviceInstance({ name: 'api', id: 'a' });
    await zk.create(`${base}/api/a`, encodeServiceInstance(a));
    await waitUntil(async () => cache.instances().length === 1, { ...bound(), description: 'the instance' });
    expect(cache.instances()).toEqual([a]);
    await zk.deleteRecursive(`${base}/api`);
    await waitUntil(async () => cache.instances().length === 0, { ...bound(), description: 'gone' });
  });

  it("cache – an instance's session expiry removes it; its re-registration adds it back (a DYNAMIC instance)", async () => {
    const zk = await client();
    const service = await client();
    const base = `/discovery/${randomUUID()}`;
    const registrar = await discovery(service, base);
    const a = serviceInstance({ name: 'api', id: 'a' });
    await registrar.registerService(a, signal());
    const cache = (await discovery(zk, base)).serviceCache('api');
    const events: ServiceCacheEvent[] = [];
    cache.on((e) => events.push(e));
    await cache.start(signal());
    const old = service.sessionId;
    await expireSession(fx.server.connectString, { id: old, password: service.sessionPassword });
    await waitUntil(async () => events.some((e) => e.type === 'removed') && cache.instances().length === 1, {
      ...bound(),
      description: 'removed, then added back',
    });
    expect(events.slice(2)).toEqual([
      { type: 'removed', instance: a },
      { type: 'added', instance: a },
    ]);
  });

  it('provider – disabled instances are never picked; round-robin by default; filters apply', async () => {
    const zk = await client();
    const base = `/discovery/${randomUUID()}`;
    const d = await discovery(zk, base);
    const provider = d.serviceProvider('api', { filters: [(i) => i.id !== 'x'] });
    expect(() => provider.getInstance()).toThrow(/latent/);
    await provider.start(signal());
    expect(provider.getInstance()).toBeNull();
    await d.registerService(serviceInstance({ name: 'api', id: 'off', enabled: false }), signal());
    await waitUntil(async () => provider.cache.instances().length === 1, { ...bound(), description: 'seen' });
    expect(provider.getInstance()).toBeNull();
    for (const id of ['a', 'b', 'c', 'x']) await d.registerService(serviceInstance({ name: 'api', id }), signal());
    await waitUntil(async () => provider.cache.instances().length === 5, { ...bound(), description: 'seen' });
    expect(ids(provider.getAllInstances())).toEqual(['a', 'b', 'c']);
    expect(Array.from({ length: 6 }, () => provider.getInstance()?.id)).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('provider – sticky keeps one instance until it goes; random spreads; bad options are named', async () => {
    const zk = await client();
    const base = `/discovery/${randomUUID()}`;
    const d = await discovery(zk, base);
    for (const id of ['a', 'b', 'c']) await d.registerService(serviceInstance({ name: 'api', id }), signal());
    const sticky = stickyStrategy(roundRobinStrategy());
    const provider = d.serviceProvider('api', { strategy: sticky });
    await provider.start(signal());
    const first = provider.getInstance();
    expect(Array.from({ length: 5 }, () => provider.getInstance()?.id)).toEqual(Array(5).fill(first?.id));
    await d.unregisterService(first!);
    await waitUntil(async () => provider.getAllInstances().length === 2, { ...bound(), description: 'gone' });
    const second = provider.getInstance();
    expect(second?.id).not.toBe(first?.id);
    expect(provider.getInstance()?.id).toBe(second?.id);
    expect(sticky.switches).toBe(2);
    const rolls = [0.1, 0.5, 0.9, 0.5];
    const random = d.serviceProvider('api', { strategy: randomStrategy(() => rolls.shift() ?? 0) });
    await random.start(signal());
    expect(Array.from({ length: 4 }, () => random.getInstance()?.id)).toEqual(
      [0, 1, 1, 1].map((i) => ids(random.getAllInstances())[i]),
    );
    expect(() => d.serviceProvider('api', { strategy: 'fastest' as never })).toThrow(/strategy/);
    expect(() => d.serviceProvider('api', { filters: [1 as never] })).toThrow(/filters/);
    expect(() => d.serviceProvider('api', { downInstancePolicy: { errorThreshold: 0 } })).toThrow(
      /downInstancePolicy\.errorThreshold/,
    );
    expect(() => d.serviceProvider('a/b')).toThrow(/name/);
  });

  it('provider – noteError hides an instance at the threshold until the timeout (moved clock, no sleeps)', async () => {
    const zk = await client();
    const base = `/discovery/${randomUUID()}`;
    const d = await discovery(zk, base);
    for (const id of ['a', 'b']) await d.registerService(serviceInstance({ name: 'api', id }), signal());
    let now = 1_000;
    const options = {
      downInstancePolicy: { timeoutMs: 10_000, errorThreshold: 2 },
      [clock]: () => now,
    } as ServiceProviderOptions;
    const provider = d.serviceProvider('api', options);
    await provider.start(signal());
    const [a, b] = provider.getAllInstances();
    provider.noteError(a!);
    expect(new Set(Array.from({ length: 4 }, () => provider.getInstance()?.id))).toEqual(new Set(['a', 'b']));
    provider.noteError(a!);
    expect(Array.from({ length: 4 }, () => provider.getInstance()?.id)).toEqual(['b', 'b', 'b', 'b']);
    now += 9_999;
    expect(provider.getInstance()?.id).toBe('b');
    provider.noteError(b!);
    provider.noteError(b!);
    expect(provider.getInstance()).toBeNull();
    now += 1; // a's window (from its first error) is over; b's is not
    expect(provider.getInstance()?.id).toBe('a');
    // a's count starts again: one error does not hide it.
    provider.noteError(a!);
    expect(provider.getInstance()?.id).toBe('a');
  });
});
