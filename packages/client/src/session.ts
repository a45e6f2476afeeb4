import { performance } from 'node:perf_hooks';
import { type ConnectResponse, PROTOCOL_VERSION } from '@zookit/protocol';
import { type HostAddress, shuffle } from './connect-string.js';
import { Connection, type ConnectionHandler } from './connection.js';
import { type ConnectionStateEvent, StateEmitter } from './connection-state.js';
import { Credentials } from './credentials.js';
import { ClientClosedError, ConnectionLossError, SessionExpiredError, type ZooKeeperError } from './errors.js';
import { dropServerWatchRequest } from './operations/watch-ops.js';
import type { AuthInfo, SessionOptions } from './options.js';
import { probeForReadWriteServer } from './read-write-probe.js';
import type { Request } from './request.js';
import { RequestPipeline } from './request-pipeline.js';
import { resendWatches } from './watches/resend-watches.js';
import { WatchDispatcher } from './watches/watch-dispatcher.js';
import { type WatchKind, WatchRegistry } from './watches/watch-registry.js';

const ALL_WATCH_KINDS: readonly WatchKind[] = ['data', 'exist', 'child', 'persistent', 'persistentRecursive'];

/**
 * The session state machine: finds a server, keeps one connection, re-establishes it with the
 * same session id, password and last zxid, decides `suspended`/`lost`, queues requests while
 * disconnected, re-sends auth and watches on reconnect. Paths here are server paths (with chroot).
 */
export class Session {
  readonly watches = new WatchRegistry();
  /**
   * The last failed connection attempt of each server (`host:port`) since a connection was last
   * established: what `connect()` reports when no server gave it a session in time.
   */
  readonly attemptFailures = new Map<string, Error>();
  readonly states: StateEmitter;
  readonly #options: SessionOptions;
  readonly #hosts: readonly HostAddress[];
  readonly #requests: RequestPipeline;
  readonly #credentials: Credentials;
  readonly #dispatcher: WatchDispatcher;
  #sessionId = 0n;
  #passwd: Uint8Array = Buffer.alloc(16);
  #timeout: number;
  #lastZxid = 0n;
  #lastHeard = performance.now();
  #nextHost = 0;
  #conn: Connection | undefined;
  #attempt: AbortController | undefined;
  #lostTimer: NodeJS.Timeout | undefined;
  #stopProbe: (() => void) | undefined;
  #looping = false;
  #everConnected = false;
  #replacingLostSession = false;
  /** Set by close(): no new requests; the loop only runs to deliver closeSession. */
  #closeRequested = false;
  /** Set when the server refused a credential: the session ends, every request fails with it. */
  #authFailure: ZooKeeperError | undefined;
  /** The connection whose state (connected/reconnected/read-only) listeners were told. */
  #announced: Connection | undefined;
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(hosts: readonly HostAddress[], chroot: string | undefined, options: SessionOptions) {
    this.#hosts = shuffle(hosts);
    this.#options = options;
    this.#timeout = options.sessionTimeout;
    this.#credentials = new Credentials(options.auth, options.logger, (error) => this.#onAuthFailed(error));
    this.#dispatcher = new WatchDispatcher(this.watches, chroot, options.logger);
    this.#requests = new RequestPipeline({
      watches: this.watches,
      maxRequestSize: options.maxRequestSize,
      connection: () => this.#conn,
      onReplyZxid: (zxid) => {
        if (zxid > this.#lastZxid) this.#lastZxid = zxid;
      },
      onAbandonedWatch: (kind, path) => void this.dropServerWatch(kind, path),
    });
    if (options.session) {
      this.#sessionId = options.session.id;
      this.#passwd = Buffer.from(options.session.password);
    }
    this.states = new StateEmitter((err) => options.logger.error?.({ err }, 'state listener threw'));
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
        if (e.state === 'auth-failed') reject(e.error);
        else if (e.state === 'closed') reject(new ConnectionLossError({ message: `ConnectionLoss: ${e.reason}` }));
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
    if (this.#authFailure) return Promise.reject(this.#authFailure);
    if (this.#closeRequested) return Promise.reject(new ClientClosedError('the client is closed'));
    return this.#requests.submit(request, signal);
  }

  /** Adds credentials now (if connected) and on every reconnection. */
  addAuth(info: AuthInfo): Promise<void> {
    if (this.#authFailure) return Promise.reject(this.#authFailure);
    if (this.#closeRequested) return Promise.reject(new ClientClosedError('the client is closed'));
    return this.#credentials.add(info, this.connected ? this.#conn : undefined);
  }

  /** Sends closeSession (bounded wait), fails what is pending, ends watches, emits `closed`. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#closeRequested = true;
    const closedError = new ClientClosedError('the client is closed');
    this.#requests.failQueued(closedError);
    // After AuthFailed there is no connection to deliver closeSession on: reconnecting would
    // fail the same way. The server expires the session after its timeout.
    if (this.#sessionId !== 0n && !this.#authFailure) {
      // Deliver closeSession (the server then deletes our ephemerals at once and fires their
      // watches), reconnecting first if need be, but only for a bounded time.
      const bound = AbortSignal.timeout(Math.round(Math.max(1000, Math.min(this.#timeout / 3, 5000))));
      await this.#requests.closeSession(bound);
    }
    this.#closed = true;
    this.#attempt?.abort(closedError);
    clearTimeout(this.#lostTimer);
    this.#conn?.close(closedError);
    this.#requests.failQueued(closedError);
    this.#dispatcher.endAll('Closed');
    this.states.emit({
      state: 'closed',
      sessionId: this.#sessionId,
      newSession: false,
      reason: this.#authFailure ? this.#authFailure.message : 'closed by the application',
    });
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
      while (!this.#closed && !this.#conn && !this.#authFailure && !(this.#closeRequested && this.#sessionId === 0n)) {
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
          // An attempt cut short by our own close() did not fail: keep what the host last did
          // (a connect error naming "the client is closed" would hide, say, a slow DNS lookup).
          if (!this.#closeRequested) this.attemptFailures.set(`${host.host}:${host.port}`, err as Error);
          this.#options.logger.debug?.({ host: `${host.host}:${host.port}`, err }, 'connection attempt failed');
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
    this.attemptFailures.clear();
    clearTimeout(this.#lostTimer);
    connection.start(this.#handlerFor(connection), response.timeOut);
    // Announce the connection once the server accepted our credentials (their replies come
    // before any request's): a connection about to end in AuthFailed is not connected as us.
    const authenticating = this.#credentials.sendAll(connection, () => this.#announce(connection, response));
    if (resumed) {
      resendWatches(connection, this.watches, this.#lastZxid, (err) => {
        if (err !== 0) this.#options.logger.warn?.({ code: err }, 'the server refused to re-register watches');
      });
    }
    this.#requests.flush(connection);
    if (!authenticating) this.#announce(connection, response);
  }

  /** Tells listeners that `connection` serves the session. */
  #announce(connection: Connection, response: ConnectResponse): void {
    if (this.#conn !== connection) return;
    this.#announced = connection;
    const state = response.readOnly ? 'read-only' : this.#everConnected ? 'reconnected' : 'connected';
    const event: ConnectionStateEvent = { state, sessionId: this.#sessionId, newSession: this.#replacingLostSession };
    this.#everConnected = true;
    this.#replacingLostSession = false;
    if (response.readOnly && this.#hosts.length > 1) {
      const current = { host: connection.host, port: connection.port };
      this.#stopProbe = probeForReadWriteServer(this.#hosts, current, (host) => {
        // Move to the read-write server: the next attempt starts there.
        this.#nextHost = this.#hosts.indexOf(host);
        connection.close(new Error(`moving to read-write server ${host.host}:${host.port}`));
      });
    }
    this.states.emit(event);
  }

  #handlerFor(connection: Connection): ConnectionHandler {
    return {
      onNotification: (event) => this.#dispatcher.onServerEvent(event),
      onAuthReply: (err) => this.#credentials.onReply(err),
      onClose: (error) => this.#onClose(connection, error),
    };
  }

  #onClose(connection: Connection, error: Error): void {
    if (this.#conn !== connection) return;
    this.#conn = undefined;
    this.#stopProbe?.();
    this.#stopProbe = undefined;
    this.#lastHeard = connection.lastReceived;
    const loss = new ConnectionLossError({ message: `ConnectionLoss: ${error.message}` });
    this.#credentials.onConnectionClosed(loss);
    if (this.#closed || this.#authFailure) return;
    // A connection that closed before it was announced (its credentials unanswered) changes
    // nothing listeners were told.
    if (this.#announced === connection) {
      this.#announced = undefined;
      this.states.emit({ state: 'suspended', sessionId: this.#sessionId, newSession: false, reason: error.message });
    }
    const remaining = this.#lastHeard + this.#timeout - performance.now();
    this.#lostTimer = setTimeout(
      () => this.#lose(`no contact with any server for the session timeout (${this.#timeout} ms)`),
      Math.max(0, remaining),
    );
    void this.#run(true);
  }

  /**
   * Asks the server to drop a `kind` watch on `path` (a server path) that nobody here holds,
   * unless a watcher of this client shares it (ZooKeeper keeps one registration per session,
   * path and type: data and exist watches are one) or a request setting it is in flight.
   * Requests are answered in order, so a watch requested after this is set after the removal.
   * Resolves once the server answered (or the request failed); never rejects.
   */
  async dropServerWatch(kind: WatchKind, path: string): Promise<void> {
    if (this.#closeRequested) return; // closeSession drops every watch of the session
    const needed = (k: WatchKind) => this.watches.has(k, path) || this.watches.hasPending(k, path);
    const shared: readonly WatchKind[] = kind === 'data' || kind === 'exist' ? ['data', 'exist'] : [kind];
    if (shared.some(needed)) return;
    const removed = await this.#requests.submit(dropServerWatchRequest(kind, path)).catch(() => true);
    if (removed || (kind !== 'persistent' && kind !== 'persistentRecursive')) return;
    // ZooKeeper before 3.9 cannot remove one persistent watch type: remove every watch of this
    // session on the path instead, unless a watcher of this client needs one of them.
    if (ALL_WATCH_KINDS.some(needed)) return;
    await this.#requests.submit(dropServerWatchRequest('any', path)).catch(() => undefined);
  }

  /**
   * The server refused a credential and closes the connection. As ZooKeeper's AUTH_FAILED this
   * ends the client: reconnecting would make it anonymous (or fail the same way). What is
   * queued or in flight fails with `error`, as does every later request.
   */
  #onAuthFailed(error: ZooKeeperError): void {
    if (this.#authFailure || this.#closeRequested) return;
    this.#authFailure = error;
    clearTimeout(this.#lostTimer);
    this.#attempt?.abort(error);
    this.#requests.failQueued(error);
    this.#conn?.close(error, error);
    this.states.emit({
      state: 'auth-failed',
      sessionId: this.#sessionId,
      newSession: false,
      reason: error.message,
      error,
    });
    void this.close();
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
    this.#requests.failQueued(err);
    this.#dispatcher.endAll('SessionExpired');
    this.states.emit({ state: 'lost', sessionId: lostId, newSession: false, reason });
    if (this.#closeRequested) return;
    if (this.#options.onNewSession === 'close') {
      void this.close();
      return;
    }
    this.#replacingLostSession = true;
    void this.#run();
  }
}
