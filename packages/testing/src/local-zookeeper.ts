import { join, resolve } from 'node:path';
import { fourLetterWord } from './four-letter-word.js';
import { freePorts } from './free-ports.js';
import { LocalZooKeeperServer } from './local-zookeeper-server.js';
import { type LocalZooKeeperOptions, resolveCommonOptions } from './options.js';
import { LOOPBACK, MainClass, prepareServer } from './server-launch.js';
import type { ServerProcess } from './server-process.js';
import { makeTempDir, removeTempDir } from './temp-dir.js';
import { findZooKeeperInstallation } from './zookeeper-installation.js';
import { ZooKeeperStartError } from './zookeeper-start-error.js';

/** Attempts on a free port that another process took between our probe and the JVM's bind. */
const PORT_ATTEMPTS = 3;

/**
 * A real standalone Apache ZooKeeper server (ZooKeeperServerMain) in a child JVM on a free
 * 127.0.0.1 port, for integration tests:
 *
 * ```ts
 * await using zk = await LocalZooKeeper.start({ tickTime: 500 });
 * connect(zk.connectString);
 * ```
 *
 * `start()` resolves once the server answers `ruok` with `imok` and serves (`srvr` reports
 * `Mode: standalone`). `stop()` is final and removes the temporary directories; `kill()` and
 * `restart()` keep the port and the data. Uses `ZOOKEEPER_HOME`, else Debian's `zookeeper` package.
 */
export class LocalZooKeeper extends LocalZooKeeperServer implements AsyncDisposable {
  readonly #workDir: string;
  #stopping: Promise<void> | undefined;

  private constructor(supervisor: ServerProcess, port: number, dataDir: string, workDir: string) {
    super(supervisor, port, dataDir);
    this.#workDir = workDir;
  }

  /**
   * Starts a server and resolves once it serves.
   * @throws {ZooKeeperNotInstalledError} when Java or ZooKeeper is missing (nothing was started).
   * @throws {ZooKeeperStartError} when the JVM exits early or does not serve within
   *   `startTimeout` (default 30 s); the message holds the tail of its log, and the JVM is killed.
   * @throws {RangeError} for an invalid option.
   */
  static async start(options: LocalZooKeeperOptions = {}): Promise<LocalZooKeeper> {
    const resolved = resolveCommonOptions(options);
    const fixedPort = options.port;
    if (fixedPort !== undefined && (!Number.isInteger(fixedPort) || fixedPort < 1 || fixedPort > 65535)) {
      throw new RangeError(`port must be an integer in [1, 65535], got ${fixedPort}`);
    }
    const installation = findZooKeeperInstallation({ zookeeperHome: resolved.zookeeperHome, java: resolved.java });
    const workDir = await makeTempDir('zookit-zookeeper-');
    try {
      const dataDir = options.dataDir === undefined ? join(workDir, 'data') : resolve(options.dataDir);
      for (let attempt = 1; ; attempt++) {
        const port = fixedPort ?? ((await freePorts(1, LOOPBACK))[0] as number);
        const supervisor = await prepareServer(installation, resolved, {
          name: `ZooKeeper ${LOOPBACK}:${port}`,
          mainClass: MainClass.standalone,
          dir: workDir,
          dataDir,
          clientPort: port,
          config: {},
          isReady: async (status, signal) =>
            status?.mode === 'standalone' &&
            (await fourLetterWord(LOOPBACK, port, 'ruok', { timeout: 1000, signal }).catch(() => '')) === 'imok',
        });
        try {
          await supervisor.start();
          return new LocalZooKeeper(supervisor, port, dataDir, workDir);
        } catch (error) {
          const portTaken =
            error instanceof ZooKeeperStartError && /BindException|Address already in use/.test(error.logTail);
          if (fixedPort !== undefined || !portTaken || attempt >= PORT_ATTEMPTS) throw error;
        }
      }
    } catch (error) {
      await removeTempDir(workDir);
      throw error;
    }
  }

  /**
   * Final graceful shutdown (SIGTERM, then SIGKILL after the stop timeout), then removes the
   * temporary directory with the config, the log and, unless the caller chose `dataDir`, the
   * data. Idempotent: later calls return the same promise. `restart()` rejects afterwards.
   */
  override stop(): Promise<void> {
    this.#stopping ??= (async () => {
      await this.supervisor.close();
      await removeTempDir(this.#workDir);
    })();
    return this.#stopping;
  }

  /** {@link stop}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}
