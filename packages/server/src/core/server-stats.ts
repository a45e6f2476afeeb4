import type { ClientConnection } from './connection-state.js';

/** Server-wide counters, as ZooKeeper's ServerStats (srvr, stat, mntr; reset by srst). */
export class ServerStats {
  packetsReceived = 0;
  packetsSent = 0;
  minLatency = Number.POSITIVE_INFINITY;
  maxLatency = 0;
  totalLatency = 0;
  requests = 0;

  /** Average request latency in ms (0 before any request). */
  get avgLatency(): number {
    return this.requests === 0 ? 0 : this.totalLatency / this.requests;
  }

  /** Records an answered request on `conn` that took `latency` ms. */
  answered(conn: ClientConnection, latency: number, now: number): void {
    this.requests++;
    this.totalLatency += latency;
    this.minLatency = Math.min(this.minLatency, latency);
    this.maxLatency = Math.max(this.maxLatency, latency);
    const s = conn.stats;
    s.answered++;
    s.totalLatency += latency;
    s.lastLatency = latency;
    s.minLatency = Math.min(s.minLatency, latency);
    s.maxLatency = Math.max(s.maxLatency, latency);
    s.lastResponse = now;
  }

  /** Zeroes `conn`'s counters (crst); its establishment time stays. */
  resetConnection(conn: ClientConnection): void {
    const s = conn.stats;
    s.received = 0;
    s.sent = 0;
    s.lastOp = 'NA';
    s.lastCxid = -1;
    s.lastZxid = -1n;
    s.lastResponse = 0;
    s.lastLatency = 0;
    s.minLatency = Number.POSITIVE_INFINITY;
    s.maxLatency = 0;
    s.totalLatency = 0;
    s.answered = 0;
  }

  /** Zeroes the server-wide counters (srst). */
  reset(): void {
    this.packetsReceived = 0;
    this.packetsSent = 0;
    this.minLatency = Number.POSITIVE_INFINITY;
    this.maxLatency = 0;
    this.totalLatency = 0;
    this.requests = 0;
  }
}
