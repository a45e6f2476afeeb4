/**
 * @zookit/testing — tools for testing ZooKeeper applications. Today: real Apache ZooKeeper as
 * child JVMs (a standalone {@link LocalZooKeeper} and a {@link LocalZooKeeperEnsemble}) with
 * process-level fault injection (kill, pause, restart), and the four-letter-word helpers they
 * are built on. See README.md.
 */

export type { ExpireSessionOptions } from './expire-session.js';
export { expireSession } from './expire-session.js';
export type { FaultProxyMode, FaultProxyOptions } from './fault-proxy.js';
export { FaultProxy } from './fault-proxy.js';
export type { FourLetterWordOptions } from './four-letter-word.js';
export { fourLetterWord } from './four-letter-word.js';
export { freePorts } from './free-ports.js';
export { LocalZooKeeper } from './local-zookeeper.js';
export type { LeaderOptions } from './local-zookeeper-ensemble.js';
export { LocalZooKeeperEnsemble } from './local-zookeeper-ensemble.js';
export { LocalZooKeeperServer } from './local-zookeeper-server.js';
export type {
  ConfigValue,
  LocalZooKeeperCommonOptions,
  LocalZooKeeperEnsembleOptions,
  LocalZooKeeperOptions,
} from './options.js';
export type { SrvrStatus } from './parse-srvr.js';
export { parseSrvr } from './parse-srvr.js';
export { processStopped } from './process-stopped.js';
export type { WaitUntilOptions } from './wait-until.js';
export { waitUntil } from './wait-until.js';
export type { FindZooKeeperOptions, ZooKeeperInstallation } from './zookeeper-installation.js';
export { findZooKeeperInstallation } from './zookeeper-installation.js';
export { ZooKeeperNotInstalledError } from './zookeeper-not-installed-error.js';
export { ZooKeeperStartError } from './zookeeper-start-error.js';
