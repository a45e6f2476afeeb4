// What a standalone server and an ensemble member have in common: zoo.cfg defaults, the JVM
// command line, and the readiness probes. Each kind adds its own config lines and probe.
import { mkdir, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { fourLetterWord } from './four-letter-word.js';
import type { ConfigValue, ResolvedCommonOptions } from './options.js';
import { parseSrvr, type SrvrStatus } from './parse-srvr.js';
import { ServerProcess } from './server-process.js';
import { formatZooCfg } from './zoo-cfg.js';
import type { ZooKeeperInstallation } from './zookeeper-installation.js';

/** Every server listens on this address only. */
export const LOOPBACK = '127.0.0.1';

/** Flags that make a small JVM start fast; user flags come after them and win. */
const FAST_START_FLAGS = [
  '-Xshare:auto',
  '-XX:TieredStopAtLevel=1',
  '-XX:+UseSerialGC',
  '-Xmx256m',
  '-XX:-UsePerfData',
];

const DEFAULT_SYSTEM_PROPERTIES: Readonly<Record<string, ConfigValue>> = {
  // Also set in zoo.cfg; as a -D it is in place before any class reads it.
  'zookeeper.extendedTypesEnabled': true,
  'zookeeper.admin.enableServer': false,
  'zookeeper.jmx.log4j.disable': true,
  // Only read when slf4j-simple is the binding (Debian's jars).
  'org.slf4j.simpleLogger.showDateTime': true,
  'org.slf4j.simpleLogger.dateTimeFormat': 'HH:mm:ss.SSS',
};

/** The main class of a standalone server and of a quorum member. */
export const MainClass = {
  standalone: 'org.apache.zookeeper.server.ZooKeeperServerMain',
  quorum: 'org.apache.zookeeper.server.quorum.QuorumPeerMain',
} as const;

/** One server to prepare (internal). */
export interface ServerLayout {
  /** For messages. */
  readonly name: string;
  readonly mainClass: (typeof MainClass)[keyof typeof MainClass];
  /** Holds zoo.cfg and zookeeper.log; must exist. */
  readonly dir: string;
  readonly dataDir: string;
  readonly clientPort: number;
  /** Lines of this kind of server (server.N, initLimit...), between the defaults and the user's. */
  readonly config: Readonly<Record<string, ConfigValue>>;
  /** When it serves, given its srvr status (`undefined`: not serving or not answering). */
  readonly isReady: (status: SrvrStatus | undefined, signal: AbortSignal) => Promise<boolean>;
}

/** Writes the server's zoo.cfg and data directory and returns its (not yet started) process. */
export async function prepareServer(
  installation: ZooKeeperInstallation,
  options: ResolvedCommonOptions,
  layout: ServerLayout,
): Promise<ServerProcess> {
  await mkdir(layout.dataDir, { recursive: true });
  const configFile = join(layout.dir, 'zoo.cfg');
  const config: Record<string, ConfigValue> = {
    tickTime: options.tickTime,
    ...(options.minSessionTimeout === undefined ? {} : { minSessionTimeout: options.minSessionTimeout }),
    ...(options.maxSessionTimeout === undefined ? {} : { maxSessionTimeout: options.maxSessionTimeout }),
    dataDir: layout.dataDir,
    clientPort: layout.clientPort,
    clientPortAddress: LOOPBACK,
    'admin.enableServer': false,
    '4lw.commands.whitelist': '*',
    extendedTypesEnabled: true,
    forceSync: 'no',
    ...layout.config,
    ...options.config,
  };
  await writeFile(configFile, formatZooCfg(config));
  const properties = { ...DEFAULT_SYSTEM_PROPERTIES, ...options.systemProperties };
  const args = [
    ...FAST_START_FLAGS,
    ...options.jvmFlags,
    ...Object.entries(properties).map(([key, value]) => `-D${key}=${String(value)}`),
    '-cp',
    installation.classpath.join(delimiter),
    layout.mainClass,
    configFile,
  ];
  return new ServerProcess({
    name: layout.name,
    command: installation.java,
    args,
    logFile: join(layout.dir, 'zookeeper.log'),
    isReady: async (signal) => layout.isReady(await srvrStatus(layout.clientPort, signal), signal),
    startTimeout: options.startTimeout,
    stopTimeout: options.stopTimeout,
  });
}

/**
 * The server's srvr status, or `undefined` when it is not serving, not listening or not
 * answering within 1 s. Throws when the answer is in a format {@link parseSrvr} does not know.
 */
export async function srvrStatus(port: number, signal?: AbortSignal): Promise<SrvrStatus | undefined> {
  let answer: string;
  try {
    answer = await fourLetterWord(LOOPBACK, port, 'srvr', { timeout: 1000, ...(signal ? { signal } : {}) });
  } catch {
    return undefined; // refused while starting, timed out while paused, or aborted
  }
  return parseSrvr(answer);
}
