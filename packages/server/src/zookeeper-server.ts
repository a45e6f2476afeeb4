import { JUTE_MAX_BUFFER } from '@zookit/protocol';
import type { LogEntry } from './core/log-entry.js';
import { PendingLog } from './core/pending-log.js';
import { type CoreConfig, ServerCore } from './core/server-core.js';
import { takeSnapshot } from './core/snapshot.js';
import { answerFourLetterWord } from './four-letter/answer.js';
import type { FourLetterWord } from './net/four-letter-words.js';
import { TcpServer } from './net/tcp-server.js';
import { FileStorage } from './storage/file-storage.js';
import { MemoryStorage } from './storage/memory-storage.js';
import type { Storage } from './storage/storage.js';

/** Options of {@link ZooKeeperServer.start}. Defaults follow ZooKeeper's unless noted. */
export interface ZooKeeperServerOptions {
  /** Listen port; 0 (default) picks a free one. */
  port?: number;
  /** Listen address. Default 127.0.0.1. */
  host?: string;
  /** ZooKeeper's tick in ms. Default 2000. */
  tickTime?: number;
  /** Default 2 × tickTime. */
  minSessionTimeout?: number;
  /** Default 20 × tickTime. */
  maxSessionTimeout?: number;
  /** A storage for the log; default in memory (nothing survives the process), or files in `dataDir`. */
  storage?: Storage;
  /**
   * A data directory: the log and snapshots are kept there ({@link FileStorage}: a write is
   * acknowledged only after fsync) and recovered at start. Not together with `storage`.
   */
  dataDir?: string;
  /** With `dataDir`: entries between snapshots (ZooKeeper's snapCount). Default 100000. */
  snapshotEvery?: number;
  /** `user:base64(sha1(user:password))` of the super user (DigestAuthenticationProvider.superDigest). */
  superDigest?: string;
  /** Four-letter words answered; default all (ZooKeeper's default is srvr only). */
  fourLetterWords?: readonly FourLetterWord[] | 'all';
  /**
   * ZooKeeper's maxClientCnxns: connections allowed at once from one client IP address (four-letter
   * words included), an integer; 0 for no limit. Default 60, as ZooKeeper. A connection over the
   * cap is closed at once without a reply, as ZooKeeper does (FIN, then RST): the client sees an
   * end of stream or ECONNRESET/EPIPE, never a ConnectResponse.
   */
  maxClientCnxns?: number;
  /** jute.maxbuffer: the largest frame accepted. Default 0xfffff. */
  maxFrameSize?: number;
  /** TTL nodes (zookeeper.extendedTypesEnabled). Default true (ZooKeeper: false). */
  extendedTypes?: boolean;
  /** How often empty containers and expired TTL nodes are reaped, in ms. Default 1000 (ZooKeeper: 60000). */
  reapIntervalMs?: number;
  /** Server id: the top byte of session ids. Default 1. */
  serverId?: number;
}

/**
 * A ZooKeeper-compatible server in this process, over real TCP:
 *
 * ```ts
 * await using server = await ZooKeeperServer.start();
 * const zk = await ZooKeeperClient.connect(server.connectString);
 * ```
 *
 * Clients cannot tell it from ZooKeeper 3.8/3.9 except for the differences listed in
 * docs/compatibility.md. `close()` drops every connection (sessions end with the process).
 */
export class ZooKeeperServer implements AsyncDisposable {
  readonly host: string;
  readonly core: ServerCore;
  readonly #tcp: TcpServer;
  readonly #storage: Storage;
  readonly #ticker: NodeJS.Timeout;
  #closing: Promise<void> | undefined;

  private constructor(host: string, core: ServerCore, tcp: TcpServer, storage: Storage, ticker: NodeJS.Timeout) {
    this.host = host;
    this.core = core;
    this.#tcp = tcp;
    this.#storage = storage;
    this.#ticker = ticker;
  }

  /** Starts a server; resolves once it accepts connections. */
  static async start(options: ZooKeeperServerOptions = {}): Promise<ZooKeeperServer> {
    const tickTime = positive('tickTime', options.tickTime ?? 2000);
    const config: CoreConfig = {
      tickTime,
      minSessionTimeout: positive('minSessionTimeout', options.minSessionTimeout ?? 2 * tickTime),
      maxSessionTimeout: positive('maxSessionTimeout', options.maxSessionTimeout ?? 20 * tickTime),
      extendedTypes: options.extendedTypes ?? true,
      superDigest: options.superDigest,
      serverId: options.serverId ?? 1,
      reapIntervalMs: positive('reapIntervalMs', options.reapIntervalMs ?? 1000),
    };
    if (config.minSessionTimeout > config.maxSessionTimeout) {
      throw new RangeError(
        `minSessionTimeout (${config.minSessionTimeout}) exceeds maxSessionTimeout (${config.maxSessionTimeout})`,
      );
    }
    const maxClientCnxns = options.maxClientCnxns ?? 60;
    if (!Number.isInteger(maxClientCnxns) || maxClientCnxns < 0) {
      throw new RangeError(`maxClientCnxns must be an integer ≥ 0 (0: no limit), got ${maxClientCnxns}`);
    }
    const words = options.fourLetterWords ?? 'all';
    if (options.storage && options.dataDir !== undefined) {
      throw new TypeError('dataDir: give either storage or dataDir, not both');
    }
    if (options.snapshotEvery !== undefined && options.dataDir === undefined) {
      throw new TypeError('snapshotEvery: only meaningful with dataDir');
    }
    const storage: Storage =
      options.storage ??
      (options.dataDir !== undefined
        ? new FileStorage(options.dataDir, { snapshotEvery: options.snapshotEvery })
        : new MemoryStorage());
    let tcp: TcpServer | undefined;
    const log = new PendingLog<number>((entry: LogEntry) => storage.append(entry));
    const core: ServerCore = new ServerCore(
      config,
      {
        send: (connection, frame) => tcp?.send(connection, frame),
        close: (connection) => tcp?.close(connection),
        submit: (draft, token, now) => log.append(draft, now, token),
      },
      Date.now(),
    );
    const recovered = await storage.open((zxid) => {
      log.durable(zxid, (entry, token) => core.commit(entry, token, Date.now()));
      // Here, between entries, the applied state is consistent (not a fuzzy snapshot).
      if (storage.snapshot && storage.snapshotDue?.()) {
        storage.snapshot(takeSnapshot(core)).catch((err: Error) => {
          // Not fatal: the log still holds every entry; the next snapshot tries again.
          process.emitWarning(`snapshot failed: ${err.message}`, { code: 'ZOOKIT_SNAPSHOT_FAILED' });
        });
      }
    });
    core.recover(recovered.snapshot, recovered.entries, Date.now());
    log.recovered(core.lastZxid);
    tcp = await TcpServer.listen(
      {
        open: (connection, ip, port) => core.open(connection, ip, port, Date.now()),
        receive: (connection, payload) => core.receive(connection, payload, Date.now()),
        closed: (connection) => core.closed(connection),
        fourLetterWord: (word) =>
          words === 'all' || words.includes(word)
            ? answerFourLetterWord(word, {
                core,
                now: Date.now(),
                port: tcp?.port ?? 0,
                dataDir: options.dataDir,
                maxClientCnxns,
              })
            : undefined,
      },
      {
        host: options.host ?? '127.0.0.1',
        port: options.port ?? 0,
        maxFrameSize: options.maxFrameSize ?? JUTE_MAX_BUFFER,
        maxClientCnxns,
      },
    );
    const ticker = setInterval(
      () => core.tick(Date.now()),
      Math.max(10, Math.min(tickTime, config.reapIntervalMs) / 4),
    );
    ticker.unref();
    return new ZooKeeperServer(options.host ?? '127.0.0.1', core, tcp, storage, ticker);
  }

  get port(): number {
    return this.#tcp.port;
  }

  /** `host:port` to give to clients. */
  get connectString(): string {
    return `${this.host}:${this.port}`;
  }

  /** Stops listening, drops every connection and closes the storage. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      clearInterval(this.#ticker);
      await this.#tcp.stop();
      await this.#storage.close();
    })();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number, got ${value}`);
  return value;
}
