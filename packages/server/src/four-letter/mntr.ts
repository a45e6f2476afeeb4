import { readdirSync, readFileSync } from 'node:fs';
import type { FourLetterContext } from './answer.js';
import { connectionCount } from './connections.js';
import {
  avgLatency,
  minLatency,
  nodeCount,
  outstandingRequests,
  SERVER_STATE,
  ZOOKEEPER_VERSION,
} from './server-info.js';
import { watchCount } from './watches.js';

/**
 * `mntr`: `zk_<key>\t<value>` lines for the metrics monitoring tools read, in the order a 3.8
 * standalone server prints them (version and state first; the rest is a hash-map order there,
 * so parse mntr as a map). ZooKeeper's ~300 other metrics (mostly internal pipeline counters)
 * are left out, and so is zk_uptime. The file descriptor counts are this process's, -1 where
 * the platform does not expose them (as ZooKeeper prints).
 */
export function mntr(context: FourLetterContext): string {
  const { core } = context;
  let ephemerals = 0;
  for (const paths of core.tree.ephemeralsBySession().values()) ephemerals += paths.size;
  const metrics: [string, string | number][] = [
    ['version', ZOOKEEPER_VERSION],
    ['server_state', SERVER_STATE],
    ['ephemerals_count', ephemerals],
    ['num_alive_connections', connectionCount(context)],
    ['avg_latency', avgLatency(context)],
    ['outstanding_requests', outstandingRequests(context)],
    ['znode_count', nodeCount(context)],
    ['global_sessions', core.sessions.size],
    ['packets_sent', core.stats.packetsSent],
    ['packets_received', core.stats.packetsReceived],
    ['watch_count', watchCount(context)],
    ['min_latency', minLatency(context)],
    ['max_file_descriptor_count', maxFileDescriptorCount()],
    ['approximate_data_size', core.tree.approximateDataSize],
    ['open_file_descriptor_count', openFileDescriptorCount()],
    ['local_sessions', 0],
    ['max_latency', core.stats.maxLatency],
  ];
  return metrics.map(([key, value]) => `zk_${key}\t${value}\n`).join('');
}

/** Open descriptors of this process (Linux: entries of /proc/self/fd, less the one listing it). */
function openFileDescriptorCount(): number {
  try {
    return readdirSync('/proc/self/fd').length - 1;
  } catch {
    return -1;
  }
}

/** The soft limit on open descriptors (Linux: /proc/self/limits); -1 when unknown or unlimited. */
function maxFileDescriptorCount(): number {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
    return soft !== undefined && /^\d+$/.test(soft) ? Number(soft) : -1;
  } catch {
    return -1;
  }
}
