import { randomBytes } from 'node:crypto';
import { ErrorCode, encode, JuteReader, OpCode, RequestHeader, SyncRequest, SyncResponse, Xid } from '@zookit/protocol';
import { checkACL } from './acl.js';
import { type Applied, applyEntry } from './apply-entry.js';
import { authenticate } from './authenticate.js';
import { type ClientConnection, newConnection, type Slot } from './connection-state.js';
import { DataTree } from './data-tree.js';
import { connectResponseFrame, decideHandshake } from './handshake.js';
import { CreateSessionBody, type LogEntry } from './log-entry.js';
import { isRead, isWrite } from './op-kinds.js';
import { opAbbreviation } from './op-names.js';
import type { EntryDraft } from './pending-log.js';
import { type Reader, runRead } from './read-ops.js';
import { Reaper } from './reaper.js';
import { notificationFrame, replyFrame } from './reply-frames.js';
import { ReplyQueue } from './reply-queue.js';
import { ServerStats } from './server-stats.js';
import { SessionTracker } from './session-tracker.js';
import { SessionIdGenerator, type SessionRecord } from './sessions.js';
import { type CoreSnapshot, restoreSnapshot } from './snapshot.js';
import { Waiters } from './waiters.js';
import { WatchTable } from './watch-table.js';

/** Where the core's outputs go. The adapter performs them; the core never does I/O. */
export interface CoreOutput {
  /** Writes one frame (length prefix included) to a connection. */
  send(connection: number, frame: Buffer): void;
  /** Closes a connection (after the frames already sent). */
  close(connection: number): void;
  /**
   * Orders a validated write: the sequencer gives `draft` a zxid and a time, makes it durable (and,
   * in an ensemble, committed), and hands the entry back through {@link ServerCore.commit} with the
   * same `token`, in zxid order, on this server (`token` is undefined when nobody waits for the
   * outcome). `now` is the time of the input that caused it.
   */
  submit(draft: EntryDraft, token: number | undefined, now: number): void;
  /**
   * Optional: `sync` as a read index. The adapter calls {@link ServerCore.synced} with `token` once
   * this server has applied every write committed before the call. Absent (standalone: every
   * committed write is applied here at once), a sync is answered in its connection's order.
   */
  sync?(token: number): void;
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

/** Who waits for an entry's outcome: a request's reply slot, or a connection's handshake (createSession). */
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
  readonly #replies: ReplyQueue;
  /** Who waits for each submitted write, and for each sync's read index. */
  readonly #origins = new Waiters<Origin>();
  readonly #syncs = new Waiters<{ connection: number; slot: Slot; path: string }>();
  readonly #reaper: Reaper;
  readonly #tracker: SessionTracker;
  readonly #ids: SessionIdGenerator;
  #lastApplied = 0n;

  constructor(config: CoreConfig, output: CoreOutput, now: number) {
    this.config = config;
    this.#out = output;
    this.#replies = new ReplyQueue(output, this.stats);
    this.#reaper = new Reaper(config.reapIntervalMs);
    this.#tracker = new SessionTracker(config.tickTime);
    this.#ids = new SessionIdGenerator(config.serverId, now);
  }

  /** When session `id` expires (ms, tick-rounded), if this server tracks it. */
  sessionDeadline(id: bigint): number | undefined {
    return this.#tracker.deadlineOf(id);
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
      this.#lastApplied = snapshot.lastZxid;
    }
    for (const entry of entries) {
      if (entry.zxid <= this.#lastApplied) continue;
      applyEntry(this, entry);
      this.#lastApplied = entry.zxid;
    }
    this.#tracker.setRole(this.#tracker.leading, this.sessions.values(), now);
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

  /** Clock input: the leader (or a standalone server) expires sessions and reaps containers and TTL nodes. */
  tick(now: number): void {
    for (const id of this.#tracker.expired(now)) this.#closeSession(id, now, 0, undefined);
    if (!this.#tracker.leading) return;
    for (const draft of this.#reaper.due(this.tree, now)) this.#submit(draft, undefined, now);
  }

  /** Whether this server decides session expiry and reaping (a standalone server always does). */
  get leading(): boolean {
    return this.#tracker.leading;
  }

  /**
   * This server became the leader, its log applied: it decides expiry and reaping from now on.
   * Every session's deadline restarts at `now` (the old leader's deadlines died with it, as in
   * ZooKeeper), and sessions marked closing whose close never committed are live again.
   */
  lead(now: number): void {
    this.#tracker.setRole(true, this.sessions.values(), now);
  }

  /** This server follows (or has no leader): expiry and reaping are the leader's. */
  follow(now: number): void {
    this.#tracker.setRole(false, this.sessions.values(), now);
  }

  /** Session ids with requests since the last call; a follower sends them to its leader. */
  takeTouched(): bigint[] {
    return this.#tracker.takeTouched();
  }

  /** The leader heard from sessions connected to another server: their deadlines restart at `now`. */
  touchSessions(ids: Iterable<bigint>, now: number): void {
    for (const id of ids) {
      const session = this.sessions.get(id);
      if (session && !session.closing) this.#tracker.touch(id, session.timeout, now);
    }
  }

  /**
   * Closes every client connection (their sessions live on) and forgets the writes and syncs
   * they wait for: a server that lost its leader sheds its clients so they fail over. A write
   * already submitted may still commit; nobody is told here.
   */
  dropClients(): void {
    for (const id of [...this.connections.keys()]) this.#out.close(id);
    this.#origins.clear();
    this.#syncs.clear();
  }

  /**
   * Testing knob, bundled server only (ZooKeeper has no way to set it): makes `next` the
   * counter of the next sequential child created under `path` (its stored cversion), so tests
   * can reach the counter's wrap past 2^31 - 1 without 2^31 creates. Takes effect on the applied
   * state at once, so it also names the children of creates already logged but not yet applied.
   * Not logged and not replicated: a server recovering from its log replays the creates with the
   * counter the log implies (a snapshot taken after the call keeps it). Clients see the change
   * in the node's Stat.cversion (2 × counter − numChildren, as a 32-bit int).
   */
  setNextSequence(path: string, next: number): void {
    if (!Number.isInteger(next) || next < -0x8000_0000 || next > 0x7fff_ffff) {
      throw new RangeError(`next: expected a 32-bit integer, got ${String(next)}`);
    }
    const node = this.tree.get(path);
    if (!node) throw new RangeError(`path: no node ${path}`);
    node.cversion = next;
  }

  /**
   * Sequencer input: `entry` is committed; apply it (entries come in zxid order). `token` is the
   * one {@link CoreOutput.submit} was given when this server submitted the entry; undefined for
   * entries submitted elsewhere (or by nobody waiting).
   */
  commit(entry: LogEntry, token: number | undefined, now: number): void {
    this.#apply(entry, this.#origins.take(token), now);
  }

  /** Read-index input: every write committed before {@link CoreOutput.sync} was called with `token` is applied. */
  synced(token: number, now: number): void {
    const sync = this.#syncs.take(token);
    if (!sync) return;
    const frame = replyFrame(sync.slot.xid, this.#lastApplied, {
      err: 0,
      codec: SyncResponse,
      body: { path: sync.path },
    });
    this.#replies.answer(this.connections.get(sync.connection), sync.slot, frame, now);
  }

  #submit(draft: EntryDraft, origin: Origin | undefined, now: number): void {
    this.#out.submit(draft, origin ? this.#origins.add(origin) : undefined, now);
  }

  #handshake(conn: ClientConnection, payload: Buffer, now: number): void {
    const decision = decideHandshake(payload, this.#lastApplied, this.sessions, this.config);
    if (decision.kind === 'refuse') {
      this.#out.close(conn.id);
      return;
    }
    conn.oldClient = decision.oldClient;
    if (decision.kind === 'expired') {
      this.#replies.send(conn, decision.frame);
      this.#out.close(conn.id);
      return;
    }
    if (decision.kind === 'create') {
      const id = this.#ids.next();
      const body = encode(CreateSessionBody, { timeOut: decision.timeout, passwd: randomBytes(16) });
      conn.sessionId = id;
      conn.timeout = decision.timeout;
      const origin = { connection: conn.id, connect: { oldClient: conn.oldClient } };
      this.#submit({ type: OpCode.createSession, sessionId: id, cxid: 0, body, ids: [] }, origin, now);
      return;
    }
    const { session, timeout } = decision;
    for (const other of this.connections.values()) {
      if (other !== conn && other.sessionId === session.id) this.#out.close(other.id);
    }
    session.timeout = timeout;
    this.#tracker.touch(session.id, timeout, now);
    this.#bind(conn, session, timeout, now);
  }

  #bind(conn: ClientConnection, session: SessionRecord, timeout: number, now: number): void {
    conn.sessionId = session.id;
    conn.timeout = timeout;
    this.#replies.send(conn, connectResponseFrame(conn.oldClient, timeout, session.id, session.password));
    conn.ready = true;
    for (const frame of conn.early.splice(0)) this.#request(conn, frame, now);
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
    if (session) {
      this.#tracker.touch(session.id, conn.timeout, now);
    }
    conn.stats.lastOp = opAbbreviation(header.type);
    if (header.xid >= 0) conn.stats.lastCxid = header.xid;
    const body = payload.subarray(reader.offset);
    if (header.type === OpCode.auth) {
      // Answered at once, out of band, on the request's own xid (clients use -4); it applies to
      // every later request.
      const err = authenticate(conn.ids, body, this.config.superDigest);
      this.#replies.send(conn, this.#reply(header.xid, err, 0n));
      if (err === ErrorCode.AuthFailed) this.#out.close(conn.id);
      return;
    }
    if (header.type === OpCode.ping || header.type === OpCode.sasl) {
      // sasl: SASL is not supported; the client gets AuthFailed, as from a server without it.
      // A ping is answered on xid -2 whatever xid it carried, as ZooKeeper does.
      const err = header.type === OpCode.ping ? 0 : ErrorCode.AuthFailed;
      const xid = header.type === OpCode.ping ? Xid.PING : header.xid;
      this.#replies.enqueue(conn, { xid, type: header.type, arrived: now, run: () => this.#reply(xid, err) }, now);
      return;
    }
    if (header.type === OpCode.closeSession) {
      const slot: Slot = { xid: header.xid, type: header.type, arrived: now, closeAfter: true };
      this.#replies.enqueue(conn, slot, now);
      this.#closeSession(conn.sessionId, now, header.xid, { connection: conn.id, slot });
      return;
    }
    if (isWrite(header.type)) {
      const slot: Slot = { xid: header.xid, type: header.type, arrived: now };
      this.#replies.enqueue(conn, slot, now);
      const draft = { type: header.type, sessionId: conn.sessionId, cxid: header.xid, body: Buffer.from(body) };
      this.#submit({ ...draft, ids: conn.ids }, { connection: conn.id, slot }, now);
      return;
    }
    if (!isRead(header.type)) {
      // Unknown op, a client-sent notification/createSession, or check outside a multi:
      // ZooKeeper answers Unimplemented and drops the connection (not the session).
      const frame = this.#reply(header.xid, ErrorCode.Unimplemented, -1n);
      this.#replies.enqueue(conn, { xid: header.xid, type: header.type, arrived: now, frame, closeAfter: true }, now);
      return;
    }
    if (header.type === OpCode.sync && this.#out.sync && this.#deferSync(conn, header.xid, body, now)) return;
    const caller: Reader = { connection: conn.id, sessionId: conn.sessionId, ids: conn.ids };
    const run = (): Buffer => {
      const result = runRead(this.#readState(), caller, header.type, new JuteReader(body));
      return replyFrame(header.xid, this.#lastApplied, result ?? { err: ErrorCode.Unimplemented });
    };
    this.#replies.enqueue(conn, { xid: header.xid, type: header.type, arrived: now, run }, now);
  }

  /** Queues a sync until the read index is applied; false if its body does not decode (answered as a read). */
  #deferSync(conn: ClientConnection, xid: number, body: Buffer, now: number): boolean {
    let path: string;
    try {
      path = SyncRequest.decode(new JuteReader(body)).path;
    } catch {
      return false;
    }
    const slot: Slot = { xid, type: OpCode.sync, arrived: now };
    this.#replies.enqueue(conn, slot, now);
    this.#out.sync?.(this.#syncs.add({ connection: conn.id, slot, path }));
    return true;
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
    return replyFrame(xid, zxid, { err });
  }

  #closeSession(sessionId: bigint, now: number, cxid: number, origin: Origin | undefined): void {
    const session = this.sessions.get(sessionId);
    if (!session || session.closing) {
      if (origin && 'slot' in origin) {
        const conn = this.connections.get(origin.connection);
        this.#replies.answer(conn, origin.slot, this.#reply(origin.slot.xid, 0), now);
      }
      return;
    }
    session.closing = true;
    this.#tracker.forget(sessionId);
    this.#submit({ type: OpCode.closeSession, sessionId, cxid, body: null, ids: [] }, origin, now);
  }

  #apply(entry: LogEntry, origin: Origin | undefined, now: number): void {
    const result = applyEntry(this, entry);
    this.#lastApplied = entry.zxid;
    this.#reaper.applied(entry);
    if (result.closedSession !== undefined) this.#tracker.forget(result.closedSession);
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
      const frame = replyFrame(origin.slot.xid, entry.zxid, result);
      if (conn) conn.stats.lastZxid = entry.zxid;
      this.#replies.answer(conn, origin.slot, frame, now);
    }
  }

  #sessionCreated(session: SessionRecord, origin: Origin | undefined, now: number): void {
    this.#tracker.touch(session.id, session.timeout, now);
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
    this.#replies.send(conn, notificationFrame(type, path, zxid));
  }
}
