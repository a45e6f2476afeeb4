/**
 * @zookit/server — a ZooKeeper-compatible server that runs in this process over real TCP, for
 * tests, examples and local development. Its core is a deterministic state machine
 * ({@link ServerCore}) usable without TCP.
 */

export { digestId } from './core/acl.js';
export { LogEntry } from './core/log-entry.js';
export type { CoreConfig, CoreOutput } from './core/server-core.js';
export { ServerCore } from './core/server-core.js';
export type { CoreSnapshot, SnapshotNode } from './core/snapshot.js';
export { takeSnapshot } from './core/snapshot.js';
export type { FourLetterWord } from './net/four-letter-words.js';
export { FOUR_LETTER_WORDS } from './net/four-letter-words.js';
export { MemoryStorage } from './storage/memory-storage.js';
export type { Recovered, Storage } from './storage/storage.js';
export type { ZooKeeperServerOptions } from './zookeeper-server.js';
export { ZooKeeperServer } from './zookeeper-server.js';
