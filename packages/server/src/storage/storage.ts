import type { LogEntry } from '../core/log-entry.js';

/**
 * Where a server keeps its log. `append` queues an entry; the storage reports entries durable
 * through the callback given to `open`, in zxid order, never before they would survive a crash
 * (for files: after fsync). Implementations: {@link MemoryStorage}; files and a simulated disk
 * come with the durability work.
 */
export interface Storage {
  /** Loads what survived (entries in zxid order) and starts accepting appends. */
  open(onDurable: (zxid: bigint) => void): Promise<LogEntry[]>;
  append(entry: LogEntry): void;
  close(): Promise<void>;
}
