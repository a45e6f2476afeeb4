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
 * (for files: after fsync). Implementations: {@link MemoryStorage}, {@link FileStorage} (on real
 * files or a {@link SimulatedDisk}).
 */
export interface Storage {
  /** Loads what survived and starts accepting appends. */
  open(onDurable: (zxid: bigint) => void): Promise<Recovered>;
  append(entry: LogEntry): void;
  close(): Promise<void>;
  /**
   * Optional: whether the storage wants a snapshot now (its own policy, e.g. every N entries).
   * The server asks after entries became durable and were applied.
   */
  snapshotDue?(): boolean;
  /**
   * Optional: stores `snapshot` (the applied state, taken between entries); resolves once it is
   * durable. The log at or before its lastZxid may then be dropped.
   */
  snapshot?(snapshot: CoreSnapshot): Promise<void>;
}
