import net from 'node:net';
import { FrameDecoder, FrameError } from '@zookit/protocol';
import { type FourLetterWord, fourLetterWordOf } from './four-letter-words.js';

/** What the TCP adapter drives: the core's connection inputs. */
export interface ConnectionSink {
  open(connection: number, ip: string, port: number): void;
  receive(connection: number, payload: Buffer): void;
  closed(connection: number): void;
  /** Text answer to a four-letter word, or `undefined` if the word is disabled. */
  fourLetterWord(word: FourLetterWord): string | undefined;
}

/** Options of {@link TcpServer.listen}. */
export interface TcpServerOptions {
  readonly host: string;
  readonly port: number;
  /** Largest accepted frame (jute.maxbuffer); a longer length prefix closes the connection without a reply. */
  readonly maxFrameSize: number;
  /** Connections allowed per client IP (ZooKeeper's maxClientCnxns); 0 for no limit. */
  readonly maxClientCnxns: number;
}

/**
 * The network adapter: accepts connections, answers four-letter words, splits frames and hands
 * them to the core, and writes what the core sends (batched per tick). A bad or oversized frame
 * closes that connection only.
 */
export class TcpServer {
  readonly #server: net.Server;
  readonly #sink: ConnectionSink;
  readonly #options: TcpServerOptions;
  readonly #sockets = new Map<number, net.Socket>();
  readonly #perIp = new Map<string, number>();
  #nextId = 1;

  private constructor(server: net.Server, sink: ConnectionSink, options: TcpServerOptions) {
    this.#server = server;
    this.#sink = sink;
    this.#options = options;
    server.on('connection', (socket) => this.#accept(socket));
  }

  static async listen(sink: ConnectionSink, options: TcpServerOptions): Promise<TcpServer> {
    const server = net.createServer({ noDelay: true });
    const tcp = new TcpServer(server, sink, options);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.removeListener('error', reject);
        resolve();
      });
    });
    return tcp;
  }

  get port(): number {
    return (this.#server.address() as net.AddressInfo).port;
  }

  /** Number of open client connections. */
  get connectionCount(): number {
    return this.#sockets.size;
  }

  /** Writes a frame to a connection (dropped if it is gone). */
  send(connection: number, frame: Buffer): void {
    const socket = this.#sockets.get(connection);
    if (!socket || socket.destroyed) return;
    if (!socket.writableCorked) {
      socket.cork();
      process.nextTick(() => socket.uncork());
    }
    socket.write(frame);
  }

  /** Closes a connection once what was written to it is flushed. */
  close(connection: number): void {
    const socket = this.#sockets.get(connection);
    if (!socket) return;
    socket.end();
    socket.destroySoon();
  }

  /** Stops listening and drops every connection. */
  async stop(): Promise<void> {
    for (const socket of this.#sockets.values()) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(socket: net.Socket): void {
    const ip = normaliseIp(socket.remoteAddress ?? '');
    const count = this.#perIp.get(ip) ?? 0;
    const { maxClientCnxns } = this.#options;
    if (maxClientCnxns > 0 && count >= maxClientCnxns) {
      // As ZooKeeper's NIOServerCnxnFactory (fastCloseSock → closeSock): shut our side (FIN), then
      // close with SO_LINGER 0 (RST), without reading a byte. The client sees the connection end
      // with no reply, as an end of stream or a reset depending on which it reads first.
      socket.on('error', () => undefined); // the peer may reset first; nothing to do either way
      socket.end(() => socket.resetAndDestroy());
      return;
    }
    this.#perIp.set(ip, count + 1);
    const id = this.#nextId++;
    this.#sockets.set(id, socket);
    const decoder = new FrameDecoder({ maxFrameSize: this.#options.maxFrameSize });
    // Until 4 bytes arrived we cannot tell a four-letter word from a frame length.
    let prefix: Buffer | undefined = Buffer.alloc(0);
    let opened = false;
    socket.on('data', (data: Buffer) => {
      let chunk = data;
      if (prefix !== undefined) {
        prefix = Buffer.concat([prefix, chunk]);
        if (prefix.length < 4) return;
        const word = fourLetterWordOf(prefix.readInt32BE(0));
        if (word) {
          prefix = undefined;
          const answer =
            this.#sink.fourLetterWord(word) ?? `${word} is not executed because it is not in the whitelist.\n`;
          socket.end(answer);
          return;
        }
        chunk = prefix;
        prefix = undefined;
        this.#sink.open(id, ip, socket.remotePort ?? 0);
        opened = true;
      }
      let frames: Buffer[];
      try {
        frames = decoder.push(chunk);
      } catch (err) {
        if (!(err instanceof FrameError)) throw err;
        // Frames before the refused length still run (ZooKeeper reads frame by frame); then
        // the connection closes once their replies are written.
        for (const frame of err.frames) if (!socket.destroyed) this.#sink.receive(id, frame);
        socket.end();
        socket.destroySoon();
        return;
      }
      for (const frame of frames) {
        if (socket.destroyed) return;
        this.#sink.receive(id, frame);
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.#sockets.delete(id);
      const left = (this.#perIp.get(ip) ?? 1) - 1;
      if (left <= 0) this.#perIp.delete(ip);
      else this.#perIp.set(ip, left);
      if (opened) this.#sink.closed(id);
    });
  }
}

function normaliseIp(ip: string): string {
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}
