// A minimal raw ZooKeeper client over node:net, built only on @zookit/protocol: enough to drive
// a real server frame by frame and look at exactly what it sends. Not a client to copy: no
// reconnect, no retries, no watch bookkeeping beyond collecting events.
import { connect, type Socket } from 'node:net';
import {
  type Codec,
  ConnectRequest,
  ConnectResponse,
  decode,
  encodeRecordFrame,
  encodeRequestFrame,
  FrameDecoder,
  JUTE_EXTRA_MAX_BUFFER,
  JUTE_MAX_BUFFER,
  JuteReader,
  OpCode,
  PROTOCOL_VERSION,
  ReplyHeader,
  WatcherEvent,
  Xid,
} from '@zookit/protocol';

/** Options of {@link RawClient.connect}. */
export interface RawConnectOptions {
  /** The ConnectRequest's trailing readOnly byte; `undefined` leaves it out (as pre-3.4 clients do). */
  readOnly?: boolean | undefined;
  /** Requested session timeout in ms. Default 10000. */
  sessionTimeout?: number;
  /** Bound in ms on connecting and on each request. Default 10000. */
  timeout?: number;
}

/** A ConnectRequest frame for a new session (4000 ms), for tests that drive a raw socket. */
export function newSessionFrame(): Buffer {
  return encodeRecordFrame(ConnectRequest, {
    protocolVersion: 0,
    lastZxidSeen: 0n,
    timeOut: 4000,
    sessionId: 0n,
    passwd: Buffer.alloc(16),
    readOnly: false,
  });
}

/** A reply: its header, the undecoded body, and the body decoded when `err` is 0 and a codec was given. */
export interface RawReply<T> {
  header: ReplyHeader;
  bytes: Buffer;
  body: T | undefined;
}

interface Pending {
  resolve(frame: { header: ReplyHeader; bytes: Buffer }): void;
  reject(error: unknown): void;
}

/** One session on one connection. Requests get increasing xids; replies are matched by xid. */
export class RawClient {
  /** The ConnectResponse frame's payload, exactly as received. */
  readonly handshake: Buffer;
  /** The decoded ConnectResponse. */
  readonly session: ConnectResponse;
  /** Every WatcherEvent (xid -1) received, in order. */
  readonly events: WatcherEvent[] = [];
  readonly #socket: Socket;
  readonly #timeout: number;
  readonly #pending = new Map<number, Pending>();
  readonly #eventWaiters: Array<() => void> = [];
  readonly #ping: NodeJS.Timeout;
  #xid = 0;
  #failure: Error | undefined;
  #ended!: (error: Error) => void;
  /** Settles (never rejects) with the error that ended the connection: the server's close, a reset, ... */
  readonly ended: Promise<Error> = new Promise((resolve) => {
    this.#ended = resolve;
  });

  private constructor(socket: Socket, decoder: FrameDecoder, handshake: Buffer, timeout: number) {
    this.#socket = socket;
    this.#timeout = timeout;
    this.handshake = handshake;
    this.session = decode(ConnectResponse, handshake);
    socket.on('data', (chunk) => {
      try {
        for (const frame of decoder.push(chunk)) this.#onFrame(frame);
      } catch (error) {
        this.#fail(error instanceof Error ? error : new Error(String(error)));
        socket.destroy();
      }
    });
    // The server's FIN ends the connection for us at once: a request written after it would fail
    // with whatever error the socket layer picks ("ended by the other party"), not as closed.
    socket.on('end', () => this.#fail(new Error('connection closed by the server')));
    socket.on('close', () => this.#fail(new Error('connection closed')));
    // A reset is the server closing too (ZooKeeper resets when it closes with our bytes unread,
    // e.g. a ping that crossed its close): report it as closed, with the socket error as cause.
    socket.on('error', (error: NodeJS.ErrnoException) =>
      this.#fail(
        error.code === 'ECONNRESET' || error.code === 'EPIPE'
          ? new Error('connection closed by the server (reset)', { cause: error })
          : error,
      ),
    );
    // Keep the session alive while a test runs (servers expire it after its timeout of silence).
    this.#ping = setInterval(
      () => this.#send(encodeRequestFrame({ xid: Xid.PING, type: OpCode.ping })),
      this.session.timeOut / 3,
    );
    this.#ping.unref();
  }

  /** Connects to `host:port`, sends a ConnectRequest for a new session and awaits the ConnectResponse. */
  static async connect(address: string, options: RawConnectOptions = {}): Promise<RawClient> {
    const [host, port] = address.split(':');
    const timeout = options.timeout ?? 10_000;
    const socket = connect({ host: host as string, port: Number(port) });
    const decoder = new FrameDecoder({ maxFrameSize: JUTE_MAX_BUFFER + JUTE_EXTRA_MAX_BUFFER });
    const handshake = await new Promise<Buffer>((resolve, reject) => {
      const fail = (error: Error): void => {
        clearTimeout(timer);
        socket.destroy();
        reject(error);
      };
      const timer = setTimeout(() => fail(new Error(`no ConnectResponse from ${address} in ${timeout} ms`)), timeout);
      socket.once('error', fail);
      socket.once('close', () => fail(new Error(`${address} closed the connection during the handshake`)));
      socket.on('data', function onData(chunk) {
        const frames = decoder.push(chunk);
        const first = frames[0];
        if (!first) return;
        if (frames.length > 1) return fail(new Error('frames after the ConnectResponse before any request'));
        clearTimeout(timer);
        socket.removeListener('data', onData);
        socket.removeAllListeners('error');
        socket.removeAllListeners('close');
        resolve(first);
      });
      const request: ConnectRequest = {
        protocolVersion: PROTOCOL_VERSION,
        lastZxidSeen: 0n,
        timeOut: options.sessionTimeout ?? 10_000,
        sessionId: 0n,
        passwd: new Uint8Array(16),
        readOnly: options.readOnly,
      };
      socket.write(encodeRecordFrame(ConnectRequest, request));
    });
    return new RawClient(socket, decoder, handshake, timeout);
  }

  /** Sends `type` with `body` (encoded by `codec`) and resolves with its reply; `responseCodec` decodes the body. */
  async request<Req, Res = undefined>(
    type: number,
    codec?: Codec<Req>,
    body?: Req,
    responseCodec?: Codec<Res>,
  ): Promise<RawReply<Res>> {
    if (this.#failure) throw this.#failure;
    const xid = ++this.#xid;
    const frame = await new Promise<{ header: ReplyHeader; bytes: Buffer }>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(xid);
        reject(new Error(`no reply to xid ${xid} (op ${type}) in ${this.#timeout} ms`));
      }, this.#timeout);
      const settle =
        <A extends unknown[]>(fn: (...args: A) => void) =>
        (...args: A) => {
          clearTimeout(timer);
          this.#pending.delete(xid);
          fn(...args);
        };
      this.#pending.set(xid, { resolve: settle(resolve), reject: settle(reject) });
      this.#send(encodeRequestFrame({ xid, type }, codec, body));
    });
    const decoded = frame.header.err === 0 && responseCodec ? decode(responseCodec, frame.bytes) : undefined;
    return { ...frame, body: decoded };
  }

  /** Resolves with the `index`-th event (0-based) once it has arrived, within the request timeout. */
  async event(index = 0): Promise<WatcherEvent> {
    const deadline = Date.now() + this.#timeout;
    while (this.events.length <= index) {
      if (this.#failure) throw this.#failure;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no watch event #${index} in ${this.#timeout} ms (got ${this.events.length})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#eventWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.events[index] as WatcherEvent;
  }

  /** Stops the keep-alive pings: the server will expire the session after its timeout of silence. */
  stopPinging(): void {
    clearInterval(this.#ping);
  }

  /** Closes the session (closeSession, awaiting its reply) and the connection. */
  async close(): Promise<void> {
    clearInterval(this.#ping);
    if (!this.#failure) {
      await this.request(OpCode.closeSession).catch(() => undefined); // the session dies with the server anyway
    }
    this.#socket.destroy();
  }

  #send(frame: Buffer): void {
    if (!this.#failure) this.#socket.write(frame);
  }

  #onFrame(frame: Buffer): void {
    const reader = new JuteReader(frame);
    const header = ReplyHeader.decode(reader);
    const bytes = frame.subarray(reader.offset);
    if (header.xid === Xid.NOTIFICATION) {
      this.events.push(decode(WatcherEvent, bytes));
      for (const wake of this.#eventWaiters.splice(0)) wake();
    } else if (header.xid !== Xid.PING) {
      const pending = this.#pending.get(header.xid);
      if (!pending) throw new Error(`reply for unknown xid ${header.xid}`);
      pending.resolve({ header, bytes });
    }
  }

  #fail(error: Error): void {
    if (this.#failure) return;
    this.#failure = error;
    this.#ended(error);
    clearInterval(this.#ping);
    for (const pending of [...this.#pending.values()]) pending.reject(error);
    for (const wake of this.#eventWaiters.splice(0)) wake();
  }
}
