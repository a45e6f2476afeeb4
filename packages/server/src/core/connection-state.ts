import type { Id } from '@zookit/protocol';

/** A reply slot: requests of one connection are answered in arrival order. */
export interface Slot {
  readonly xid: number;
  readonly type: number;
  /** When the request arrived (ms), for latency statistics. */
  readonly arrived: number;
  /** A read runs when it reaches the head (after this connection's earlier writes applied). */
  readonly run?: () => Buffer;
  /** A write's reply, filled when its entry is applied. */
  frame?: Buffer;
  /** Close the connection after sending this reply (closeSession). */
  closeAfter?: boolean;
}

/** Counters of one connection, for cons/stat. */
export interface ConnectionStats {
  received: number;
  sent: number;
  readonly established: number;
  lastOp: string;
  lastCxid: number;
  lastZxid: bigint;
  lastResponse: number;
  lastLatency: number;
  minLatency: number;
  maxLatency: number;
  totalLatency: number;
  answered: number;
}

/** What the core knows about one client connection. */
export interface ClientConnection {
  readonly id: number;
  readonly ip: string;
  readonly port: number;
  sessionId: bigint;
  timeout: number;
  /** Identities: always `ip:<address>`, plus digest/super after auth. */
  readonly ids: Id[];
  /** The first frame (the ConnectRequest) has been received. */
  greeted: boolean;
  /** Handshake done (ConnectResponse sent). */
  ready: boolean;
  /** The client omitted the readOnly byte (old client): replies must omit it too. */
  oldClient: boolean;
  readonly queue: Slot[];
  /** Frames received before the handshake finished. */
  readonly early: Buffer[];
  readonly stats: ConnectionStats;
}

export function newConnection(id: number, ip: string, port: number, now: number): ClientConnection {
  return {
    id,
    ip,
    port,
    sessionId: 0n,
    timeout: 0,
    ids: [{ scheme: 'ip', id: ip }],
    greeted: false,
    ready: false,
    oldClient: false,
    queue: [],
    early: [],
    stats: {
      received: 0,
      sent: 0,
      established: now,
      lastOp: 'NA',
      lastCxid: -1,
      lastZxid: -1n,
      lastResponse: now,
      lastLatency: 0,
      minLatency: Number.POSITIVE_INFINITY,
      maxLatency: 0,
      totalLatency: 0,
      answered: 0,
    },
  };
}
