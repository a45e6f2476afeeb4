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
export type { Disk, DiskFile } from './storage/disk.js';
export type { FileStorageOptions, FileStorageStats } from './storage/file-storage.js';
export { FileStorage } from './storage/file-storage.js';
export { MemoryStorage } from './storage/memory-storage.js';
export { NodeDisk } from './storage/node-disk.js';
export type { DiskCounts, SimulatedDiskOptions } from './storage/simulated-disk.js';
export { DiskCrashedError, SimulatedDisk } from './storage/simulated-disk.js';
export type { Recovered, Storage } from './storage/storage.js';
export { CorruptDataError } from './storage/wal-recovery.js';
export type { ZooKeeperServerOptions } from './zookeeper-server.js';
export { ZooKeeperServer } from './zookeeper-server.js';
