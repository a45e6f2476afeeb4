import { readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';
import type { FourLetterContext } from './answer.js';
import { connectionCount, connectionInfoLines } from './connections.js';
import { javaAverage } from './java-format.js';

/**
 * What this server reports as its ZooKeeper version (`srvr`, `envi`, mntr `zk_version`), in
 * ZooKeeper's `<version>-<commit>, built on <yyyy-MM-dd HH:mm> UTC` form: tools split it at
 * the first `-` or `,` to read the version.
 */
export const ZOOKEEPER_VERSION = '3.9.3-zookit, built on 2026-01-01 00:00 UTC';

/** A standalone server; the ensemble will report leader/follower/observer. */
export const SERVER_STATE = 'standalone';

/**
 * ZooKeeper's node count: its node map holds the root twice (under "" and "/"), so every count
 * it reports is one more than the number of znodes.
 */
export function nodeCount(context: FourLetterContext): number {
  return context.core.tree.size + 1;
}

/** Requests received and not answered yet, on every connection. */
export function outstandingRequests(context: FourLetterContext): number {
  let n = 0;
  for (const conn of context.core.connections.values()) n += conn.queue.length;
  return n;
}

/** The smallest request latency in ms (0 before any request). */
export function minLatency(context: FourLetterContext): number {
  const { minLatency } = context.core.stats;
  return Number.isFinite(minLatency) ? minLatency : 0;
}

/** The average request latency as ZooKeeper prints it (`4.8`, `0.0`). */
export function avgLatency(context: FourLetterContext): string {
  const { totalLatency, requests } = context.core.stats;
  return javaAverage(totalLatency, requests);
}

/** ServerStats' lines from `Latency` to `Node count`, shared by srvr and stat. */
function serverStatsLines(context: FourLetterContext): string {
  const { core } = context;
  return [
    `Latency min/avg/max: ${minLatency(context)}/${avgLatency(context)}/${core.stats.maxLatency}`,
    `Received: ${core.stats.packetsReceived}`,
    `Sent: ${core.stats.packetsSent}`,
    `Connections: ${connectionCount(context)}`,
    `Outstanding: ${outstandingRequests(context)}`,
    `Zxid: 0x${core.lastZxid.toString(16)}`,
    `Mode: ${SERVER_STATE}`,
    `Node count: ${nodeCount(context)}`,
    '',
  ].join('\n');
}

/** `srvr`: version, latency, packets, connections, outstanding, zxid, mode, node count. */
export function srvr(context: FourLetterContext): string {
  return `Zookeeper version: ${ZOOKEEPER_VERSION}\n${serverStatsLines(context)}`;
}

/** `stat`: as `srvr`, with a `Clients:` section (one brief line per connection, then a blank line). */
export function stat(context: FourLetterContext): string {
  const clients = connectionInfoLines(context, true)
    .map((line) => `${line}\n`)
    .join('');
  return `Zookeeper version: ${ZOOKEEPER_VERSION}\nClients:\n${clients}\n${serverStatsLines(context)}`;
}

/** `srst`: resets latencies and packet counts (not the connections' counters). */
export function resetServerStats(context: FourLetterContext): string {
  context.core.stats.reset();
  return 'Server stats reset.\n';
}

/**
 * `conf`: ZooKeeper 3.8's standalone keys in its order. There is no TLS port and no listen
 * backlog setting (-1, as ZooKeeper prints when unset); an in-memory server has an empty
 * dataDir/dataLogDir of size 0.
 */
export function conf(context: FourLetterContext): string {
  const { config } = context.core;
  const dir = context.dataDir ?? '';
  const size = directorySize(context.dataDir);
  return [
    `clientPort=${context.port}`,
    'secureClientPort=-1',
    `dataDir=${dir}`,
    `dataDirSize=${size}`,
    `dataLogDir=${dir}`,
    `dataLogSize=${size}`,
    `tickTime=${config.tickTime}`,
    `maxClientCnxns=${context.maxClientCnxns ?? 60}`,
    `minSessionTimeout=${config.minSessionTimeout}`,
    `maxSessionTimeout=${config.maxSessionTimeout}`,
    'clientPortListenBacklog=-1',
    `serverId=${config.serverId}`,
    '',
  ].join('\n');
}

/** `dirs`: bytes under the data and log directories (the same directory here; 0 in memory). */
export function dirs(context: FourLetterContext): string {
  const size = directorySize(context.dataDir);
  return `datadir_size: ${size}\nlogdir_size: ${size}\n`;
}

/**
 * `envi`: ZooKeeper's keys in its order, with this process's values where the key means the
 * same for Node.js (host, temp dir, OS, user, working directory, heap in MB) and ZooKeeper's
 * `<NA>` for the Java-only ones; `node.version` is added last.
 */
export function envi(): string {
  const heap = v8.getHeapStatistics();
  const mb = (bytes: number) => `${Math.floor(bytes / (1024 * 1024))}MB`;
  const entries: [string, string][] = [
    ['zookeeper.version', ZOOKEEPER_VERSION],
    ['host.name', os.hostname()],
    ['java.version', NA],
    ['java.vendor', NA],
    ['java.home', NA],
    ['java.class.path', NA],
    ['java.library.path', NA],
    ['java.io.tmpdir', os.tmpdir()],
    ['java.compiler', NA],
    ['os.name', javaOsName()],
    ['os.arch', javaOsArch()],
    ['os.version', os.release()],
    ['user.name', userName()],
    ['user.home', os.homedir()],
    ['user.dir', process.cwd()],
    ['os.memory.free', mb(heap.total_heap_size - heap.used_heap_size)],
    ['os.memory.max', mb(heap.heap_size_limit)],
    ['os.memory.total', mb(heap.total_heap_size)],
    ['node.version', process.version],
  ];
  return `Environment:\n${entries.map(([key, value]) => `${key}=${value}\n`).join('')}`;
}

const NA = '<NA>';

/** Java's `os.name` for the common platforms. */
function javaOsName(): string {
  switch (process.platform) {
    case 'darwin':
      return 'Mac OS X';
    case 'win32':
      return 'Windows';
    default:
      return os.type();
  }
}

/** Java's `os.arch` for the common architectures. */
function javaOsArch(): string {
  switch (process.arch) {
    case 'x64':
      return 'amd64';
    case 'arm64':
      return 'aarch64';
    case 'ia32':
      return 'x86';
    default:
      return process.arch;
  }
}

function userName(): string {
  try {
    return os.userInfo().username;
  } catch {
    // No passwd entry for this uid (common in containers).
    return NA;
  }
}

/** Bytes of the files under `dir` (0 when absent or unreadable, as Java's File.length). */
function directorySize(dir: string | undefined): number {
  if (dir === undefined) return 0;
  let size = 0;
  try {
    const info = statSync(dir);
    if (!info.isDirectory()) return info.size;
    for (const name of readdirSync(dir)) size += directorySize(join(dir, name));
  } catch {
    // Vanished while walking, or unreadable: counts as empty.
  }
  return size;
}
