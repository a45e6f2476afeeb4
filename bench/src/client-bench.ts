/**
 * The client benchmark (issue 3): @zookit/client, node-zookeeper-client 1.1.3 and ZooKeeper's Java
 * client against one real ZooKeeper 3.8 started here. Every (op, outstanding) group runs each
 * client in turn, in a rotating order, each row in its own process; see docs/benchmarks.md.
 *
 * `pnpm bench:client` prints the report and writes it to bench/results/latest.md; every row is
 * also appended to latest.jsonl as it completes, and `node dist/client-bench.js --report
 * <file.jsonl>` rebuilds the report from such a file (e.g. after an interrupted run).
 */
import { spawnSync } from 'node:child_process';
import { appendFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ZooKeeperClient } from '@zookit/client';
import { findZooKeeperInstallation, LocalZooKeeper } from '@zookit/testing';
import { readConfig } from './config.js';
import { CpuMeter } from './cpu-meter.js';
import { formatReport, opsPerSec, type RunInfo } from './report.js';
import { cleanUpRow, ensureNode, inWindow, prepareRow } from './row-setup.js';
import { CLIENT_LABELS, type ClientName, type RowResult, type RowSpec } from './row-spec.js';
import { compileJava, type JavaRunner, spawnRow } from './spawn-row.js';

const here = dirname(fileURLToPath(import.meta.url));
const config = readConfig(process.env, join(here, '..', 'results', 'latest.md'));

/**
 * The server runs with the full JIT and a 1 GB heap (as zkServer.sh's default), overriding
 * LocalZooKeeper's fast-start flags (C1 only, 256 MB), which would make the server the bottleneck
 * and hide differences between clients.
 */
const SERVER_JVM_FLAGS = ['-XX:TieredStopAtLevel=4', '-Xmx1g'];

/** Untimed operations that bring the server's JIT up before the first row. */
const SERVER_WARMUP_OPS = 40_000;

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

async function main(): Promise<void> {
  const server = await LocalZooKeeper.start({ tickTime: 2000, jvmFlags: SERVER_JVM_FLAGS });
  let java: JavaRunner | undefined;
  try {
    if (config.clients.includes('java')) java = await compileJava();
    const srvr = await server.fourLetterWord('srvr');
    const info = runInfo(/Zookeeper version: (\d[\d.]*)/.exec(srvr)?.[1] ?? 'unknown');
    log(`ZooKeeper ${info.zookeeper} at ${server.connectString}`);
    const jsonl = `${config.out.replace(/\.md$/, '')}.jsonl`;
    await mkdir(dirname(config.out), { recursive: true });
    await writeFile(jsonl, `${JSON.stringify(info)}\n`);
    const meter = new CpuMeter(server.pid!);
    const admin = await ZooKeeperClient.connect(server.connectString);
    try {
      await ensureNode(admin, '/bench');
      await warmUpServer(admin);
      const results: RowResult[] = [];
      let group = 0;
      for (let round = 1; round <= config.rounds; round++) {
        for (const op of config.ops) {
          for (const window of config.windows) {
            // Rotate which client goes first so that drift (server state, JIT, heat) is shared.
            const order = config.clients.map((_, k) => config.clients[(k + group) % config.clients.length]!);
            group++;
            for (const client of order) {
              const count = window === 1 ? config.ops1 : config.ops64;
              const spec: RowSpec = {
                connectString: server.connectString,
                op,
                window,
                count,
                warmup: config.warmup,
                base: `/bench/r${round}-${op}-${window}-${client}`,
                dataSize: config.dataSize,
                readNodes: config.readNodes,
              };
              const result = await runRow(admin, meter, client, spec, java);
              results.push(result);
              await appendFile(jsonl, `${JSON.stringify({ round, ...result })}\n`);
              log(
                `round ${round} ${op.padEnd(7)} ×${String(window).padStart(2)} ${CLIENT_LABELS[client].padEnd(28)} ` +
                  `${Math.round(opsPerSec(result)).toString().padStart(7)} ops/s  p50 ${result.p50.toFixed(3)} ms  ` +
                  `p99 ${result.p99.toFixed(3)} ms  (${result.seconds.toFixed(2)} s, others used ${cores(result.foreignCpu)} cores)`,
              );
            }
          }
        }
      }
      await writeReport(info, results);
    } finally {
      await admin.close();
    }
  } finally {
    await server.stop();
    if (java) await rm(java.dir, { recursive: true, force: true });
  }
}

/**
 * Runs one row on a quiet machine: waits for other processes to calm down, and repeats the row
 * (up to `attempts` runs) while they used more than the threshold during it; keeps the least
 * disturbed run.
 */
async function runRow(
  admin: ZooKeeperClient,
  meter: CpuMeter,
  client: ClientName,
  spec: RowSpec,
  java: JavaRunner | undefined,
): Promise<RowResult> {
  let best: RowResult | undefined;
  for (let attempt = 1; attempt <= config.attempts; attempt++) {
    await prepareRow(admin, spec);
    const before = await meter.waitQuiet(config.quietThreshold, config.quietTimeout);
    if (before >= config.quietThreshold) log(`  machine still busy after waiting (others use ${cores(before)} cores)`);
    const stop = meter.start();
    const result = await spawnRow(client, spec, { java, cpuProfDir: config.cpuProfDir });
    const foreignCpu = stop();
    await cleanUpRow(admin, spec);
    if (best === undefined || foreignCpu < (best.foreignCpu ?? 0)) best = { ...result, foreignCpu };
    if (foreignCpu < config.quietThreshold) break;
    const next = attempt < config.attempts ? 'running it again' : 'keeping the least disturbed run';
    log(`  ${client} ${spec.op} ×${spec.window}: others used ${cores(foreignCpu)} cores during the row; ${next}`);
  }
  return best!;
}

function cores(n: number | undefined): string {
  return (n ?? 0).toFixed(2);
}

async function warmUpServer(zk: ZooKeeperClient): Promise<void> {
  const base = '/bench/server-warmup';
  await zk.create(base, null);
  const data = Buffer.alloc(config.dataSize, 'x');
  const n = SERVER_WARMUP_OPS / 4;
  await inWindow(n, 64, (i) => zk.create(`${base}/n${i}`, data));
  await inWindow(n, 64, (i) => zk.getData(`${base}/n${i}`));
  await inWindow(n, 64, (i) => zk.setData(`${base}/n${i}`, data));
  await inWindow(n, 64, (i) => zk.delete(`${base}/n${i}`));
  await zk.delete(base);
}

function runInfo(zookeeper: string): RunInfo {
  let java = 'not run';
  if (config.clients.includes('java')) {
    // `java -version` writes to stderr: 'openjdk version "17.0.15" 2025-04-15'.
    const out = spawnSync(findZooKeeperInstallation().java, ['-version'], { encoding: 'utf8' });
    java = out.stderr.split('\n')[0]?.trim() || 'unknown';
  }
  return {
    date: new Date().toISOString().slice(0, 10),
    machine: `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB`,
    node: process.version,
    zookeeper,
    serverJvmFlags: SERVER_JVM_FLAGS.join(' '),
    java,
    ops1: config.ops1,
    ops64: config.ops64,
    warmup: config.warmup,
    dataSize: config.dataSize,
    readNodes: config.readNodes,
    rounds: config.rounds,
    ops: config.ops,
    windows: config.windows,
  };
}

async function writeReport(info: RunInfo, results: readonly RowResult[]): Promise<void> {
  const report = formatReport(info, results);
  process.stdout.write(`${report}\n`);
  await mkdir(dirname(config.out), { recursive: true });
  await writeFile(config.out, `${report}\n`);
  log(`written to ${relative(process.cwd(), config.out)}`);
}

/** `--report file.jsonl`: the report of a (possibly interrupted) run from its results file. */
async function reportFrom(file: string): Promise<void> {
  const [first, ...lines] = (await readFile(file, 'utf8')).trim().split('\n');
  if (first === undefined) throw new Error(`${file} is empty`);
  await writeReport(
    JSON.parse(first) as RunInfo,
    lines.map((line) => JSON.parse(line) as RowResult),
  );
}

const [flag, file] = process.argv.slice(2);
(flag === '--report' && file ? reportFrom(file) : main()).catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
