import { performance } from 'node:perf_hooks';
import {
  AuthPacket,
  type ConnectResponse,
  encodeFrame,
  encodeRequestFrame,
  type JuteReader,
  OpCode,
  PROTOCOL_VERSION,
  type ReplyHeader,
  RequestHeader,
  type WatcherEvent,
  Xid,
} from '@zookit/protocol';
import type { HostAddress } from './connect-string.js';
import { stripChroot } from './connect-string.js';
import { Connection, type ConnectionHandler } from './connection.js';
import { type ConnectionStateEvent, StateEmitter } from './connection-state.js';
import { Deque } from './deque.js';
import { AuthFailedError, ConnectionLossError, SessionExpiredError } from './errors.js';
import type { AuthInfo, SessionOptions } from './options.js';
import type { Request } from './request.js';
import { resendWatches } from './watches/resend-watches.js';
import type { WatchEventType } from './watches/watch-event.js';
import { deliver, WatchRegistry, watchEventTypeOf } from './watches/watch-registry.js';

/** Thrown for requests made after (or pending at) `close()`. */
export class ClientClosedError extends Error {
  override readonly name = 'ClientClosedError';
}

interface Entry {
  readonly request: Request<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  readonly signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  done: boolean;
}

interface AuthWaiter {
  readonly info: AuthInfo;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * The session state machine: finds a server, keeps one connection, re-establishes it with the
 * same session id, password and last zxid, decides `suspended`/`lost`, queues requests while
 * disconnected, re-sends auth and watches on reconnect. Paths here are server paths (with chroot).
 */
export class Session {
  readonly watches = new WatchRegistry();
  readonly states: StateEmitter;
  readonly #options: SessionOptions;
  readonly #hosts: readonly HostAddress[];
  readonly #chroot: string | undefined;
  readonly #queue = new Deque<Entry>();
  readonly #authWaiters = new Deque<AuthWaiter>();
  readonly #auths: AuthInfo[];
  #sessionId = 0n;
  #passwd: Uint8Array = Buffer.alloc(16);
  #timeout: number;
  #lastZxid = 0n;
  #lastHeard = performance.now();
  #xid = 0;
  #nextHost = 0;
  #conn: Connection | undefined;
  #attempt: AbortController | undefined;
  #lostTimer: NodeJS.Timeout | undefined;
  #looping = false;
  #everConnected = false;
  #replacingLostSession = false;
  /** Set by close(): no new requests; the loop only runs to deliver closeSession. */
  #closeRequested = false;
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(hosts: readonly HostAddress[], chroot: string | undefined, options: SessionOptions) {
    this.#hosts = shuffle(hosts);
    this.#chroot = chroot;
    this.#options = options;
    this.#timeout = options.sessionTimeout;
    this.#auths = [...options.auth];
    if (options.session) {
      this.#sessionId = options.session.id;
      this.#passwd = Buffer.from(options.session.password);
    }
    this.states = new StateEmitter((err) => options.logger.error?.('state listener threw', { error: err }));
  }

  get sessionId(): bigint {
    return this.#sessionId;
  }

  get sessionPassword(): Uint8Array {
    return Buffer.from(this.#passwd);
  }

  /** The negotiated session timeout (the requested one before the first session). */
  get sessionTimeout(): number {
    return this.#timeout;
  }

  get lastZxid(): bigint {
    return this.#lastZxid;
  }

  /** `host:port` of the server of the current connection, if any. */
  get server(): string | undefined {
    return this.#conn?.open ? `${this.#conn.host}:${this.#conn.port}` : undefined;
  }

  get connected(): boolean {
    return this.#conn?.open === true;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Starts connecting; resolves once the first session is established. */
  start(signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const stop = this.states.on((e) => {
        if (e.state === 'suspended' || e.state === 'lost') return;
        stop();
        signal.removeEventListener('abort', onAbort);
        if (e.state === 'closed') reject(new ConnectionLossError({ message: `ConnectionLoss: ${e.reason}` }));
        else resolve();
      });
      const onAbort = () => {
        stop();
        void this.close();
        reject(signal.reason);
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      void this.#run();
    });
  }

  /** Sends `request` now if connected, else when the session is next connected. */
  submit<T>(request: Request<T>, signal?: AbortSignal): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.#closeRequested) return reject(new ClientClosedError('the client is closed'));
      if (signal?.aborted) return reject(signal.reason);
      const entry: Entry = {
        request,
        resolve: resolve as (v: unknown) => void,
        reject,
        signal,
        onAbort: undefined,
        done: false,
      };
      if (signal) {
        entry.onAbort = () => {
          // A request already written cannot be recalled: its reply is read and dropped.
          this.#queue.remove(entry);
          this.#finish(entry, signal.reason, true);
        };
        signal.addEventListener('abort', entry.onAbort, { once: true });
      }
      if (this.connected) this.#write(entry);
      else this.#queue.push(entry);
    });
  }

  /** Adds credentials now (if connected) and on every reconnection. */
  addAuth(info: AuthInfo): Promise<void> {
    if (this.#closeRequested) return Promise.reject(new ClientClosedError('the client is closed'));
    this.#auths.push(info);
    if (!this.connected) return Promise.resolve();
    return new Promise((resolve, reject) => this.#sendAuth(this.#conn as Connection, { info, resolve, reject }));
  }

  /** Sends closeSession (bounded wait), fails what is pending, ends watches, emits `closed`. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#closeRequested = true;
    const closedError = new ClientClosedError('the client is closed');
    for (const entry of this.#queue.drain()) this.#finish(entry, closedError, true);
    if (this.#sessionId !== 0n) {
      // Deliver closeSession (the server then deletes our ephemerals at once and fires their
      // watches), reconnecting first if need be, but only for a bounded time.
      const bound = AbortSignal.timeout(Math.round(Math.max(1000, Math.min(this.#timeout / 3, 5000))));
      await new Promise<void>((resolve) => {
        const done = () => resolve();
        const entry: Entry = {
          request: { type: OpCode.closeSession, decode: () => undefined },
          resolve: done,
          reject: done,
          signal: bound,
          onAbort: done,
          done: false,
        };
        bound.addEventListener('abort', done, { once: true });
        if (this.connected) this.#write(entry);
        else this.#queue.push(entry);
      });
    }
    this.#closed = true;
    this.#attempt?.abort(closedError);
    clearTimeout(this.#lostTimer);
    this.#conn?.close(closedError);
    for (const entry of this.#queue.drain()) this.#finish(entry, closedError, true);
    this.#endWatches('Closed');
    this.states.emit({
      state: 'closed',
      sessionId: this.#sessionId,
      newSession: false,
      reason: 'closed by the application',
    });
  }

  #write(entry: Entry): void {
    const conn = this.#conn as Connection;
    const { request } = entry;
    const xid = this.#nextXid();
    let frame: Buffer;
    try {
      frame = encodeFrame((w) => {
        RequestHeader.encode(w, { xid, type: request.type });
        request.write?.(w);
      });
    } catch (err) {
      this.#finish(entry, err, true);
      return;
    }
    if (frame.length - 4 > this.#options.maxFrameSize) {
      const msg = `request of ${frame.length - 4} bytes exceeds the maximum frame size of ${this.#options.maxFrameSize} bytes (jute.maxbuffer)`;
      this.#finish(entry, new RangeError(request.path ? `${request.path}: ${msg}` : msg), true);
      return;
    }
    conn.send(frame, {
      xid,
      settle: (header: ReplyHeader, reader: JuteReader) => {
        if (header.zxid > this.#lastZxid) this.#lastZxid = header.zxid;
        if (entry.done) return;
        let value: unknown;
        try {
          value = request.decode(header, reader);
        } catch (err) {
          this.#finish(entry, err, true);
          return;
        }
        this.#finish(entry, value, false);
      },
      fail: (err) => this.#finish(entry, err, true),
    });
  }

  #finish(entry: Entry, outcome: unknown, failed: boolean): void {
    if (entry.done) return;
    entry.done = true;
    if (entry.onAbort) entry.signal?.removeEventListener('abort', entry.onAbort);
    if (failed) entry.reject(outcome);
    else entry.resolve(outcome);
  }

  #nextXid(): number {
    this.#xid = this.#xid >= 0x7fff_ffff ? 1 : this.#xid + 1;
    return this.#xid;
  }

  /**
   * Connects until a session is established (or the client closes). After a connection broke,
   * `pauseFirst` waits a short random time first, as ZooKeeper's Java client does: it spreads
   * reconnection storms, and lets a session's new owner connection settle.
   */
  async #run(pauseFirst = false): Promise<void> {
    if (this.#looping) return;
    this.#looping = true;
    try {
      if (pauseFirst) {
        this.#attempt = new AbortController();
        await this.#pause();
      }
      let failures = 0;
      // While closing, reconnect only to resume the session and deliver closeSession.
      while (!this.#closed && !this.#conn && !(this.#closeRequested && this.#sessionId === 0n)) {
        const host = this.#hosts[this.#nextHost++ % this.#hosts.length] as HostAddress;
        this.#attempt = new AbortController();
        try {
          const { connection, response } = await Connection.open({
            host: host.host,
            port: host.port,
            request: {
              protocolVersion: PROTOCOL_VERSION,
              lastZxidSeen: this.#lastZxid,
              timeOut: this.#options.sessionTimeout,
              sessionId: this.#sessionId,
              passwd: this.#passwd,
              readOnly: this.#options.canBeReadOnly,
            },
            timeoutMs: this.#attemptTimeout(),
            maxFrameSize: this.#options.maxFrameSize,
            signal: this.#attempt.signal,
          });
          if (this.#closed) {
            connection.close(new ClientClosedError('the client is closed'));
            break;
          }
          if (response.timeOut <= 0) {
            connection.close(new Error('session expired'));
            this.#lose('the server reports the session expired');
            continue;
          }
          failures = 0;
          this.#established(connection, response);
        } catch (err) {
          failures++;
          this.#options.logger.debug?.('connection attempt failed', { host: `${host.host}:${host.port}`, error: err });
          if (!this.#closed && failures % this.#hosts.length === 0) await this.#pause();
        }
      }
    } finally {
      this.#looping = false;
      this.#attempt = undefined;
    }
  }

  #attemptTimeout(): number {
    return Math.max(1000, Math.min(this.#options.connectTimeout, this.#timeout / this.#hosts.length));
  }

  /** A short random pause (under 1 s and T/6); cut short by close or loss. */
  #pause(): Promise<void> {
    const ms = Math.random() * Math.min(1000, this.#timeout / 6);
    const signal = (this.#attempt as AbortController).signal;
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }

  #established(connection: Connection, response: ConnectResponse): void {
    const resumed = this.#sessionId !== 0n && response.sessionId === this.#sessionId;
    this.#sessionId = response.sessionId;
    this.#passwd = response.passwd ?? Buffer.alloc(16);
    this.#timeout = response.timeOut;
    this.#conn = connection;
    clearTimeout(this.#lostTimer);
    connection.start(this.#handlerFor(connection), response.timeOut);
    for (const info of this.#auths) this.#sendAuth(connection, undefined, info);
    if (resumed) {
      resendWatches(connection, this.watches, this.#lastZxid, (err) => {
        if (err !== 0) this.#options.logger.warn?.('the server refused to re-register watches', { err });
      });
    }
    for (const entry of this.#queue.drain()) if (!entry.done) this.#write(entry);
    const state = response.readOnly ? 'read-only' : this.#everConnected ? 'reconnected' : 'connected';
    const event: ConnectionStateEvent = { state, sessionId: this.#sessionId, newSession: this.#replacingLostSession };
    this.#everConnected = true;
    this.#replacingLostSession = false;
    this.states.emit(event);
  }

  #sendAuth(connection: Connection, waiter: AuthWaiter | undefined, info = waiter?.info): void {
    if (!info) return;
    const auth = typeof info.credentials === 'string' ? Buffer.from(info.credentials, 'utf8') : info.credentials;
    const frame = encodeRequestFrame({ xid: Xid.AUTH, type: OpCode.auth }, AuthPacket, {
      type: 0,
      scheme: info.scheme,
      auth,
    });
    this.#authWaiters.push(waiter ?? { info, resolve: () => {}, reject: () => {} });
    connection.send(frame);
  }

  #handlerFor(connection: Connection): ConnectionHandler {
    return {
      onNotification: (event) => this.#onNotification(event),
      onAuthReply: (err) => {
        const waiter = this.#authWaiters.shift();
        if (!waiter) return;
        if (err === 0) return waiter.resolve();
        // The server closes the connection after a failed auth; forget these credentials so the
        // reconnection does not fail the same way forever.
        const i = this.#auths.indexOf(waiter.info);
        if (i >= 0) this.#auths.splice(i, 1);
        this.#options.logger.warn?.('authentication failed', { scheme: waiter.info.scheme });
        waiter.reject(
          new AuthFailedError({ message: `AuthFailed: the server refused ${waiter.info.scheme} credentials` }),
        );
      },
      onClose: (error) => this.#onClose(connection, error),
    };
  }

  #onNotification(event: WatcherEvent): void {
    const type = watchEventTypeOf(event.type);
    if (!type) {
      this.#options.logger.warn?.('ignored a watch event of unknown type', { type: event.type, path: event.path });
      return;
    }
    const watchers = this.watches.materialize(type, event.path);
    if (watchers.length === 0) return;
    const path = stripChroot(this.#chroot, event.path);
    // Deliver after the reactions to replies already settled, so callbacks see frames in wire order.
    queueMicrotask(() =>
      deliver(watchers, { type, path }, (err) => this.#options.logger.error?.('watcher threw', { error: err })),
    );
  }

  #onClose(connection: Connection, error: Error): void {
    if (this.#conn !== connection) return;
    this.#conn = undefined;
    this.#lastHeard = connection.lastReceived;
    const loss = new ConnectionLossError({ message: `ConnectionLoss: ${error.message}` });
    for (const waiter of this.#authWaiters.drain()) waiter.reject(loss);
    if (this.#closed) return;
    this.states.emit({ state: 'suspended', sessionId: this.#sessionId, newSession: false, reason: error.message });
    const remaining = this.#lastHeard + this.#timeout - performance.now();
    this.#lostTimer = setTimeout(
      () => this.#lose(`no contact with any server for the session timeout (${this.#timeout} ms)`),
      Math.max(0, remaining),
    );
    void this.#run(true);
  }

  /** The session is gone (or must be presumed gone). */
  #lose(reason: string): void {
    if (this.#closed || this.#sessionId === 0n) return;
    clearTimeout(this.#lostTimer);
    const lostId = this.#sessionId;
    this.#sessionId = 0n;
    this.#passwd = Buffer.alloc(16);
    this.#attempt?.abort(new Error('session lost'));
    const err = new SessionExpiredError({ message: `SessionExpired: ${reason}` });
    for (const entry of this.#queue.drain()) this.#finish(entry, err, true);
    this.#endWatches('SessionExpired');
    this.states.emit({ state: 'lost', sessionId: lostId, newSession: false, reason });
    if (this.#closeRequested) return;
    if (this.#options.onNewSession === 'close') {
      void this.close();
      return;
    }
    this.#replacingLostSession = true;
    void this.#run();
  }

  #endWatches(type: WatchEventType): void {
    for (const [path, watchers] of this.watches.drainByPath()) {
      const event = { type, path: stripChroot(this.#chroot, path) };
      queueMicrotask(() =>
        deliver(watchers, event, (err) => this.#options.logger.error?.('watcher threw', { error: err })),
      );
    }
  }
}

function shuffle<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
