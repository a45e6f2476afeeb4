// Recipe benchmark (issue 5): @zookit/recipes vs Curator 5.4 (Java, CuratorFramework with
// ExponentialBackoffRetry) vs kazoo 2.8 (python), each against real ZooKeeper 3.8 (LocalZooKeeper,
// default tickTime) and the bundled server (zookit-server, its own process), one run.
// Rows: contended mutex (8 sessions), uncontended acquire+release, leader-latch failover (3),
// double barrier (5), SharedCount compare-and-set increments (4 contenders). Every library runs
// all its sessions in one process (zookit: this one; Curator: one JVM; kazoo: one python).
// Run: `pnpm bench:recipes`. Counts: BENCH_RECIPES_MUTEX (800), BENCH_RECIPES_CYCLES (500),
// BENCH_RECIPES_ROUNDS (10), BENCH_RECIPES_COUNT (400).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { ZooKeeperClient } from '@zookit/client';
// bench/package.json does not depend on @zookit/recipes: load its build output by path (this file
// runs from bench/recipes/dist, one level below its source, hence the two different paths).
import type * as Recipes from '../../packages/recipes/dist/index.js';
import { bundledServer, lastJsonLine, percentile, type Result, realZooKeeper, run } from './bench-support.js';

const RECIPES_URL = new URL('../../../packages/recipes/dist/index.js', import.meta.url);
const { DoubleBarrier, LeaderLatch, Mutex, SharedCount } = (await import(RECIPES_URL.href)) as typeof Recipes;

const MUTEX_TOTAL = Number(process.env.BENCH_RECIPES_MUTEX ?? 3000);
const CYCLES = Number(process.env.BENCH_RECIPES_CYCLES ?? 2000);
const ROUNDS = Number(process.env.BENCH_RECIPES_ROUNDS ?? 10);
const COUNT_TOTAL = Number(process.env.BENCH_RECIPES_COUNT ?? 400);
const HERE = dirname(fileURLToPath(import.meta.url)); // bench/recipes/dist
const JAVA_SOURCE = join(HERE, '../java/RecipeBench.java');
const KAZOO_SCRIPT = join(HERE, '../kazoo_bench.py');
const JAVA_DIR = '/usr/share/java';
const JARS = [
  'curator-client',
  'curator-framework',
  'curator-recipes',
  'guava',
  'zookeeper',
  'zookeeper-jute',
  'slf4j-api',
  'slf4j-nop',
];
const PYTHON = process.env.ZOOKIT_INTEROP_PYTHON || '/usr/bin/python3';

const ROWS: ReadonlyArray<{ key: string; label: string; higherIsBetter: boolean; unit: string }> = [
  { key: 'mutexPerSec', label: 'mutex, 8 sessions: acquisitions/s', higherIsBetter: true, unit: '/s' },
  { key: 'handoffP50', label: 'mutex, 8 sessions: hand-off p50', higherIsBetter: false, unit: 'ms' },
  { key: 'handoffP99', label: 'mutex, 8 sessions: hand-off p99', higherIsBetter: false, unit: 'ms' },
  { key: 'soloP50', label: 'uncontended acquire+release p50', higherIsBetter: false, unit: 'ms' },
  { key: 'soloP99', label: 'uncontended acquire+release p99', higherIsBetter: false, unit: 'ms' },
  { key: 'latchFailoverP50', label: 'leader latch failover (3), p50', higherIsBetter: false, unit: 'ms' },
  { key: 'barrierP50', label: 'double barrier of 5, enter+leave p50', higherIsBetter: false, unit: 'ms' },
  { key: 'countPerSec', label: 'SharedCount, 4 contenders: increments/s', higherIsBetter: true, unit: '/s' },
];

const sessions = (connectString: string, n: number) =>
  Promise.all(Array.from({ length: n }, () => ZooKeeperClient.connect(connectString)));
const closeAll = (clients: ZooKeeperClient[]) => Promise.all(clients.map((c) => c.close()));

// ---- zookit rows (this process) ----

async function zookitContended(cs: string, path: string, total: number, n: number, out: Result): Promise<void> {
  const clients = await sessions(cs, n);
  let taken = 0;
  let releasedAt: number | undefined;
  const handoff: number[] = [];
  const start = performance.now();
  await Promise.all(
    clients.map(async (client) => {
      const mutex = new Mutex(client, path);
      for (;;) {
        const lease = await mutex.acquire();
        const now = performance.now();
        if (taken++ >= total) {
          await lease.release();
          return;
        }
        if (releasedAt !== undefined) handoff.push(now - releasedAt);
        releasedAt = performance.now();
        await lease.release();
      }
    }),
  );
  const elapsed = performance.now() - start;
  await closeAll(clients);
  out.mutexPerSec = (total / elapsed) * 1000;
  out.handoffP50 = percentile(handoff, 0.5);
  out.handoffP99 = percentile(handoff, 0.99);
}

async function zookitUncontended(cs: string, path: string, cycles: number, out?: Result): Promise<void> {
  const client = await ZooKeeperClient.connect(cs);
  const mutex = new Mutex(client, path);
  const lat: number[] = [];
  for (let i = 0; i < cycles; i++) {
    const t0 = performance.now();
    const lease = await mutex.acquire();
    await lease.release();
    lat.push(performance.now() - t0);
  }
  await client.close();
  if (out) {
    out.soloP50 = percentile(lat, 0.5);
    out.soloP99 = percentile(lat, 0.99);
  }
}

async function zookitLatchFailover(cs: string, base: string, rounds: number, out: Result): Promise<void> {
  const clients = await sessions(cs, 3);
  const failover: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const path = `${base}/latch-${r}`;
    const gains: number[] = [];
    let wake: (() => void) | undefined;
    const latches = clients.map((client, i) => {
      const latch = new LeaderLatch(client, path, { id: `p${i}` });
      latch.onChange((isLeader) => {
        if (!isLeader) return;
        gains.push(performance.now());
        wake?.();
      });
      return latch;
    });
    const gained = (n: number) =>
      new Promise<void>((resolve) => {
        wake = () => {
          if (gains.length >= n) resolve();
        };
        wake();
      });
    await Promise.all(latches.map((l) => l.start()));
    await gained(1);
    const leader = latches.find((l) => l.hasLeadership);
    if (!leader) throw new Error('no leader');
    const t0 = performance.now();
    const second = gained(2);
    await leader.close();
    await second;
    failover.push((gains[1] as number) - t0);
    await Promise.all(latches.map((l) => l.close()));
  }
  await closeAll(clients);
  out.latchFailoverP50 = percentile(failover, 0.5);
}

async function zookitBarrier(cs: string, base: string, rounds: number, members: number, out: Result): Promise<void> {
  const clients = await sessions(cs, members);
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const path = `${base}/barrier-${r}`;
    const t0 = performance.now();
    await Promise.all(
      clients.map(async (client) => {
        const barrier = new DoubleBarrier(client, path, { members });
        await barrier.enter();
        await barrier.leave();
      }),
    );
    times.push(performance.now() - t0);
  }
  await closeAll(clients);
  out.barrierP50 = percentile(times, 0.5);
}

async function zookitSharedCount(cs: string, path: string, total: number, n: number, out: Result): Promise<void> {
  const clients = await sessions(cs, n);
  const counts = clients.map((client) => new SharedCount(client, path, 0));
  for (const count of counts) await count.start();
  let attempts = 0;
  const start = performance.now();
  await Promise.all(
    counts.map(async (count) => {
      for (;;) {
        const { value, version } = count.versioned;
        if (value >= total) return;
        attempts++;
        await count.trySetCount(value + 1, version);
      }
    }),
  );
  const elapsed = performance.now() - start;
  await Promise.all(counts.map((c) => c.close()));
  await closeAll(clients);
  out.countPerSec = (total / elapsed) * 1000;
  out.countAttempts = attempts;
}

async function zookitBench(cs: string, base: string): Promise<Result> {
  const admin = await ZooKeeperClient.connect(cs);
  await admin.create(base);
  await admin.close();
  const out: Result = {};
  await zookitUncontended(cs, `${base}/warm`, Math.min(100, CYCLES));
  await zookitContended(cs, `${base}/mutex`, MUTEX_TOTAL, 8, out);
  await zookitUncontended(cs, `${base}/solo`, CYCLES, out);
  await zookitLatchFailover(cs, base, ROUNDS, out);
  await zookitBarrier(cs, base, ROUNDS, 5, out);
  await zookitSharedCount(cs, `${base}/count`, COUNT_TOTAL, 4, out);
  return out;
}

// ---- Curator and kazoo (child processes) ----

const ARGS = [MUTEX_TOTAL, CYCLES, ROUNDS, COUNT_TOTAL].map(String);

async function compileJava(dir: string): Promise<string> {
  const classpath = JARS.map((name) => join(JAVA_DIR, `${name}.jar`));
  await run('javac', ['-encoding', 'UTF-8', '-nowarn', '-d', dir, '-cp', classpath.join(':'), JAVA_SOURCE]);
  return [...classpath, dir].join(':');
}

async function curatorBench(classpath: string, cs: string, base: string): Promise<Result> {
  const flags = ['-Xmx512m', '-XX:+UseSerialGC', '-Dzookeeper.request.timeout=10000'];
  return lastJsonLine(await run('java', [...flags, '-cp', classpath, 'RecipeBench', cs, base, ...ARGS]));
}

async function kazooBench(cs: string, base: string): Promise<Result> {
  const env = { ...process.env, PYTHONNOUSERSITE: '1', PYTHONPATH: '', PYTHONDONTWRITEBYTECODE: '1' };
  return lastJsonLine(await run(PYTHON, ['-u', KAZOO_SCRIPT, cs, base, ...ARGS], env));
}

// ---- report ----

const LIBS = ['zookit', 'Curator', 'kazoo'] as const;
type Lib = (typeof LIBS)[number];

function fmt(value: number | undefined, unit: string): string {
  if (value === undefined || Number.isNaN(value)) return 'n/a';
  return unit === '/s' ? value.toFixed(0) : value.toFixed(2);
}

function report(servers: string[], results: Map<string, Map<Lib, Result>>): string {
  const lines: string[] = [];
  const header = ['Row', 'Server', ...LIBS.map((l) => `${l}`), 'zookit/Curator', 'target met'];
  lines.push(`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`);
  const misses: string[] = [];
  for (const row of ROWS) {
    for (const server of servers) {
      const byLib = results.get(server);
      const value = (lib: Lib) => byLib?.get(lib)?.[row.key];
      const z = value('zookit');
      const c = value('Curator');
      const ratio = z !== undefined && c !== undefined && c > 0 ? z / c : undefined;
      const met = ratio === undefined ? 'n/a' : (row.higherIsBetter ? ratio >= 1 : ratio <= 1) ? 'yes' : 'NO';
      if (met === 'NO') misses.push(`${row.label} on ${server}`);
      const cells = LIBS.map((lib) => `${fmt(value(lib), row.unit)}${row.unit === 'ms' ? ' ms' : ''}`);
      lines.push(
        `| ${row.label} | ${server} | ${cells.join(' | ')} | ${ratio === undefined ? 'n/a' : ratio.toFixed(2)} | ${met} |`,
      );
    }
  }
  lines.push('');
  lines.push(
    `Settings: BENCH_RECIPES_MUTEX=${MUTEX_TOTAL} BENCH_RECIPES_CYCLES=${CYCLES} BENCH_RECIPES_ROUNDS=${ROUNDS} BENCH_RECIPES_COUNT=${COUNT_TOTAL}.`,
  );
  const attempts = servers.flatMap((s) =>
    LIBS.map((lib) => `${lib} on ${s}: ${results.get(s)?.get(lib)?.countAttempts ?? 'n/a'}`),
  );
  lines.push(`SharedCount compare-and-set attempts for ${COUNT_TOTAL} increments: ${attempts.join('; ')}.`);
  lines.push(
    misses.length === 0
      ? 'Targets (zookit >= Curator on throughput, <= Curator on latency): met on every row.'
      : `Targets missed on: ${misses.join('; ')}.`,
  );
  return lines.join('\n');
}

async function main(): Promise<void> {
  const javaDir = await mkdtemp(join(tmpdir(), 'zookit-recipe-bench-'));
  const results = new Map<string, Map<Lib, Result>>();
  const servers: string[] = [];
  try {
    const classpath = await compileJava(javaDir);
    for (const start of [realZooKeeper, bundledServer]) {
      const server = await start();
      servers.push(server.name);
      const byLib = new Map<Lib, Result>();
      results.set(server.name, byLib);
      try {
        const runs: Array<[Lib, () => Promise<Result>]> = [
          ['zookit', () => zookitBench(server.connectString, '/bench-zookit')],
          ['Curator', () => curatorBench(classpath, server.connectString, '/bench-curator')],
          ['kazoo', () => kazooBench(server.connectString, '/bench-kazoo')],
        ];
        for (const [lib, fn] of runs) {
          const t0 = performance.now();
          try {
            byLib.set(lib, await fn());
            console.error(`${server.name} / ${lib}: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
          } catch (err) {
            console.error(`${server.name} / ${lib}: FAILED: ${(err as Error).message}`);
          }
        }
      } finally {
        await server.stop();
      }
    }
  } finally {
    await rm(javaDir, { recursive: true, force: true });
  }
  console.log(report(servers, results));
}

await main();
