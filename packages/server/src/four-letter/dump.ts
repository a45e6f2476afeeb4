import type { ClientConnection } from '../core/connection-state.js';
import type { SessionRecord } from '../core/sessions.js';
import type { FourLetterContext } from './answer.js';
import { hex64, javaDate, javaSocketAddress } from './java-format.js';

/**
 * ZooKeeper's NIO factory expires connections in buckets of zookeeper.nio.sessionlessCnxnTimeout
 * (10 s), and a connection without a session yet times out after that long.
 */
const CONNECTION_EXPIRY_INTERVAL = 10_000;

/**
 * `dump`: sessions by expiry time, ephemeral nodes by session, connections by expiry time
 * (ZooKeeper's SessionTracker, DataTree and NIOServerCnxnFactory dumps). Times are printed as
 * Java's Date in UTC.
 */
export function dump(context: FourLetterContext): string {
  const { core, now } = context;
  const sessions = [...core.sessions.values()].filter((s) => !s.closing);
  const served = new Map<bigint, ClientConnection>();
  for (const conn of core.connections.values()) if (conn.ready) served.set(conn.sessionId, conn);
  const sessionBuckets = sessions.map((s) => ({
    at: core.sessionDeadline(s.id) ?? sessionDeadline(s, served.get(s.id), now, core.config.tickTime),
    line: `0x${hex64(s.id)}`,
  }));

  let ephemerals = '';
  const bySession = core.tree.ephemeralsBySession();
  for (const [session, paths] of bySession) {
    ephemerals += `0x${hex64(session)}:\n`;
    for (const path of paths) ephemerals += `\t${path}\n`;
  }

  const connections = [...core.connections.values()].map((conn) => ({
    at: roundUp(lastActivity(conn) + connectionTimeout(conn), CONNECTION_EXPIRY_INTERVAL),
    line: `ip: ${javaSocketAddress(conn.ip, conn.port)} sessionId: 0x${hex64(conn.sessionId)}`,
  }));
  if (context.client) {
    connections.push({
      at: roundUp(now + CONNECTION_EXPIRY_INTERVAL, CONNECTION_EXPIRY_INTERVAL),
      line: `ip: ${javaSocketAddress(context.client.ip, context.client.port)} sessionId: 0x0`,
    });
  }

  return (
    'SessionTracker dump:\n' +
    `Session ${expiryQueue(sessionBuckets)}` +
    'ephemeral nodes dump:\n' +
    `Sessions with Ephemerals (${bySession.size}):\n` +
    ephemerals +
    'Connections dump:\n' +
    `Connections ${expiryQueue(connections)}`
  );
}

/**
 * ZooKeeper's ExpiryQueue dump: `Sets (buckets)/(elements):`, then per expiry time, earliest
 * first, `<count> expire at <date>:` and the elements indented by a tab.
 */
function expiryQueue(elements: readonly { at: number; line: string }[]): string {
  const buckets = new Map<number, string[]>();
  for (const { at, line } of elements) {
    const bucket = buckets.get(at);
    if (bucket) bucket.push(line);
    else buckets.set(at, [line]);
  }
  let out = `Sets (${buckets.size})/(${elements.length}):\n`;
  for (const at of [...buckets.keys()].sort((a, b) => a - b)) {
    const lines = buckets.get(at) ?? [];
    out += `${lines.length} expire at ${javaDate(at)}:\n`;
    for (const line of lines) out += `\t${line}\n`;
  }
  return out;
}

/**
 * When `session` expires unless touched, rounded up to a tick as the core's expirer does.
 * Fallback for a session the expirer does not track (closing): estimated from its connection
 * (its last answered request restarted the deadline), or bounded by a full timeout from now.
 */
function sessionDeadline(
  session: SessionRecord,
  conn: ClientConnection | undefined,
  now: number,
  tickTime: number,
): number {
  return roundUp((conn ? lastActivity(conn) : now) + session.timeout, tickTime);
}

/** When the connection last did something: its last answered request, or its opening. */
function lastActivity(conn: ClientConnection): number {
  return Math.max(conn.stats.lastResponse, conn.stats.established);
}

function connectionTimeout(conn: ClientConnection): number {
  return conn.timeout > 0 ? conn.timeout : CONNECTION_EXPIRY_INTERVAL;
}

/** The next multiple of `interval` strictly after `time` (ZooKeeper's roundToNextInterval). */
function roundUp(time: number, interval: number): number {
  return (Math.floor(time / interval) + 1) * interval;
}
