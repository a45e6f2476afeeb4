import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePorts } from './free-ports.js';
import { LocalZooKeeperServer } from './local-zookeeper-server.js';
import { type LocalZooKeeperEnsembleOptions, resolveCommonOptions } from './options.js';
import type { SrvrStatus } from './parse-srvr.js';
import { LOOPBACK, MainClass, prepareServer, srvrStatus } from './server-launch.js';
import type { ServerProcess } from './server-process.js';
import { makeTempDir, removeTempDir } from './temp-dir.js';
import { waitUntil } from './wait-until.js';
import { findZooKeeperInstallation } from './zookeeper-installation.js';
import { ZooKeeperStartError } from './zookeeper-start-error.js';

/** Modes of a member that serves clients. */
const SERVING_MODES = new Set(['leader', 'follower']);

/** Options of {@link LocalZooKeeperEnsemble.leader}. */
export interface LeaderOptions {
  /** Give up after this many ms. Default: the ensemble's start timeout. */
  timeout?: number;
  /** Stops waiting; rejects with `signal.reason`. */
  signal?: AbortSignal;
}

/**
 * A real Apache ZooKeeper ensemble: `servers` QuorumPeerMain JVMs (default 3) on free
 * 127.0.0.1 ports, each with its own data directory and `myid`, all voting members:
 *
 * ```ts
 * await using ensemble = await LocalZooKeeperEnsemble.start({ servers: 3, tickTime: 500 });
 * const leader = await ensemble.leader();
 * await ensemble.servers[leader].kill();
 * const next = await ensemble.leader(); // elected by the other two
 * ```
 *
 * `start()` resolves once every server serves (`srvr` says leader or follower) and exactly one
 * is leader. Members keep ports and data across their own `stop()`/`kill()`/`restart()`; the
 * ensemble's `stop()` ends all of them for good and removes every directory.
 */
export class LocalZooKeeperEnsemble implements AsyncDisposable {
  /** The members, in `myid` order (`servers[i]` has myid i + 1). */
  readonly servers: readonly LocalZooKeeperServer[];
  readonly #supervisors: readonly ServerProcess[];
  readonly #dir: string;
  readonly #startTimeout: number;
  #stopping: Promise<void> | undefined;

  private constructor(
    supervisors: ServerProcess[],
    servers: LocalZooKeeperServer[],
    dir: string,
    startTimeout: number,
  ) {
    this.#supervisors = supervisors;
    this.servers = servers;
    this.#dir = dir;
    this.#startTimeout = startTimeout;
  }

  /**
   * Starts the ensemble and resolves once it has formed a quorum with one leader.
   * @throws {ZooKeeperNotInstalledError} when Java or ZooKeeper is missing (nothing was started).
   * @throws {ZooKeeperStartError} when a member exits early or no quorum forms within
   *   `startTimeout` (default 30 s); the message holds each member's mode and log tail, and every
   *   member is killed.
   * @throws {RangeError} for an invalid option.
   */
  static async start(options: LocalZooKeeperEnsembleOptions = {}): Promise<LocalZooKeeperEnsemble> {
    const resolved = resolveCommonOptions(options);
    const count = options.servers ?? 3;
    if (!Number.isInteger(count) || count < 2 || count > 9) {
      throw new RangeError(`servers must be an integer in [2, 9], got ${count}`);
    }
    const installation = findZooKeeperInstallation({ zookeeperHome: resolved.zookeeperHome, java: resolved.java });
    const dir = await makeTempDir('zookit-ensemble-');
    const supervisors: ServerProcess[] = [];
    try {
      // client, quorum and election port of each member
      const ports = await freePorts(3 * count, LOOPBACK);
      const port = (member: number, kind: 0 | 1 | 2): number => ports[3 * member + kind] as number;
      const serverLines: Record<string, string> = {};
      for (let i = 0; i < count; i++) serverLines[`server.${i + 1}`] = `${LOOPBACK}:${port(i, 1)}:${port(i, 2)}`;
      const servers: LocalZooKeeperServer[] = [];
      for (let i = 0; i < count; i++) {
        const memberDir = join(dir, `server-${i + 1}`);
        const dataDir = join(memberDir, 'data');
        await mkdir(dataDir, { recursive: true });
        await writeFile(join(dataDir, 'myid'), `${i + 1}\n`);
        const supervisor = await prepareServer(installation, resolved, {
          name: `ZooKeeper server ${i + 1} (${LOOPBACK}:${port(i, 0)})`,
          mainClass: MainClass.quorum,
          dir: memberDir,
          dataDir,
          clientPort: port(i, 0),
          config: { initLimit: 10, syncLimit: 5, ...serverLines },
          isReady: async (status) => status !== undefined && SERVING_MODES.has(status.mode),
        });
        supervisors.push(supervisor);
        servers.push(new LocalZooKeeperServer(supervisor, port(i, 0), dataDir));
      }
      const ensemble = new LocalZooKeeperEnsemble(supervisors, servers, dir, resolved.startTimeout);
      for (const supervisor of supervisors) await supervisor.spawn();
      await ensemble.#awaitLeader({ timeout: resolved.startTimeout }, true);
      return ensemble;
    } catch (error) {
      await Promise.all(supervisors.map((s) => s.kill()));
      const tails = await Promise.all(supervisors.map(async (s) => `[${s.spec.name}]\n${await s.logTail()}`));
      await removeTempDir(dir);
      if (!(error instanceof Error)) throw error;
      throw new ZooKeeperStartError(`ensemble did not start: ${error.message}`, tails.join('\n'), { cause: error });
    }
  }

  /** Every member's address, comma-separated (`127.0.0.1:p1,127.0.0.1:p2,...`), for any client. */
  get connectString(): string {
    return this.servers.map((server) => server.connectString).join(',');
  }

  /**
   * Index in {@link servers} of the current leader, via `srvr`. Members that are not running or
   * are paused are left out; waits (polling, bounded by `timeout`) until every other member
   * serves and exactly one of them is leader, e.g. while a new leader is being elected.
   * Rejects with an Error listing each member's mode when that does not happen in time.
   */
  async leader(options: LeaderOptions = {}): Promise<number> {
    return this.#awaitLeader(options, false);
  }

  /**
   * Final graceful shutdown of every member (in parallel; SIGTERM, then SIGKILL after the stop
   * timeout), then removes every data directory. Idempotent: later calls return the same promise.
   */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      await Promise.all(this.#supervisors.map((s) => s.close()));
      await removeTempDir(this.#dir);
    })();
    return this.#stopping;
  }

  /** {@link stop}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  /** Waits for one leader among the running, unpaused members (`all`: every member must run). */
  async #awaitLeader(options: LeaderOptions, all: boolean): Promise<number> {
    let seen = 'no member answered yet';
    try {
      return await waitUntil(
        async (signal) => {
          const members = this.#supervisors.map((supervisor, index) => ({ supervisor, index }));
          if (all) {
            const gone = members.find(({ supervisor }) => !supervisor.running);
            if (gone) throw new Error(`${gone.supervisor.spec.name} ${gone.supervisor.exit ?? 'is not running'}`);
          }
          const live = members.filter(({ supervisor }) => supervisor.running && !supervisor.paused);
          const statuses = await Promise.all(
            live.map(({ index }) => srvrStatus((this.servers[index] as LocalZooKeeperServer).port, signal)),
          );
          seen = describe(live, statuses);
          if (statuses.length === 0 || statuses.some((s) => s === undefined || !SERVING_MODES.has(s.mode))) return;
          const leaders = live.filter((_, i) => statuses[i]?.mode === 'leader');
          return leaders.length === 1 ? (leaders[0] as { index: number }).index : undefined;
        },
        {
          timeout: options.timeout ?? this.#startTimeout,
          ...(options.signal ? { signal: options.signal } : {}),
          description: 'exactly one leader among the running members',
        },
      );
    } catch (error) {
      if (options.signal?.aborted && error === options.signal.reason) throw error;
      throw new Error(`${error instanceof Error ? error.message : String(error)} (${seen})`, { cause: error });
    }
  }
}

function describe(live: Array<{ index: number }>, statuses: Array<SrvrStatus | undefined>): string {
  if (live.length === 0) return 'no member is running';
  return live.map(({ index }, i) => `server ${index + 1}: ${statuses[i]?.mode ?? 'not serving'}`).join(', ');
}
