// ServiceDiscovery (curator-x-discovery's layout and JSON) on both servers: Curator's
// TestServiceDiscovery scenarios of recipes reference §2.9 and §6 item 13.
import { randomUUID } from 'node:crypto';
import type { ZooKeeperClient } from '@zookit/client';
import { decodeServiceInstance, ServiceDiscovery, serviceInstance } from '@zookit/recipes';
import { expireSession, type FaultProxy, waitUntil } from '@zookit/testing';
import { describe, expect, it } from 'vitest';
import { serverTargets } from '../servers.js';
import { observe, useRecipeFixture } from './recipe-fixture.js';

const T = 3000;
const bound = (ms = T + 5000) => ({ timeout: ms, interval: 10 });
const signal = () => ({ signal: AbortSignal.timeout(T + 5000) });

describe.each(serverTargets)('service discovery on $name', (target) => {
  const fx = useRecipeFixture(target, { sessionTimeout: T });
  const { client, track } = fx;

  async function expire(c: ZooKeeperClient) {
    const old = c.sessionId;
    await expireSession(fx.server.connectString, { id: old, password: c.sessionPassword });
    await waitUntil(async () => c.state === 'reconnected' && c.sessionId !== 0n && c.sessionId !== old, {
      ...bound(),
      description: 'a new session',
    });
  }

  /** Refuses connections through `proxy` and drops `zk`'s: resolves once `zk` is suspended. */
  async function cutOff(proxy: FaultProxy, zk: ZooKeeperClient) {
    proxy.refuse(true);
    proxy.closeConnections();
    await waitUntil(async () => zk.state === 'suspended', { ...bound(), description: 'suspended' });
  }

  async function discovery(zk: ZooKeeperClient, basePath: string): Promise<ServiceDiscovery> {
    const d = track(new ServiceDiscovery(zk, { basePath }));
    d.start();
    return d;
  }

  /** The instance stored at base/name/id, or null. */
  async function stored(zk: ZooKeeperClient, path: string) {
    const { stat } = await zk.exists(path);
    if (!stat) return null;
    const { data, stat: s } = await zk.getData(path);
    return { instance: decodeServiceInstance(data), stat: s };
  }

  it('registers instances at <base>/<name>/<id> with their JSON; queries; unregisters; close deletes them', async () => {
    const zk = await client();
    const base = `/discovery/${randomUUID()}`;
    const d = await discovery(zk, base);
    const a = serviceInstance({ name: 'api', id: 'a', address: 'h1', port: 1, payload: { w: 1 } });
    const b = serviceInstance({ name: 'api', id: 'b', address: 'h2', sslPort: 2, serviceType: 'STATIC' });
    const c = serviceInstance({ name: 'db', id: 'c', address: 'h3', port: 3 });
    for (const i of [a, b, c]) await d.registerService(i, signal());
    expect((await stored(zk, `${base}/api/a`))?.instance).toEqual(a);
    expect((await stored(zk, `${base}/api/a`))?.stat.ephemeralOwner).toBe(zk.sessionId);
    expect((await stored(zk, `${base}/api/b`))?.stat.ephemeralOwner).toBe(0n);
    expect(await d.queryForNames()).toEqual(['api', 'db']);
    expect(await d.queryForInstances('api')).toEqual([a, b]);
    expect(await d.queryForInstance('db', 'c')).toEqual(c);
    expect(await d.queryForInstance('db', 'nope')).toBeNull();
    expect(await d.queryForInstances('nothing')).toEqual([]);
    await d.unregisterService(a);
    expect(await stored(zk, `${base}/api/a`)).toBeNull();
    expect(d.registered()).toEqual([b, c]);
    await d.close();
    await d.close();
    expect(await stored(zk, `${base}/api/b`)).toBeNull();
    expect(await stored(zk, `${base}/db/c`)).toBeNull();
  });

  it('a PERMANENT instance is written once, not re-created, and not deleted on close (CURATOR-94)', async () => {
    const zk = await client();
    const base = `/discovery/${randomUUID()}`;
    const d = await discovery(zk, base);
    const p = serviceInstance({ name: 'api', id: 'p', serviceType: 'PERMANENT' });
    await d.registerService(p, signal());
    expect(d.registered()).toEqual([]);
    await d.close();
    expect((await stored(zk, `${base}/api/p`))?.instance).toEqual(p);
    const again = await discovery(zk, base);
    await again.unregisterService(p);
    expect(await stored(zk, `${base}/api/p`)).toBeNull();
  });

  it('after each of 3 session expiries every instance is re-registered exactly once, with the latest data (CURATOR-181)', async () => {
    const zk = await client();
    const observer = await client();
    const base = `/discovery/${randomUUID()}`;
    const d = await discovery(zk, base);
    const created: string[] = [];
    await observer.ensurePath(`${base}/api`);
    const watch = observer.watch(`${base}/api`, { mode: 'persistent-recursive' });
    await watch.ready;
    void (async () => {
      for await (const e of watch) if (e.type === 'NodeCreated') created.push(e.path);
    })();
    let instance = serviceInstance({ name: 'api', id: 'a', port: 1 });
    const seq = serviceInstance({ name: 'api', id: 's', port: 9, serviceType: 'DYNAMIC_SEQUENTIAL' });
    await d.registerService(instance, signal());
    await d.registerService(seq, signal());
    for (let round = 1; round <= 3; round++) {
      instance = { ...instance, port: 1 + round };
      await d.updateService(instance, signal());
      await expire(zk);
      await waitUntil(
        async () => {
          const { children } = await observer.getChildren(`${base}/api`);
          if (children.length !== 2) return false;
          const now = await stored(observer, `${base}/api/a`);
          return now?.stat.ephemeralOwner === zk.sessionId && now.instance.port === 1 + round;
        },
        { ...bound(), description: `re-registration ${round}` },
      );
      const { children } = await observer.getChildren(`${base}/api`);
      const seqNode = children.find((c) => c !== 'a') as string;
      expect(seqNode).toMatch(/^_c_[0-9a-f-]{36}-s\d{10}$/);
      expect((await stored(observer, `${base}/api/${seqNode}`))?.instance).toEqual(seq);
    }
    await observer.sync(`${base}/api`);
    await observer.exists(`${base}/api`);
    // 2 first registrations, then 2 per expiry; never a duplicate.
    await waitUntil(async () => created.length >= 8, { ...bound(), description: 'creation events' });
    expect(created.filter((p) => p === `${base}/api/a`)).toHaveLength(4);
    expect(created).toHaveLength(8);
    expect(d.registered()).toEqual([instance, seq]);
    await watch.close();
  });

  it('an unregister while disconnected stays unregistered after the reconnection (CURATOR-164)', async () => {
    const proxy = await fx.proxy();
    const zk = await client(proxy.connectString);
    const observer = await client();
    const base = `/discovery/${randomUUID()}`;
    const d = await discovery(zk, base);
    const a = serviceInstance({ name: 'api', id: 'a' });
    await d.registerService(a, signal());
    await cutOff(proxy, zk);
    const unregistering = observe(d.unregisterService(a));
    expect(d.registered()).toEqual([]);
    proxy.refuse(false);
    await unregistering.promise;
    expect(await stored(observer, `${base}/api/a`)).toBeNull();
    // A later reconnection (the kind that re-registers) does not bring it back.
    const reconnected = new Promise<void>((resolve) => {
      const off = zk.onStateChange((e) => {
        if (e.state === 'reconnected') resolve(off());
      });
    });
    proxy.closeConnections();
    await reconnected;
    await zk.sync(base);
    expect(await stored(observer, `${base}/api/a`)).toBeNull();
  });

  it('a registration made before the server is reachable appears once it is', async () => {
    const proxy = await fx.proxy();
    const zk = await client(proxy.connectString);
    const observer = await client();
    const base = `/discovery/${randomUUID()}`;
    const d = await discovery(zk, base);
    await cutOff(proxy, zk);
    const a = serviceInstance({ name: 'api', id: 'a', port: 7 });
    const registering = observe(d.registerService(a, signal()));
    expect(registering.settled()).toBe(false);
    proxy.refuse(false);
    await registering.promise;
    expect((await stored(observer, `${base}/api/a`))?.instance).toEqual(a);
  });

  it("takes over a node another session left at the instance's path (deleted and created again)", async () => {
    const zk = await client();
    const previous = await client();
    const base = `/discovery/${randomUUID()}`;
    await previous.ensurePath(`${base}/api`);
    await previous.create(`${base}/api/a`, 'left by the previous process', { mode: 'ephemeral' });
    const d = await discovery(zk, base);
    const a = serviceInstance({ name: 'api', id: 'a' });
    await d.registerService(a, signal());
    const now = await stored(zk, `${base}/api/a`);
    expect(now?.instance).toEqual(a);
    expect(now?.stat.ephemeralOwner).toBe(zk.sessionId);
  });

  it('rejects bad arguments naming them; updateService of an unknown id rejects; waits honour signal', async () => {
    const zk = await client();
    expect(() => new ServiceDiscovery(zk, { basePath: 'rel' })).toThrow(/basePath/);
    const d = new ServiceDiscovery(zk, { basePath: `/discovery/${randomUUID()}` });
    await expect(d.registerService(serviceInstance({ name: 'api' }))).rejects.toThrow(/needs it started/);
    d.start();
    track(d);
    await expect(d.registerService({ ...serviceInstance({ name: 'api' }), id: 'a/b' })).rejects.toThrow(/instance\.id/);
    await expect(d.updateService(serviceInstance({ name: 'api', id: 'x' }))).rejects.toThrow(/not registered/);
    await expect(d.queryForInstances('a/b')).rejects.toThrow(/service\.name/);
    const aborted = AbortSignal.abort(new Error('gave up'));
    await expect(d.registerService(serviceInstance({ name: 'api', id: 'z' }), { signal: aborted })).rejects.toThrow(
      'gave up',
    );
    expect(d.registered()).toEqual([]);
    expect(await d.queryForInstance('api', 'z')).toBeNull();
  });

  it('the client closing closes the discovery', async () => {
    const zk = await client();
    const d = new ServiceDiscovery(zk, { basePath: `/discovery/${randomUUID()}` });
    d.start();
    await d.registerService(serviceInstance({ name: 'api', id: 'a' }), signal());
    await zk.close();
    await waitUntil(async () => d.state === 'closed', { ...bound(), description: 'closed' });
  });
});
