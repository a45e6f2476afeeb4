// Service discovery benchmark (issue 9): how soon a registration is visible in another session's
// ServiceCache, and an unregistration gone from it — @zookit/recipes vs curator-x-discovery 5.4
// (Java, java/DiscoveryBench.java), each against real ZooKeeper 3.8 and the bundled server (its
// own process). Each round: the registrar registers a new DYNAMIC instance, the time runs until the
// observer's cache holds it; then it unregisters it, the time runs until the cache no longer does.
// Both sessions in one process per library. Run: `pnpm bench:discovery`. Rounds: BENCH_DISCOVERY_ROUNDS (300).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { ZooKeeperClient } from '@zookit/client';
// bench/package.json does not depend on @zookit/recipes: load its build output by path.
import type * as Recipes from '../../packages/recipes/dist/index.js';
import { bundledServer, lastJsonLine, percentile, type Result, realZooKeeper, run } from './bench-support.js';

const RECIPES_URL = new URL('../../../packages/recipes/dist/index.js', import.meta.url);
const { ServiceDiscovery, serviceInstance } = (await import(RECIPES_URL.href)) as typeof Recipes;

const ROUNDS = Number(process.env.BENCH_DISCOVERY_ROUNDS ?? 300);
const WARMUP = 30;
const HERE = dirname(fileURLToPath(import.meta.url)); // bench/recipes/dist
const JAVA_SOURCE = join(HERE, '../java/DiscoveryBench.java');
const JARS = [
  'curator-client',
  'curator-framework',
  'curator-recipes',
  'curator-x-discovery',
  'jackson-databind',
  'jackson-core',
  'jackson-annotations',
  'guava',
  'zookeeper',
  'zookeeper-jute',
  'slf4j-api',
  'slf4j-nop',
].map((name) => join('/usr/share/java', `${name}.jar`));

const ROWS = [
  { key: 'visibleP50', label: 'register → in the other session’s cache, p50' },
  { key: 'visibleP99', label: 'register → in the other session’s cache, p99' },
  { key: 'goneP50', label: 'unregister → out of the cache, p50' },
  { key: 'goneP99', label: 'unregister → out of the cache, p99' },
] as const;

async function zookitBench(cs: string, base: string): Promise<Result> {
  const [registrarClient, observerClient] = await Promise.all([
    ZooKeeperClient.connect(cs),
    ZooKeeperClient.connect(cs),
  ]);
  const registrar = new ServiceDiscovery(registrarClient, { basePath: base });
  const observer = new ServiceDiscovery(observerClient, { basePath: base });
  registrar.start();
  observer.start();
  const cache = observer.serviceCache('bench');
  await cache.start();
  /** Resolves when the cache's view of `id` is `present`. */
  const seen = (id: string, present: boolean) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (cache.instances().some((i) => i.id === id) === present) {
          off();
          resolve();
        }
      };
      const off = cache.on(check);
      check();
    });
  const visible: number[] = [];
  const gone: number[] = [];
  for (let r = 0; r < WARMUP + ROUNDS; r++) {
    const instance = serviceInstance({ name: 'bench', id: `i${r}`, address: 'localhost', port: 8080 });
    const t0 = performance.now();
    const appeared = seen(instance.id, true);
    await registrar.registerService(instance);
    await appeared;
    const t1 = performance.now();
    const left = seen(instance.id, false);
    await registrar.unregisterService(instance);
    await left;
    const t2 = performance.now();
    if (r >= WARMUP) {
      visible.push(t1 - t0);
      gone.push(t2 - t1);
    }
  }
  await Promise.all([registrar.close(), observer.close()]);
  await Promise.all([registrarClient.close(), observerClient.close()]);
  return {
    visibleP50: percentile(visible, 0.5),
    visibleP99: percentile(visible, 0.99),
    goneP50: percentile(gone, 0.5),
    goneP99: percentile(gone, 0.99),
  };
}

async function curatorBench(classpath: string, cs: string, base: string): Promise<Result> {
  const flags = ['-Xmx512m', '-XX:+UseSerialGC', '-Dzookeeper.request.timeout=10000'];
  const args = [...flags, '-cp', classpath, 'DiscoveryBench', cs, base, String(WARMUP), String(ROUNDS)];
  return lastJsonLine(await run('java', args));
}

async function main(): Promise<void> {
  const javaDir = await mkdtemp(join(tmpdir(), 'zookit-discovery-bench-'));
  const lines = ['| Row | Server | zookit | Curator | zookit/Curator |', '|---|---|---|---|---|'];
  try {
    await run('javac', ['-encoding', 'UTF-8', '-nowarn', '-d', javaDir, '-cp', JARS.join(':'), JAVA_SOURCE]);
    const classpath = [...JARS, javaDir].join(':');
    const results: Array<{ server: string; zookit: Result; curator: Result }> = [];
    for (const start of [realZooKeeper, bundledServer]) {
      const server = await start();
      try {
        const zookit = await zookitBench(server.connectString, '/bench-discovery-zookit');
        const curator = await curatorBench(classpath, server.connectString, '/bench-discovery-curator');
        results.push({ server: server.name, zookit, curator });
        console.error(`${server.name}: done`);
      } finally {
        await server.stop();
      }
    }
    for (const row of ROWS) {
      for (const { server, zookit, curator } of results) {
        const z = zookit[row.key] as number;
        const c = curator[row.key] as number;
        lines.push(`| ${row.label} | ${server} | ${z.toFixed(2)} ms | ${c.toFixed(2)} ms | ${(z / c).toFixed(2)} |`);
      }
    }
  } finally {
    await rm(javaDir, { recursive: true, force: true });
  }
  lines.push('', `Settings: BENCH_DISCOVERY_ROUNDS=${ROUNDS} (after ${WARMUP} untimed rounds).`);
  console.log(lines.join('\n'));
}

await main();
