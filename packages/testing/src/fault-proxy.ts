import net from 'node:net';

/** How a {@link FaultProxy} treats traffic. */
export type FaultProxyMode = 'pass' | 'blackhole';

/** Options of {@link FaultProxy.start}. */
export interface FaultProxyOptions {
  /** The server to forward to (`host:port`, or one address). */
  target: string | { host: string; port: number };
  /** Listen port on 127.0.0.1. Default: a free port. */
  port?: number;
}

interface Link {
  readonly client: net.Socket;
  readonly server: net.Socket;
  /** Bytes held while blackholed, per direction, released in order by pass(). */
  readonly toServer: Buffer[];
  readonly toClient: Buffer[];
  /** Server→client bytes not yet cut into whole frames. */
  pending: Buffer;
  /** Whether the server's first frame (the ConnectResponse, which has no xid) went by. */
  handshaken: boolean;
}

/**
 * A TCP proxy on 127.0.0.1 in front of one ZooKeeper server, for fault injection without root:
 * - `blackhole()`: nothing is delivered either way, sockets stay open (a partition or a hung
 *   peer as TCP sees it: bytes are held, not lost, and arrive after `pass()` if the sockets live);
 * - `delay(ms)`: every chunk is delivered `ms` later, in order;
 * - `dropNextReply()`: the next reply frame from the server (not a ping reply nor a watch event)
 *   is swallowed and that connection reset — the connection broke after the server applied the
 *   request, so the client cannot know whether it was;
 * - `closeConnections()`: both sides of every current connection are reset;
 * - `refuse(true)`: new connections are accepted and closed at once.
 * Frames from the server are forwarded whole, so a dropped frame never breaks the framing.
 */
export class FaultProxy implements AsyncDisposable {
  readonly host = '127.0.0.1';
  readonly port: number;
  readonly #server: net.Server;
  readonly #target: { host: string; port: number };
  readonly #links = new Set<Link>();
  #mode: FaultProxyMode = 'pass';
  #delayMs = 0;
  #dropReplies = 0;
  #refusing = false;
  #closed = false;
  #notifications = 0;

  private constructor(server: net.Server, port: number, target: { host: string; port: number }) {
    this.#server = server;
    this.port = port;
    this.#target = target;
  }

  /** Starts listening; resolves once the proxy accepts connections. */
  static async start(options: FaultProxyOptions): Promise<FaultProxy> {
    const target = typeof options.target === 'string' ? parseAddress(options.target) : options.target;
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => {
        server.removeListener('error', reject);
        resolve();
      });
    });
    const proxy = new FaultProxy(server, (server.address() as net.AddressInfo).port, target);
    server.on('connection', (socket) => proxy.#accept(socket));
    return proxy;
  }

  /** `127.0.0.1:<port>` of the proxy, to give to a client instead of the server's. */
  get connectString(): string {
    return `${this.host}:${this.port}`;
  }

  get mode(): FaultProxyMode {
    return this.#mode;
  }

  /** Watch notifications (xid -1 frames) the server has sent through this proxy so far. */
  get notificationCount(): number {
    return this.#notifications;
  }

  /** Number of proxied connections open now. */
  get connectionCount(): number {
    return this.#links.size;
  }

  /** Forwards traffic again, first releasing (in order) what was held while blackholed. */
  pass(): void {
    this.#mode = 'pass';
    for (const link of this.#links) {
      for (const chunk of link.toServer.splice(0)) this.#send(link.server, chunk);
      for (const chunk of link.toClient.splice(0)) this.#send(link.client, chunk);
    }
  }

  /** Holds all traffic in both directions, on current and new connections, until `pass()`. */
  blackhole(): void {
    this.#mode = 'blackhole';
  }

  /** Delivers every chunk `ms` later (0 to stop delaying). */
  delay(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`delay must be >= 0 ms, got ${ms}`);
    this.#delayMs = ms;
  }

  /** Swallows the next reply frame the server sends (pings and watch events pass), then resets that connection. */
  dropNextReply(): void {
    this.#dropReplies++;
  }

  /** Accepts and closes new connections at once while `true`. */
  refuse(on: boolean): void {
    this.#refusing = on;
  }

  /** Resets every current connection, both sides. */
  closeConnections(): void {
    for (const link of this.#links) {
      link.client.resetAndDestroy();
      link.server.resetAndDestroy();
    }
    this.#links.clear();
  }

  /** Stops listening and closes every connection. Idempotent. */
  async stop(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.closeConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  #accept(client: net.Socket): void {
    if (this.#refusing || this.#closed) {
      client.resetAndDestroy();
      return;
    }
    const server = net.connect(this.#target);
    const link: Link = { client, server, toServer: [], toClient: [], pending: Buffer.alloc(0), handshaken: false };
    this.#links.add(link);
    const end = () => {
      if (!this.#links.delete(link)) return;
      client.destroy();
      server.destroy();
    };
    client.on('data', (chunk: Buffer) => this.#forward(link, 'toServer', chunk));
    server.on('data', (chunk: Buffer) => this.#fromServer(link, chunk));
    for (const s of [client, server]) {
      s.on('error', end);
      s.on('close', end);
    }
  }

  #fromServer(link: Link, chunk: Buffer): void {
    link.pending = Buffer.concat([link.pending, chunk]);
    while (link.pending.length >= 4) {
      const len = link.pending.readInt32BE(0);
      if (len < 0 || link.pending.length < 4 + len) break;
      const frame = link.pending.subarray(0, 4 + len);
      link.pending = link.pending.subarray(4 + len);
      if (this.#swallow(link, frame)) {
        this.#links.delete(link);
        link.client.resetAndDestroy();
        link.server.resetAndDestroy();
        return;
      }
      this.#forward(link, 'toClient', frame);
    }
  }

  /** Whether `frame` is a reply to drop: not the handshake, not a ping reply (-2) nor a notification (-1). */
  #swallow(link: Link, frame: Buffer): boolean {
    if (!link.handshaken) {
      link.handshaken = true;
      return false;
    }
    if (frame.length < 8) return false;
    const xid = frame.readInt32BE(4);
    if (xid === -1) this.#notifications++;
    if (this.#dropReplies === 0) return false;
    if (xid === -1 || xid === -2) return false;
    this.#dropReplies--;
    return true;
  }

  #forward(link: Link, direction: 'toServer' | 'toClient', chunk: Buffer): void {
    const socket = direction === 'toServer' ? link.server : link.client;
    if (this.#mode === 'blackhole') {
      link[direction].push(chunk);
      return;
    }
    this.#send(socket, chunk);
  }

  #send(socket: net.Socket, chunk: Buffer): void {
    if (this.#delayMs === 0) {
      if (!socket.destroyed) socket.write(chunk);
      return;
    }
    setTimeout(() => {
      if (!socket.destroyed) socket.write(chunk);
    }, this.#delayMs);
  }
}

function parseAddress(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  const port = Number(address.slice(i + 1));
  if (i <= 0 || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new TypeError(`target: expected "host:port", got ${JSON.stringify(address)}`);
  }
  return { host: address.slice(0, i), port };
}
