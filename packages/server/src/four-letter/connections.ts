import type { ClientConnection } from '../core/connection-state.js';
import type { FourLetterContext } from './answer.js';
import { hex64, javaSocketAddress } from './java-format.js';

/**
 * One connection as ZooKeeper's `ServerCnxn.dumpConnectionInfo` prints it (no newline):
 * ` /ip:port[1](queued=0,recved=5,sent=5)`, and unless `brief`, for a connection with a session,
 * `,sid=0x..,lop=..,est=..,to=..,lcxid=0x..,lzxid=0x..,lresp=..,llat=..,minlat=..,avglat=..,maxlat=..`
 * before the closing parenthesis.
 */
export function connectionInfo(conn: ClientConnection, brief: boolean): string {
  const s = conn.stats;
  // interestOps: a served connection always waits for reads (OP_READ = 1).
  let line = ` ${javaSocketAddress(conn.ip, conn.port)}[1](queued=${conn.queue.length},recved=${s.received},sent=${s.sent}`;
  if (!brief && conn.sessionId !== 0n) {
    line +=
      `,sid=0x${hex64(conn.sessionId)},lop=${s.lastOp},est=${s.established},to=${conn.timeout}` +
      (s.lastCxid >= 0 ? `,lcxid=0x${s.lastCxid.toString(16)}` : '') +
      `,lzxid=0x${hex64(s.lastZxid)},lresp=${s.lastResponse},llat=${s.lastLatency}` +
      `,minlat=${Number.isFinite(s.minLatency) ? s.minLatency : 0},avglat=${s.answered === 0 ? 0 : Math.floor(s.totalLatency / s.answered)}` +
      `,maxlat=${s.maxLatency}`;
  }
  return `${line})`;
}

/**
 * Every connection's info line, the asking connection first: it has sent its word (one packet)
 * and nothing else, and is no longer polled for reads (interestOps 0).
 */
export function connectionInfoLines(context: FourLetterContext, brief: boolean): string[] {
  const lines = [...context.core.connections.values()].map((conn) => connectionInfo(conn, brief));
  const { client } = context;
  if (client) lines.unshift(` ${javaSocketAddress(client.ip, client.port)}[0](queued=0,recved=1,sent=0)`);
  return lines;
}

/** Open connections, the asking one included when known (srvr `Connections`, mntr `zk_num_alive_connections`). */
export function connectionCount(context: FourLetterContext): number {
  return context.core.connections.size + (context.client ? 1 : 0);
}

/** `cons`: every connection in full, one per line, then a blank line. */
export function cons(context: FourLetterContext): string {
  return connectionInfoLines(context, false)
    .map((line) => `${line}\n`)
    .concat('\n')
    .join('');
}

/** `crst`: resets every connection's counters (as ZooKeeper's `resetStats`; `est` stays). */
export function resetConnectionStats(context: FourLetterContext): string {
  const { core } = context;
  for (const conn of core.connections.values()) core.stats.resetConnection(conn);
  return 'Connection stats reset.\n';
}
