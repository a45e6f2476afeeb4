import { type FourLetterWordOptions, fourLetterWord } from './four-letter-word.js';
import { LOOPBACK } from './server-launch.js';
import type { ServerProcess } from './server-process.js';

/**
 * One real ZooKeeper server running as a child JVM: a standalone {@link LocalZooKeeper} or a
 * member of a {@link LocalZooKeeperEnsemble}. Its port and data directory stay the same across
 * `kill()`/`stop()` and `restart()`. Every server process is SIGKILLed when this Node process exits.
 *
 * Not safe for overlapping lifecycle calls: await one before the next.
 */
export class LocalZooKeeperServer {
  /** The address the server listens on: always `127.0.0.1`. */
  readonly host: string = LOOPBACK;
  /** The client port. */
  readonly port: number;
  /** The data directory (snapshots and transaction logs). */
  readonly dataDir: string;
  /** Internal engine; not part of the API. */
  protected readonly supervisor: ServerProcess;

  /** @internal Created by {@link LocalZooKeeper.start} and {@link LocalZooKeeperEnsemble.start}. */
  constructor(supervisor: ServerProcess, port: number, dataDir: string) {
    this.supervisor = supervisor;
    this.port = port;
    this.dataDir = dataDir;
  }

  /** `127.0.0.1:<port>`, for any ZooKeeper client. */
  get connectString(): string {
    return `${this.host}:${this.port}`;
  }

  /** The JVM's pid, or `undefined` while it is not running. */
  get pid(): number | undefined {
    return this.supervisor.pid;
  }

  /** Whether the JVM runs (also when paused). */
  get running(): boolean {
    return this.supervisor.running;
  }

  /** Whether the JVM is paused by {@link pause}. */
  get paused(): boolean {
    return this.supervisor.paused;
  }

  /**
   * Sends a four-letter word (`ruok`, `srvr`, `mntr`, `stat`, `cons`, ...; all are whitelisted)
   * and resolves with the answer. Rejects with a `TimeoutError` when the server does not answer
   * in `options.timeout` ms (default 5000), e.g. while paused, and with a connection error when
   * it is not running.
   */
  fourLetterWord(command: string, options?: FourLetterWordOptions): Promise<string> {
    return fourLetterWord(this.host, this.port, command, options);
  }

  /**
   * Stops the server if it runs (gracefully, as {@link stop}), starts it again on the same port
   * with the same data, and resolves once it serves (an ensemble member: once it has rejoined
   * as leader or follower). Works after {@link kill}. Rejects with ZooKeeperStartError (log tail
   * included, process killed) when it does not serve within the start timeout.
   */
  async restart(): Promise<void> {
    await this.supervisor.stop();
    await this.supervisor.start();
  }

  /** SIGKILL (a crash: no shutdown, sockets reset); resolves once the JVM is gone. Data stays for {@link restart}. */
  async kill(): Promise<void> {
    await this.supervisor.kill();
  }

  /**
   * Graceful shutdown: SIGTERM, then SIGKILL if the JVM has not exited within the stop timeout.
   * Idempotent. This server's data stays and {@link restart} brings it back. (LocalZooKeeper
   * overrides this: its `stop()` is final.)
   */
  async stop(): Promise<void> {
    await this.supervisor.stop();
  }

  /**
   * SIGSTOP: the JVM keeps its sockets open (connections succeed, the kernel queues bytes) but
   * nothing is answered and no timer runs, like a long GC pause or a hung machine. Throws when
   * not running.
   */
  async pause(): Promise<void> {
    await this.supervisor.pause();
  }

  /** SIGCONT: undoes {@link pause}. Throws when not running. */
  async resume(): Promise<void> {
    this.supervisor.resume();
  }
}
