import { randomBytes } from 'node:crypto';
import {
  AuthPacket,
  ConnectRequest,
  ConnectResponse,
  DeleteContainerRequest,
  ErrorCode,
  encode,
  encodeRecordFrame,
  encodeReplyFrame,
  JuteReader,
  KeeperState,
  OpCode,
  PROTOCOL_VERSION,
  RequestHeader,
  WatcherEvent,
  Xid,
} from '@zookit/protocol';
import { checkACL, digestId } from './acl.js';
import { type Applied, applyEntry } from './apply-entry.js';
import { type ClientConnection, newConnection, type Slot } from './connection-state.js';
import { DataTree } from './data-tree.js';
import { CreateSessionBody, type LogEntry } from './log-entry.js';
import { isRead, isWrite } from './op-kinds.js';
import { opAbbreviation } from './op-names.js';
import { type Reader, runRead } from './read-ops.js';
import { dueForReaping } from './reaper.js';
import { ServerStats } from './server-stats.js';
import { SessionExpirer, SessionIdGenerator, type SessionRecord } from './sessions.js';
import { type CoreSnapshot, restoreSnapshot } from './snapshot.js';
import { WatchTable } from './watch-table.js';

/** Where the core's outputs go. The adapter performs them; the core never does I/O. */
export interface CoreOutput {
  /** Writes one frame (length prefix included) to a connection. */
  send(connection: number, frame: Buffer): void;
  /** Closes a connection (after the frames already sent). */
  close(connection: number): void;
  /** Stores an entry; the adapter calls {@link ServerCore.durable} once it is durable, in zxid order. */
  persist(entry: LogEntry): void;
}

/** Settings of the core; times in ms. */
export interface CoreConfig {
  readonly tickTime: number;
  readonly minSessionTimeout: number;
  readonly maxSessionTimeout: number;
  readonly extendedTypes: boolean;
  /** `super:<digest>` identity granted to clients whose digest auth matches (zookeeper.DigestAuthenticationProvider.superDigest). */
  readonly superDigest?: string | undefined;
  readonly serverId: number;
  /** How often empty containers and expired TTL nodes are looked for. */
  readonly reapIntervalMs: number;
}

type Origin = { connection: number; slot: Slot } | { connection: number; connect: { oldClient: boolean } };

/**
 * The server as a deterministic state machine, driven by inputs (connections opened and closed,
 * frames received, clock ticks, entries made durable) and producing outputs through
 * {@link CoreOutput}. Time comes from the inputs. Every write goes through one path: validate
 * the frame → assign a zxid → persist → (durable) apply → reply; replication will sit between
 * persist and apply.
 */
export class ServerCore {
  readonly tree = new DataTree();
  readonly sessions = new Map<bigint, SessionRecord>();
  readonly watches = new WatchTable();
  readonly connections = new Map<number, ClientConnection>();
  /** Server-wide counters for srvr/stat/mntr (reset by srst). */
  readonly stats = new ServerStats();
  readonly config: CoreConfig;
  readonly #out: CoreOutput;
  readonly #expirer: SessionExpirer;
  readonly #ids: SessionIdGenerator;
  readonly #pending: LogEntry[] = [];
  readonly #origins = new Map<bigint, Origin>();
  readonly #reaping = new Set<string>();
  #lastZxid = 0n;
  #lastApplied = 0n;
  #durable = 0n;
  #applying = false;
  #nextReap = 0;

  constructor(config: CoreConfig, output: CoreOutput, now: number) {
    this.config = config;
    this.#out = output;
    this.#expirer = new SessionExpirer(config.tickTime);
    this.#ids = new SessionIdGenerator(config.serverId, now);
  }

  /** When session `id` expires (ms, tick-rounded), if this server tracks it. */
  sessionDeadline(id: bigint): number | undefined {
    return this.#expirer.deadlineOf(id);
  }

  /** Zxid of the last applied entry (what reads reflect). */
  get lastZxid(): bigint {
    return this.#lastApplied;
  }

  /**
   * Restores what storage kept: a snapshot (if any), then the entries after it, applied without
   * outputs. Sessions get fresh deadlines from `now` (as after a ZooKeeper restart or leader change).
   */
  recover(snapshot: CoreSnapshot | undefined, entries: Iterable<LogEntry>, now: number): void {
    if (snapshot) {
      restoreSnapshot(this, snapshot);
      this.#lastZxid = this.#lastApplied = this.#durable = snapshot.lastZxid;
    }
    for (const entry of entries) {
      if (entry.zxid <= this.#lastApplied) continue;
      applyEntry(this, entry);
      this.#lastZxid = this.#lastApplied = this.#durable = entry.zxid;
    }
    for (const s of this.sessions.values()) this.#expirer.touch(s.id, s.timeout, now);
  }

  get extendedTypes(): boolean {
    return this.config.extendedTypes;
  }

  /** A transport connection opened (before any frame). */
  open(connection: number, ip: string, port: number, now: number): void {
    this.connections.set(connection, newConnection(connection, ip, port, now));
  }

  /** A transport connection closed (by either side). Its watches go; its session stays until it expires. */
  closed(connection: number): void {
    if (!this.connections.delete(connection)) return;
    this.watches.removeConnection(connection);
  }

  /** One frame (payload without the length prefix) from a connection. */
  receive(connection: number, payload: Buffer, now: number): void {
    const conn = this.connections.get(connection);
    if (!conn) return;
    conn.stats.received++;
    this.stats.packetsReceived++;
    if (!conn.greeted) {
      conn.greeted = true;
      this.#handshake(conn, payload, now);
      return;
    }
    if (!conn.ready) {
      conn.early.push(payload);
      return;
    }
    this.#request(conn, payload, now);
  }

  /** Clock input: expires sessions and reaps containers and TTL nodes. */
  tick(now: number): void {
    for (const id of this.#expirer.expired(now)) this.#closeSession(id, now, 0, undefined);
    if (now >= this.#nextReap) {
      this.#nextReap = now + this.config.reapIntervalMs;
      this.#reap(now);
    }
  }

  /** Storage input: every entry up to `zxid` is durable at `now`; apply them in order. */
  durable(zxid: bigint, now: number): void {
    if (zxid > this.#durable) this.#durable = zxid;
    if (this.#applying) return;
    this.#applying = true;
    try {
      while (this.#pending.length > 0 && (this.#pending[0] as LogEntry).zxid <= this.#durable) {
        this.#apply(this.#pending.shift() as LogEntry, now);
      }
    } finally {
      this.#applying = false;
    }
  }

  #append(
    type: number,
    sessionId: bigint,
    cxid: number,
    body: Uint8Array | null,
    ids: LogEntry['ids'],
    now: number,
    origin?: Origin,
  ): void {
    const entry: LogEntry = {
      zxid: ++this.#lastZxid,
      time: BigInt(Math.floor(now)),
      sessionId,
      cxid,
      type,
      body,
      ids: [...ids],
    };
    this.#pending.push(entry);
    if (origin) this.#origins.set(entry.zxid, origin);
    this.#out.persist(entry);
  }

  #handshake(conn: ClientConnection, payload: Buffer, now: number): void {
    let request: ConnectRequest;
    try {
      // Bytes after the record (past the readOnly byte) are ignored, as ZooKeeper ignores them.
      request = ConnectRequest.decode(new JuteReader(payload));
    } catch {
      this.#out.close(conn.id);
      return;
    }
    conn.oldClient = request.readOnly === undefined;
    if (request.lastZxidSeen > this.#lastApplied) {
      // The client has seen more than this server: it must find a server that is not behind.
      this.#out.close(conn.id);
      return;
    }
    const { minSessionTimeout: min, maxSessionTimeout: max } = this.config;
    const timeout = Math.min(Math.max(request.timeOut, min), max);
    if (request.sessionId === 0n) {
      const id = this.#ids.next();
      const body = encode(CreateSessionBody, { timeOut: timeout, passwd: randomBytes(16) });
      conn.sessionId = id;
      conn.timeout = timeout;
      this.#append(OpCode.createSession, id, 0, body, [], now, {
        connection: conn.id,
        connect: { oldClient: conn.oldClient },
      });
      return;
    }
    const session = this.sessions.get(request.sessionId);
    const passwd = request.passwd ?? new Uint8Array(0);
    if (!session || session.closing || !Buffer.from(session.password).equals(Buffer.from(passwd))) {
      this.#sendConnectResponse(conn, 0, 0n, new Uint8Array(16));
      this.#out.close(conn.id);
      return;
    }
    for (const other of this.connections.values()) {
      if (other !== conn && other.sessionId === session.id) this.#out.close(other.id);
    }
    session.timeout = timeout;
    this.#expirer.touch(session.id, timeout, now);
    this.#bind(conn, session, timeout, now);
  }

  #bind(conn: ClientConnection, session: SessionRecord, timeout: number, now: number): void {
    conn.sessionId = session.id;
    conn.timeout = timeout;
    this.#sendConnectResponse(conn, timeout, session.id, session.password);
    conn.ready = true;
    for (const frame of conn.early.splice(0)) this.#request(conn, frame, now);
  }

  #sendConnectResponse(conn: ClientConnection, timeOut: number, sessionId: bigint, passwd: Uint8Array): void {
    const response: ConnectResponse = { protocolVersion: PROTOCOL_VERSION, timeOut, sessionId, passwd };
    if (!conn.oldClient) response.readOnly = false;
    this.#send(conn, encodeRecordFrame(ConnectResponse, response));
  }

  #send(conn: ClientConnection, frame: Buffer): void {
    conn.stats.sent++;
    this.stats.packetsSent++;
    this.#out.send(conn.id, frame);
  }

  #request(conn: ClientConnection, payload: Buffer, now: number): void {
    const reader = new JuteReader(payload);
    let header: RequestHeader;
    try {
      header = RequestHeader.decode(reader);
    } catch {
      this.#out.close(conn.id);
      return;
    }
    const session = this.sessions.get(conn.sessionId);
    if (session) this.#expirer.touch(session.id, conn.timeout, now);
    conn.stats.lastOp = opAbbreviation(header.type);
    if (header.xid >= 0) conn.stats.lastCxid = header.xid;
    const body = payload.subarray(reader.offset);
    if (header.type === OpCode.auth) {
      this.#auth(conn, header.xid, body);
      return;
    }
    if (header.type === OpCode.ping || header.type === OpCode.sasl) {
      // sasl: SASL is not supported; the client gets AuthFailed, as from a server without it.
      // A ping is answered on xid -2 whatever xid it carried, as ZooKeeper does.
      const err = header.type === OpCode.ping ? 0 : ErrorCode.AuthFailed;
      const xid = header.type === OpCode.ping ? Xid.PING : header.xid;
      this.#enqueue(conn, { xid, type: header.type, arrived: now, run: () => this.#reply(xid, err) }, now);
      return;
    }
    if (header.type === OpCode.closeSession) {
      const slot: Slot = { xid: header.xid, type: header.type, arrived: now, closeAfter: true };
      this.#enqueue(conn, slot, now);
      this.#closeSession(conn.sessionId, now, header.xid, { connection: conn.id, slot });
      return;
    }
    if (isWrite(header.type)) {
      const slot: Slot = { xid: header.xid, type: header.type, arrived: now };
      this.#enqueue(conn, slot, now);
      this.#append(header.type, conn.sessionId, header.xid, Buffer.from(body), conn.ids, now, {
        connection: conn.id,
        slot,
      });
      return;
    }
    const reader2: Reader = { connection: conn.id, sessionId: conn.sessionId, ids: conn.ids };
    const probe = isRead(header.type);
    if (!probe) {
      // Unknown op, a client-sent notification/createSession, or check outside a multi:
      // ZooKeeper answers Unimplemented and drops the connection (not the session).
      const frame = this.#reply(header.xid, ErrorCode.Unimplemented, -1n);
      this.#enqueue(conn, { xid: header.xid, type: header.type, arrived: now, frame, closeAfter: true }, now);
      return;
    }
    this.#enqueue(
      conn,
      {
        xid: header.xid,
        type: header.type,
        arrived: now,
        run: () => {
          const result = runRead(this.#readState(), reader2, header.type, new JuteReader(body)) ?? {
            err: ErrorCode.Unimplemented,
          };
          if (result.err !== 0 || !('codec' in result) || result.codec === null)
            return this.#reply(header.xid, result.err);
          return encodeReplyFrame({ xid: header.xid, zxid: this.#lastApplied, err: 0 }, result.codec, result.body);
        },
      },
      now,
    );
  }

  #readState() {
    return {
      tree: this.tree,
      watches: this.watches,
      notify: (connection: number, type: number, path: string) =>
        this.#notify(connection, type, path, this.#lastApplied),
    };
  }

  #reply(xid: number, err: number, zxid = this.#lastApplied): Buffer {
    return encodeReplyFrame({ xid, zxid, err });
  }

  /**
   * Auth is answered at once, out of band, on the request's own xid (clients use -4), and
   * applies to every later request.
   */
  #auth(conn: ClientConnection, xid: number, body: Buffer): void {
    let packet: AuthPacket;
    try {
      packet = AuthPacket.decode(new JuteReader(body));
    } catch {
      this.#send(conn, this.#reply(xid, ErrorCode.MarshallingError, 0n));
      return;
    }
    if (packet.scheme !== 'digest') {
      this.#send(conn, this.#reply(xid, ErrorCode.AuthFailed, 0n));
      this.#out.close(conn.id);
      return;
    }
    const id = digestId(Buffer.from(packet.auth ?? new Uint8Array(0)).toString('utf8'));
    if (!conn.ids.some((i) => i.scheme === 'digest' && i.id === id)) conn.ids.push({ scheme: 'digest', id });
    if (
      this.config.superDigest !== undefined &&
      id === this.config.superDigest &&
      !conn.ids.some((i) => i.scheme === 'super')
    ) {
      conn.ids.push({ scheme: 'super', id: '' });
    }
    this.#send(conn, this.#reply(xid, 0, 0n));
  }

  #enqueue(conn: ClientConnection, slot: Slot, now: number): void {
    conn.queue.push(slot);
    this.#flush(conn, now);
  }

  /** Sends every answered reply at the head of the queue, running reads as they reach it. */
  #flush(conn: ClientConnection, now: number): void {
    while (conn.queue.length > 0) {
      const head = conn.queue[0] as Slot;
      if (head.frame === undefined && head.run) head.frame = head.run();
      if (head.frame === undefined) return;
      conn.queue.shift();
      this.stats.answered(conn, Math.max(0, now - head.arrived), now);
      conn.stats.lastZxid = head.frame.length >= 16 ? head.frame.readBigInt64BE(8) : conn.stats.lastZxid;
      this.#send(conn, head.frame);
      if (head.closeAfter) {
        this.#out.close(conn.id);
        return;
      }
    }
  }

  #closeSession(sessionId: bigint, now: number, cxid: number, origin: Origin | undefined): void {
    const session = this.sessions.get(sessionId);
    if (!session || session.closing) {
      if (origin && 'slot' in origin) {
        origin.slot.frame = this.#reply(origin.slot.xid, 0);
        const conn = this.connections.get(origin.connection);
        if (conn) this.#flush(conn, now);
      }
      return;
    }
    session.closing = true;
    this.#expirer.forget(sessionId);
    this.#append(OpCode.closeSession, sessionId, cxid, null, [], now, origin);
  }

  #apply(entry: LogEntry, now: number): void {
    const result = applyEntry(this, entry);
    this.#lastApplied = entry.zxid;
    const origin = this.#origins.get(entry.zxid);
    this.#origins.delete(entry.zxid);
    if (entry.type === OpCode.deleteContainer && entry.sessionId === 0n) {
      // Only the reaper's own entries (session 0) are tracked; their bodies are well formed.
      this.#reaping.delete(DeleteContainerRequest.decode(new JuteReader(entry.body ?? new Uint8Array(0))).path);
    }
    this.#fire(result, entry.zxid);
    if (result.createdSession) this.#sessionCreated(result.createdSession, origin, Number(entry.time));
    if (result.closedSession !== undefined) {
      for (const conn of this.connections.values()) {
        // Expiry (no origin) drops every connection of the session; an explicit close drops the
        // others now and its own after the reply.
        if (conn.sessionId === result.closedSession && (!origin || conn.id !== origin.connection))
          this.#out.close(conn.id);
      }
    }
    if (origin && 'slot' in origin) {
      const conn = this.connections.get(origin.connection);
      origin.slot.frame = encodeReplyFrame(
        { xid: origin.slot.xid, zxid: entry.zxid, err: result.err },
        result.err === 0 && result.codec ? result.codec : undefined,
        result.body,
      );
      if (conn) {
        conn.stats.lastZxid = entry.zxid;
        this.#flush(conn, now);
      }
    }
  }

  #sessionCreated(session: SessionRecord, origin: Origin | undefined, now: number): void {
    this.#expirer.touch(session.id, session.timeout, now);
    const conn = origin ? this.connections.get(origin.connection) : undefined;
    if (conn && conn.sessionId === session.id) this.#bind(conn, session, session.timeout, now);
  }

  #fire(result: Applied, zxid: bigint): void {
    if (result.triggers.length === 0) return;
    const notifications = this.watches.fire(result.triggers, (connection, trigger) => {
      const conn = this.connections.get(connection);
      return conn !== undefined && checkACL(trigger.acl, 1, conn.ids);
    });
    for (const n of notifications) this.#notify(n.connection, n.type, n.path, zxid);
  }

  #notify(connection: number, type: number, path: string, zxid: bigint): void {
    const conn = this.connections.get(connection);
    if (!conn) return;
    const frame = encodeReplyFrame({ xid: Xid.NOTIFICATION, zxid, err: 0 }, WatcherEvent, {
      type,
      state: KeeperState.SyncConnected,
      path,
    });
    this.#send(conn, frame);
  }

  /** Looks for empty containers (that had children) and expired TTL nodes, and deletes them as session 0. */
  #reap(now: number): void {
    for (const path of dueForReaping(this.tree, now)) {
      if (this.#reaping.has(path)) continue;
      this.#reaping.add(path);
      this.#append(OpCode.deleteContainer, 0n, 0, encode(DeleteContainerRequest, { path }), [], now);
    }
  }
}
