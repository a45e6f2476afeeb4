// curator-x-discovery 5.4 (a JVM running test/interop/java/DiscoveryInteropScenario.java) and
// zookit's ServiceDiscovery on the same base path, on both servers: each reads the other's
// instances with every field equal, and sees the other's unregistrations and session losses
// (docs/recipes.md, "Curator compatibility").
import { randomUUID } from 'node:crypto';
import { ZooKeeperClient } from '@zookit/client';
import {
  buildUri,
  type ServiceCacheEvent,
  ServiceDiscovery,
  type ServiceInstance,
  serviceInstance,
} from '@zookit/recipes';
import { FaultProxy, waitUntil } from '@zookit/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { lacks } from '../prerequisites.js';
import { serverTargets, type TestServer } from '../servers.js';
import { JavaScenarios } from './java-runner.js';
import { LineProcess } from './line-process.js';

const SESSION_TIMEOUT_MS = 4_000;
/** JVM start plus Curator connecting. */
const JVM_READY_MS = 20_000;
/** Bound on one Java process (its own watchdog fires at 60 s). */
const PROCESS_TIMEOUT_MS = 55_000;
/** Bound on one answer or one change to be seen (a session expiry included). */
const WAIT_MS = SESSION_TIMEOUT_MS + 10_000;
const TEST_TIMEOUT_MS = 90_000;
/** Compiling the scenario (javac bound 60 s) while the server starts. */
const SETUP_TIMEOUT_MS = 120_000;
const JAVA_REGISTERED = 1700000000000;

const java = new JavaScenarios();
afterAll(() => java.close());

/** Instances as Curator serialized them, without Jackson's `"@class"` type id of a Map payload. */
function withoutTypeIds(json: string): unknown[] {
  return (JSON.parse(json) as Record<string, unknown>[]).map((i) => {
    const { '@class': _, ...payload } = (i.payload ?? {}) as Record<string, unknown>;
    return { ...i, payload: i.payload === null ? null : payload };
  });
}

describe.skipIf(lacks('curator-discovery')).each(serverTargets)(
  'curator-x-discovery 5.4 and zookit on $name',
  (target) => {
    let server: TestServer | undefined;
    const clients: ZooKeeperClient[] = [];
    const closables: { close(): Promise<unknown> }[] = [];
    const processes: LineProcess[] = [];

    beforeAll(async () => {
      [server] = await Promise.all([target.start({ tickTime: 500 }), java.prepare(['DiscoveryInteropScenario'])]);
    }, SETUP_TIMEOUT_MS);
    afterEach(async () => {
      await Promise.all(processes.splice(0).map((p) => p.dispose()));
      for (const c of closables.splice(0).reverse()) await c.close();
      await Promise.all(clients.splice(0).map((c) => c.close()));
    });
    afterAll(async () => {
      await server?.stop();
    });

    async function client(connectString = server!.connectString): Promise<ZooKeeperClient> {
      const c = await ZooKeeperClient.connect(connectString, { sessionTimeout: SESSION_TIMEOUT_MS });
      clients.push(c);
      return c;
    }

    async function discovery(zk: ZooKeeperClient, basePath: string): Promise<ServiceDiscovery> {
      const d = new ServiceDiscovery(zk, { basePath });
      closables.push(d);
      d.start();
      return d;
    }

    /** Starts the Java side on `basePath` and waits for its `ready`. */
    async function curator(
      basePath: string,
    ): Promise<LineProcess & { ask(command: string, answer: RegExp): Promise<string> }> {
      // Rejects with a MissingPrerequisiteError ("… Install it: sudo apt-get install -y …") without a JDK or jar.
      const { command, args } = await java.commandLine('DiscoveryInteropScenario', [server!.connectString, basePath]);
      const child = new LineProcess(command, args, { timeoutMs: PROCESS_TIMEOUT_MS });
      processes.push(child);
      await child.waitForLine((line) => line === 'ready', JVM_READY_MS);
      return Object.assign(child, {
        /** Sends `command`; resolves with the first line after it that matches `answer`. */
        ask: (line: string, answer: RegExp) => {
          const from = child.lines.length;
          child.send(line);
          return child
            .waitForLine((l) => answer.test(l) || l.startsWith('ERROR'), WAIT_MS, from)
            .then((l) => {
              if (l.startsWith('ERROR')) throw new Error(`${line}: ${l}\n${child.describe()}`);
              return l;
            });
        },
      });
    }

    it(
      'Java registers (Map payload, sslPort, uriSpec, one disabled): zookit reads every field; sees its unregister and its session end',
      async () => {
        const base = `/curator-discovery/${randomUUID()}`;
        const jvm = await curator(base);
        await jvm.ask('register api a 8080 8443 true {scheme}://{address}:{port}/a', /^registered a$/);
        await jvm.ask('register api b 9090 - false http://{address}:{port}/b', /^registered b$/);
        const expected = (id: string, port: number, sslPort: number | null, enabled: boolean, spec: string) =>
          serviceInstance({
            name: 'api',
            id,
            address: 'java-host',
            port,
            sslPort,
            payload: { '@class': 'java.util.LinkedHashMap', zone: id, weight: 3 },
            registrationTimeUTC: JAVA_REGISTERED,
            serviceType: 'DYNAMIC',
            uriSpec: spec,
            enabled,
          });
        const a = expected('a', 8080, 8443, true, '{scheme}://{address}:{port}/a');
        const b = expected('b', 9090, null, false, 'http://{address}:{port}/b');
        const zk = await client();
        const d = await discovery(zk, base);
        expect(await d.queryForNames()).toEqual(['api']);
        expect(await d.queryForInstances('api')).toEqual([a, b]);
        expect(await d.queryForInstance('api', 'b')).toEqual(b);
        const provider = d.serviceProvider('api');
        const events: ServiceCacheEvent[] = [];
        provider.cache.on((e) => events.push(e));
        await provider.start({ signal: AbortSignal.timeout(WAIT_MS) });
        expect(provider.cache.instances()).toEqual([a, b]);
        expect(provider.getAllInstances()).toEqual([a]); // b is disabled
        expect(provider.getInstance()).toEqual(a);
        expect(buildUri(a.uriSpec!, a)).toBe('https://java-host:8080/a');

        await jvm.ask('unregister api a', /^unregistered a$/);
        await waitUntil(async () => events.some((e) => e.type === 'removed' && e.instance.id === 'a'), {
          timeout: WAIT_MS,
          interval: 10,
          description: "Java's unregister seen",
        });
        expect(provider.cache.instances()).toEqual([b]);
        expect(provider.getInstance()).toBeNull();
        // The JVM dies: its session expires and its ephemeral instance leaves zookit's view.
        jvm.kill();
        await waitUntil(async () => provider.cache.instances().length === 0, {
          timeout: WAIT_MS,
          interval: 10,
          description: "the Java session's end seen",
        });
        expect(
          events.filter((e) => e.type === 'removed').map((e) => (e as { instance: ServiceInstance }).instance),
        ).toEqual([a, b]);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      "zookit registers: Curator's ServiceDiscovery, ServiceCache and ServiceProvider read every field; its cache sees the unregister and the session loss",
      async () => {
        const base = `/curator-discovery/${randomUUID()}`;
        const proxy = await FaultProxy.start({ target: server!.connectString });
        closables.push({ close: () => proxy.stop() });
        const zk = await client(proxy.connectString);
        const d = await discovery(zk, base);
        const x = serviceInstance({
          name: 'web',
          id: 'x',
          address: 'node-host',
          port: 80,
          sslPort: 443,
          payload: { zone: 'eu', weight: 3, tags: ['a', 'b'] },
          uriSpec: '{scheme}://{address}:{ssl-port}/x',
        });
        const y = serviceInstance({
          name: 'web',
          id: 'y',
          address: 'node-host',
          port: 81,
          enabled: false,
          payload: null,
        });
        const z = serviceInstance({ name: 'web', id: 'z', address: 'node-host', port: 82, serviceType: 'STATIC' });
        for (const i of [x, y, z]) await d.registerService(i, { signal: AbortSignal.timeout(WAIT_MS) });

        const jvm = await curator(base);
        const from = jvm.lines.length;
        await jvm.ask('read web', /^uri z\b/);
        const answer = (kind: string) =>
          jvm.lines
            .slice(from)
            .find((l) => l.startsWith(`${kind} `))!
            .slice(kind.length + 1);
        for (const kind of ['query', 'cache']) {
          expect(withoutTypeIds(answer(kind)), `Curator's ${kind}`).toEqual([x, y, z]);
        }
        expect(withoutTypeIds(answer('provider')), "Curator's provider").toEqual([x, z]); // y is disabled
        expect(answer('pick')).toMatch(/^[xz]$/); // y is disabled
        for (const i of [x, y, z]) {
          if (i.enabled)
            expect(jvm.lines.slice(from)).toContain(`uri ${i.id} ${buildUri(i.uriSpec ?? { parts: [] }, i)}`.trimEnd());
        }

        await jvm.ask('watch web', /^cache-changed x,y,z$/);
        await d.unregisterService(y);
        await jvm.waitForLine((l) => l === 'cache-changed x,z', WAIT_MS);
        // zookit's session is lost (no way through the proxy): the DYNAMIC instance leaves
        // Curator's view; the STATIC one stays. Back through the proxy, x is registered again.
        proxy.blackhole();
        proxy.closeConnections();
        const lost = jvm.lines.length;
        await jvm.waitForLine((l) => l === 'cache-changed z', WAIT_MS, lost);
        await waitUntil(async () => zk.state === 'lost', { timeout: WAIT_MS, interval: 10, description: 'lost' });
        proxy.pass();
        await jvm.waitForLine((l) => l === 'cache-changed x,z', WAIT_MS, lost);
        expect(await d.queryForInstances('web')).toEqual([x, z]);
        await jvm.ask('close', /^closed$/);
      },
      TEST_TIMEOUT_MS,
    );
  },
);
