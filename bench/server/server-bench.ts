// Server benchmark (issue 4): the same client (@zookit/client) against the bundled server
// (in memory; with a data dir, fsync per group commit) and real ZooKeeper 3.8 standalone
// (forceSync=no; forceSync=yes), every server in its own process, rows interleaved. Also: time
// from start to the first answered request. Run: `pnpm bench:server` (BENCH_SERVER_OPS, default 20000).
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ZooKeeperClient } from '@zookit/client';
import { ZooKeeperServer } from '@zookit/server';
import { LocalZooKeeper } from '@zookit/testing';

const OPS = Number(process.env.BENCH_SERVER_OPS ?? 20_000);
const WARMUP = Math.min(5000, OPS);
const WINDOWS = [1, 64];
const DATA = Buffer.alloc(100, 7);
const CLI = join(dirname(fileURLToPath(import.meta.url)), '../../../packages/server/dist/cli.js');

interface Running {
  readonly name: string;
  readonly connectString: string;
  stop(): Promise<void>;
}

async function zookitProcess(name: string, dataDir?: string): Promise<Running> {
  const args = [CLI, '--port', '0', ...(dataDir ? ['--data-dir', dataDir] : [])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const connectString = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const m = /listening on (\S+)/.exec(line);
      if (m) resolve(m[1] as string);
    });
    child.once('exit', (code) => reject(new Error(`zookit-server exited with ${code}`)));
  });
  return {
    name,
    connectString,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

async function zookeeper(name: string, forceSync: boolean): Promise<Running> {
  const zk = await LocalZooKeeper.start({ config: { forceSync: forceSync ? 'yes' : 'no' } });
  return { name, connectString: zk.connectString, stop: () => zk.stop() };
}

type Op = 'create' | 'getData' | 'setData';

interface Row {
  server: string;
  op: Op;
  window: number;
  opsPerSec: number;
  p50: number;
  p99: number;
}

async function runRow(
  zk: ZooKeeperClient,
  base: string,
  op: Op,
  window: number,
  count: number,
): Promise<Omit<Row, 'server'>> {
  const latencies = new Float64Array(count);
  let next = 0;
  const one = async (i: number) => {
    const t0 = performance.now();
    if (op === 'create') await zk.create(`${base}/c-${window}-${i}`, DATA);
    else if (op === 'getData') await zk.getData(`${base}/r-${i % 100}`);
    else await zk.setData(`${base}/r-${i % 100}`, DATA);
    latencies[i] = performance.now() - t0;
  };
  const start = performance.now();
  await Promise.all(
    Array.from({ length: window }, async () => {
      for (let i = next++; i < count; i = next++) await one(i);
    }),
  );
  const elapsed = performance.now() - start;
  latencies.sort();
  const pct = (q: number) => latencies[Math.min(count - 1, Math.ceil(q * count) - 1)] as number;
  return { op, window, opsPerSec: (count / elapsed) * 1000, p50: pct(0.5), p99: pct(0.99) };
}

async function startupTimes(): Promise<Array<[string, number]>> {
  const firstAnswer = async (connectString: string) => {
    const zk = await ZooKeeperClient.connect(connectString);
    await zk.exists('/');
    await zk.close();
  };
  const out: Array<[string, number]> = [];
  let t0 = performance.now();
  const inProcess = await ZooKeeperServer.start();
  out.push(['bundled server, in process: `ZooKeeperServer.start()` resolved (accepting)', performance.now() - t0]);
  await firstAnswer(inProcess.connectString);
  out.push(['bundled server, in process: first answered request (incl. client connect)', performance.now() - t0]);
  await inProcess.close();
  t0 = performance.now();
  const proc = await zookitProcess('cli');
  await firstAnswer(proc.connectString);
  out.push(['bundled server, as a process (zookit-server)', performance.now() - t0]);
  await proc.stop();
  t0 = performance.now();
  const zk = await LocalZooKeeper.start();
  await firstAnswer(zk.connectString);
  out.push(['ZooKeeper 3.8 (JVM, LocalZooKeeper)', performance.now() - t0]);
  await zk.stop();
  return out;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'zookit-bench-'));
  const servers = [
    await zookitProcess('zookit, memory'),
    await zookeeper('ZooKeeper, forceSync=no', false),
    await zookitProcess('zookit, files + fsync', join(dir, 'data')),
    await zookeeper('ZooKeeper, forceSync=yes', true),
  ];
  const rows: Row[] = [];
  try {
    const clients = await Promise.all(servers.map((s) => ZooKeeperClient.connect(s.connectString)));
    for (const zk of clients) {
      await zk.create('/bench').catch(() => undefined);
      await Promise.all(Array.from({ length: 100 }, (_, i) => zk.create(`/bench/r-${i}`, DATA)));
      await runRow(zk, '/bench', 'getData', 64, WARMUP); // warm-up, untimed
    }
    for (const op of ['create', 'getData', 'setData'] as const) {
      for (const window of WINDOWS) {
        const count = window === 1 ? Math.ceil(OPS / 4) : OPS;
        for (const [i, zk] of clients.entries()) {
          const row = await runRow(zk, '/bench', op, window, count);
          rows.push({ server: (servers[i] as Running).name, ...row });
          console.error(`${(servers[i] as Running).name} ${op} x${window}: ${row.opsPerSec.toFixed(0)} ops/s`);
        }
      }
    }
    await Promise.all(clients.map((c) => c.close()));
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await rm(dir, { recursive: true, force: true });
  }
  const startup = await startupTimes();
  const lines = [
    `Server benchmark, ${new Date().toISOString().slice(0, 10)}, ${OPS} ops per row (1 outstanding: ${Math.ceil(OPS / 4)}), 100-byte data, Node ${process.version}, client @zookit/client; every server in its own process.`,
    '',
    '| op | outstanding | server | ops/s | p50 ms | p99 ms | vs ZooKeeper (same durability) |',
    '|---|---|---|---|---|---|---|',
  ];
  const anchor = (row: Row) =>
    row.server.includes('memory')
      ? 'ZooKeeper, forceSync=no'
      : row.server.includes('files')
        ? 'ZooKeeper, forceSync=yes'
        : undefined;
  for (const row of rows) {
    const a = anchor(row);
    const ref = a ? rows.find((r) => r.server === a && r.op === row.op && r.window === row.window) : undefined;
    const ratio = ref ? `${(row.opsPerSec / ref.opsPerSec).toFixed(2)}×` : '';
    lines.push(
      `| ${row.op} | ${row.window} | ${row.server} | ${row.opsPerSec.toFixed(0)} | ${row.p50.toFixed(2)} | ${row.p99.toFixed(2)} | ${ratio} |`,
    );
  }
  lines.push('', '| start to first answered request | ms |', '|---|---|');
  for (const [what, ms] of startup) lines.push(`| ${what} | ${ms.toFixed(1)} |`);
  const report = lines.join('\n');
  console.log(report);
  await writeFile(join(dirname(fileURLToPath(import.meta.url)), '../latest-server.md'), `${report}\n`);
}

await main();
