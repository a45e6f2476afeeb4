import type { LogEntry } from '../core/log-entry.js';
import type { CoreSnapshot } from '../core/snapshot.js';

/** What a storage kept: the newest valid snapshot (if any) and the entries after it, in zxid order. */
export interface Recovered {
  readonly snapshot: CoreSnapshot | undefined;
  readonly entries: LogEntry[];
}

/**
 * Where a server keeps its log. `append` queues an entry; the storage reports entries durable
 * through the callback given to `open`, in zxid order, never before they would survive a crash
 * (for files: after fsync). Implementations: {@link MemoryStorage}; files and a simulated disk
 * come with the durability work.
 */
export interface Storage {
  /** Loads what survived and starts accepting appends. */
  open(onDurable: (zxid: bigint) => void): Promise<Recovered>;
  append(entry: LogEntry): void;
  close(): Promise<void>;
}
