// A TCP proxy in front of one server that sees ZooKeeper frames: it records the RequestHeader
// of every request a client sends and can rewrite or swallow the server's replies. For tests
// that must observe the order of requests on the wire or feed the client a reply it should
// never get (a wrong xid). FaultProxy (@zookit/testing) covers the network faults.
import net from 'node:net';

/** One request as the client wrote it. */
export interface TappedRequest {
  readonly xid: number;
  readonly type: number;
}

/** What to do with a reply frame (length prefix included): forward it, forward another, or drop the connection. */
export type ReplyRewrite = (frame: Buffer) => Buffer | 'reset';

/** Cuts length-prefixed frames off the front of `buffered`; returns the frames and the rest. */
function cutFrames(buffered: Buffer): { frames: Buffer[]; rest: Buffer } {
  const frames: Buffer[] = [];
  let rest = buffered;
  while (rest.length >= 4) {
    const len = rest.readInt32BE(0);
    if (len < 0 || rest.length < 4 + len) break;
    frames.push(rest.subarray(0, 4 + len));
    rest = rest.subarray(4 + len);
  }
  return { frames, rest };
}

export class FrameTap implements AsyncDisposable {
  /** Every request written through the tap after the handshake, in order. */
  readonly requests: TappedRequest[] = [];
  readonly #server: net.Server;
  readonly #sockets = new Set<net.Socket>();
  #rewrite: ReplyRewrite | undefined;

  private constructor(server: net.Server) {
    this.#server = server;
  }

  static async start(target: string): Promise<FrameTap> {
    const i = target.lastIndexOf(':');
    const to = { host: target.slice(0, i), port: Number(target.slice(i + 1)) };
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const tap = new FrameTap(server);
    server.on('connection', (client) => tap.#accept(client, to));
    return tap;
  }

  get connectString(): string {
    return `127.0.0.1:${(this.#server.address() as net.AddressInfo).port}`;
  }

  /** Applies `rewrite` to the next reply that is not a ping reply nor a notification (once). */
  rewriteNextReply(rewrite: ReplyRewrite): void {
    this.#rewrite = rewrite;
  }

  async stop(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  #accept(client: net.Socket, to: { host: string; port: number }): void {
    const server = net.connect(to);
    for (const s of [client, server]) {
      this.#sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        client.destroy();
        server.destroy();
        this.#sockets.delete(s);
      });
    }
    let fromClient: Buffer = Buffer.alloc(0);
    let clientHandshaken = false;
    client.on('data', (chunk: Buffer) => {
      server.write(chunk);
      const { frames, rest } = cutFrames(Buffer.concat([fromClient, chunk]));
      fromClient = rest;
      for (const frame of frames) {
        if (!clientHandshaken)
          clientHandshaken = true; // the ConnectRequest has no header
        else this.requests.push({ xid: frame.readInt32BE(4), type: frame.readInt32BE(8) });
      }
    });
    let fromServer: Buffer = Buffer.alloc(0);
    let serverHandshaken = false;
    server.on('data', (chunk: Buffer) => {
      const { frames, rest } = cutFrames(Buffer.concat([fromServer, chunk]));
      fromServer = rest;
      for (const frame of frames) {
        const xid = frame.readInt32BE(4);
        const rewrite = this.#rewrite;
        if (!serverHandshaken || xid === -1 || xid === -2 || !rewrite) {
          serverHandshaken = true;
          client.write(frame);
          continue;
        }
        this.#rewrite = undefined;
        const out = rewrite(frame);
        if (out === 'reset') {
          client.resetAndDestroy();
          server.resetAndDestroy();
          return;
        }
        client.write(out);
      }
    });
  }
}
