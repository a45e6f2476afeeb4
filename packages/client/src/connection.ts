import net from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  ConnectRequest,
  ConnectResponse,
  decode,
  encodeRecordFrame,
  encodeRequestFrame,
  FrameDecoder,
  JuteReader,
  OpCode,
  ReplyHeader,
  WatcherEvent,
  Xid,
} from '@zookit/protocol';
import { Deque } from './deque.js';
import { ConnectionLossError } from './errors.js';

/** A request written on this connection and waiting for its reply (FIFO by xid). */
export interface InFlight {
  readonly xid: number;
  /** Handles the reply; runs synchronously in frame order. */
  settle(header: ReplyHeader, reader: JuteReader): void;
  /** The connection closed before the reply: the outcome is unknown. */
  fail(error: Error): void;
}

/** What a connection reports to its session, synchronously and in frame order. */
export interface ConnectionHandler {
  onNotification(event: WatcherEvent): void;
  onAuthReply(err: number): void;
  /** Called once; every in-flight request has already been failed. */
  onClose(error: Error): void;
}

/** Options of {@link Connection.open}. */
export interface OpenOptions {
  readonly host: string;
  readonly port: number;
  readonly request: ConnectRequest;
  /** Bound on TCP connect plus handshake. */
  readonly timeoutMs: number;
  readonly maxFrameSize: number;
  readonly signal?: AbortSignal | undefined;
}

/**
 * One TCP connection to one server, after the handshake: writes frames (batched per tick),
 * matches replies to requests by xid in FIFO order, sends pings after a third of the session
 * timeout without sending, and closes itself when nothing has been heard for two thirds of it
 * (ZooKeeper's read timeout) — so a silent server can never keep a session looking alive.
 */
export class Connection {
  readonly host: string;
  readonly port: number;
  readonly #socket: net.Socket;
  readonly #decoder: FrameDecoder;
  readonly #inFlight = new Deque<InFlight>();
  #handler: ConnectionHandler | undefined;
  #timer: NodeJS.Timeout | undefined;
  #readTimeoutMs = 0;
  #pingIntervalMs = 0;
  #lastSend = performance.now();
  #lastRecv = performance.now();
  #corked = false;
  #closed = false;

  private constructor(host: string, port: number, socket: net.Socket, decoder: FrameDecoder) {
    this.host = host;
    this.port = port;
    this.#socket = socket;
    this.#decoder = decoder;
  }

  /**
   * Connects and performs the handshake. Resolves with the server's ConnectResponse (which may
   * say the session expired: `timeOut <= 0`); rejects with ConnectionLossError when the server
   * is unreachable, closes without answering (it may be behind our last zxid), or the bound elapses.
   */
  static open(options: OpenOptions): Promise<{ connection: Connection; response: ConnectResponse }> {
    return new Promise((resolve, reject) => {
      const where = `${options.host}:${options.port}`;
      const socket = net.connect({ host: options.host, port: options.port, noDelay: true });
      const decoder = new FrameDecoder({ maxFrameSize: options.maxFrameSize });
      let done = false;
      const finish = (error: Error | undefined, response?: ConnectResponse) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        socket.removeListener('data', onData);
        socket.removeListener('error', onError);
        socket.removeListener('close', onSocketClose);
        if (error || !response) {
          socket.destroy();
          reject(error);
          return;
        }
        // Hold further bytes until start() attaches the frame handler; bytes after the
        // ConnectResponse stay in the decoder.
        socket.pause();
        const connection = new Connection(options.host, options.port, socket, decoder);
        resolve({ connection, response });
      };
      const fail = (message: string, cause?: unknown) =>
        finish(new ConnectionLossError({ message: `ConnectionLoss: ${message} (${where})`, cause }));
      const onData = (chunk: Buffer) => {
        try {
          const [frame, ...extra] = decoder.push(chunk);
          if (frame === undefined) return;
          if (extra.length > 0) {
            fail('server sent frames before the handshake completed');
            return;
          }
          finish(undefined, decode(ConnectResponse, frame));
        } catch (err) {
          fail('bad handshake reply', err);
        }
      };
      const onError = (err: Error) => fail(err.message, err);
      const onSocketClose = () => fail('server closed the connection during the handshake');
      const onAbort = () => finish(options.signal?.reason as Error);
      const timer = setTimeout(() => fail(`no handshake reply within ${options.timeoutMs} ms`), options.timeoutMs);
      if (options.signal?.aborted) {
        onAbort();
        return;
      }
      options.signal?.addEventListener('abort', onAbort, { once: true });
      socket.on('data', onData);
      socket.on('error', onError);
      socket.on('close', onSocketClose);
      socket.once('connect', () => socket.write(encodeRecordFrame(ConnectRequest, options.request)));
    });
  }

  /**
   * Starts delivering frames to `handler` and the heartbeat for a negotiated session timeout.
   * Must be called once, right after {@link open} resolved with a live session.
   */
  start(handler: ConnectionHandler, sessionTimeoutMs: number): void {
    this.#handler = handler;
    this.#readTimeoutMs = (sessionTimeoutMs * 2) / 3;
    this.#pingIntervalMs = sessionTimeoutMs / 3;
    this.#lastRecv = this.#lastSend = performance.now();
    this.#socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    this.#socket.on('error', (err) => this.close(err));
    this.#socket.on('close', () => this.close(new Error('server closed the connection')));
    this.#socket.resume();
    this.#schedule();
  }

  /** Whether the connection is still usable. */
  get open(): boolean {
    return !this.#closed;
  }

  /** Requests written and not yet answered. */
  get inFlightCount(): number {
    return this.#inFlight.length;
  }

  /** Monotonic time (performance.now()) of the last byte received. */
  get lastReceived(): number {
    return this.#lastRecv;
  }

  /** Writes a frame; `inFlight` (if any) will receive the reply with its xid. */
  send(frame: Buffer, inFlight?: InFlight): void {
    if (this.#closed) {
      inFlight?.fail(new ConnectionLossError({ message: 'ConnectionLoss: connection already closed' }));
      return;
    }
    if (inFlight) this.#inFlight.push(inFlight);
    if (!this.#corked) {
      // Batch every frame written in this tick into one writev.
      this.#corked = true;
      this.#socket.cork();
      process.nextTick(() => {
        this.#corked = false;
        this.#socket.uncork();
      });
    }
    this.#socket.write(frame);
    this.#lastSend = performance.now();
  }

  /**
   * Closes the socket, fails every in-flight request with ConnectionLoss (or with `failWith`,
   * when the caller knows better, e.g. AuthFailed) and tells the handler. Idempotent.
   */
  close(error: Error, failWith?: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#socket.destroy();
    const loss =
      failWith ??
      new ConnectionLossError({
        message: `ConnectionLoss: ${error.message} (${this.host}:${this.port})`,
        cause: error,
      });
    for (const request of this.#inFlight.drain()) request.fail(loss);
    this.#handler?.onClose(error);
  }

  #onData(chunk: Buffer): void {
    this.#lastRecv = performance.now();
    let frames: Buffer[];
    try {
      frames = this.#decoder.push(chunk);
    } catch (err) {
      this.close(err as Error);
      return;
    }
    for (const frame of frames) {
      if (this.#closed) return;
      try {
        this.#onFrame(frame);
      } catch (err) {
        this.close(new Error(`bad reply frame: ${(err as Error).message}`, { cause: err }));
      }
    }
  }

  #onFrame(frame: Buffer): void {
    const reader = new JuteReader(frame);
    const header = ReplyHeader.decode(reader);
    switch (header.xid) {
      case Xid.PING:
        return;
      case Xid.NOTIFICATION:
        this.#handler?.onNotification(WatcherEvent.decode(reader));
        return;
      case Xid.AUTH:
        this.#handler?.onAuthReply(header.err);
        return;
    }
    const head = this.#inFlight.peek();
    if (!head || head.xid !== header.xid) {
      // Replies come back in request order; anything else means we no longer agree with the
      // server about which request this answers. The throw closes the connection (as ZooKeeper's
      // Java client does), which fails every request still in the queue, the head included.
      throw new Error(`reply xid ${header.xid} out of order (expected ${head ? head.xid : 'none'})`);
    }
    this.#inFlight.shift();
    try {
      head.settle(header, reader);
    } catch (err) {
      // A reply body we cannot read fails that request alone; the frame boundaries are intact.
      head.fail(err as Error);
    }
  }

  #schedule(): void {
    const now = performance.now();
    const silentFor = now - this.#lastRecv;
    if (silentFor >= this.#readTimeoutMs) {
      this.close(new Error(`no reply from the server for ${Math.round(silentFor)} ms`));
      return;
    }
    if (now - this.#lastSend >= this.#pingIntervalMs) {
      this.send(encodeRequestFrame({ xid: Xid.PING, type: OpCode.ping }));
    }
    const next = Math.min(this.#lastSend + this.#pingIntervalMs, this.#lastRecv + this.#readTimeoutMs);
    this.#timer = setTimeout(() => this.#schedule(), Math.max(1, next - performance.now()));
  }
}
