import { encode } from '@zookit/protocol';
import { LogEntry } from '../core/log-entry.js';
import type { CoreSnapshot } from '../core/snapshot.js';
import type { Disk, DiskFile } from './disk.js';
import { NodeDisk } from './node-disk.js';
import { decodeSnapshot, encodeSnapshot, parseSnapshotName, snapshotName } from './snapshot-file.js';
import type { Recovered, Storage } from './storage.js';
import { encodeRecord, encodeSegmentHeader, SEGMENT_HEADER_SIZE, segmentName } from './wal-format.js';
import { recoverWal, type Segment } from './wal-recovery.js';

/** Options of {@link FileStorage}. */
export interface FileStorageOptions {
  /** Where the files live. Default: the real file system ({@link NodeDisk}). */
  readonly disk?: Disk;
  /** Entries between snapshots (ZooKeeper's snapCount). Default 100000. */
  readonly snapshotEvery?: number;
  /**
   * Snapshots kept, and the log back to the oldest of them, so that a snapshot that fails its
   * checksum falls back to the one before. Default 2; 1 drops the log as soon as a snapshot covers it.
   */
  readonly keepSnapshots?: number;
  /** A segment that reached this size is closed and a new one started. Default 64 MiB. */
  readonly segmentBytes?: number;
  /**
   * Segments are extended with zeros this many bytes at a time, ahead of the writes (ZooKeeper's
   * preAllocSize), so that a commit overwrites zeros instead of growing the file and its fdatasync
   * need not commit a new size; a segment is never preallocated beyond `segmentBytes`. Default
   * 64 MiB; 0 disables it (every commit then grows the file).
   */
  readonly preallocateBytes?: number;
  /**
   * Called once if writing or syncing the log fails. From then on nothing more is acknowledged
   * (after a failed fsync nothing written since the last good one can be trusted) and `close()`
   * rejects with the error. Default: throw it as an uncaught exception, as ZooKeeper exits.
   */
  readonly onError?: (error: Error) => void;
}

/** Counters of a {@link FileStorage} since it was opened. */
export interface FileStorageStats {
  /** Entries made durable. */
  readonly entries: number;
  /** Group commits: each is one write and one fsync of the log. */
  readonly commits: number;
  /** Entries in the largest group commit. */
  readonly largestCommit: number;
  readonly logBytes: number;
  readonly snapshots: number;
}

type State = 'new' | 'opening' | 'open' | 'closing' | 'closed';

interface Current {
  readonly file: DiskFile;
  size: number;
  allocated: number;
}

/**
 * Durable storage in a data directory: a checksummed write-ahead log in segment files, and
 * snapshots. Everything appended in one event-loop turn (and while the previous commit is in
 * flight) is written with one write and one fdatasync, then reported durable; nothing is
 * reported before its fsync. Segments are preallocated with zeros in large chunks, so that most
 * commits overwrite zeros and their fdatasync has no file size to commit. Snapshots are written
 * to a temp file, fsynced, renamed and the directory fsynced; then the log they cover is deleted.
 * `open` recovers the newest valid snapshot and the log after it, cuts off a torn tail, and
 * rejects with CorruptDataError on damage elsewhere. The directory layout and the recovery rules
 * are described in the package README. One process per directory: nothing guards against two.
 */
export class FileStorage implements Storage {
  readonly dir: string;
  readonly #disk: Disk;
  readonly #snapshotEvery: number;
  readonly #keepSnapshots: number;
  readonly #segmentBytes: number;
  readonly #preallocateBytes: number;
  readonly #onError: (error: Error) => void;
  #state: State = 'new';
  #opening: Promise<Recovered> | undefined;
  #closing: Promise<void> | undefined;
  #failure: Error | undefined;
  #onDurable: ((zxid: bigint) => void) | undefined;
  #queue: Buffer[] = [];
  #lastAppended = 0n;
  #durable = 0n;
  #segments: Segment[] = [];
  /** The segment being written: where its next record goes (`size`), and its length with zeros (`allocated`). */
  #current: Current | undefined;
  #roll = false;
  #flushing: Promise<void> | undefined;
  #sinceSnapshot = 0;
  #snapshotting: Promise<void> | undefined;
  /** lastZxid of the snapshots on disk, ascending. */
  #snapshots: bigint[] = [];
  #stats = { entries: 0, commits: 0, largestCommit: 0, logBytes: 0, snapshots: 0 };

  constructor(dir: string, options: FileStorageOptions = {}) {
    if (typeof dir !== 'string' || dir === '') throw new TypeError('dir: expected a non-empty path');
    this.dir = dir.length > 1 ? dir.replace(/[/\\]+$/, '') : dir;
    this.#disk = options.disk ?? new NodeDisk();
    this.#snapshotEvery = atLeast('snapshotEvery', options.snapshotEvery ?? 100_000, 1);
    this.#keepSnapshots = atLeast('keepSnapshots', options.keepSnapshots ?? 2, 1);
    this.#segmentBytes = atLeast('segmentBytes', options.segmentBytes ?? 64 * 1024 * 1024, 1);
    this.#preallocateBytes = atLeast('preallocateBytes', options.preallocateBytes ?? 64 * 1024 * 1024, 0);
    this.#onError =
      options.onError ??
      ((error) =>
        process.nextTick(() => {
          throw error;
        }));
  }

  /** Counters since open (group commit: `entries / commits` entries per fsync). */
  stats(): FileStorageStats {
    return { ...this.#stats };
  }

  open(onDurable: (zxid: bigint) => void): Promise<Recovered> {
    if (this.#state !== 'new') return Promise.reject(new Error(`FileStorage ${this.dir}: open() was already called`));
    this.#state = 'opening';
    this.#opening = this.#open(onDurable);
    return this.#opening;
  }

  async #open(onDurable: (zxid: bigint) => void): Promise<Recovered> {
    const disk = this.#disk;
    await disk.mkdir(this.dir);
    const names = await disk.list(this.dir);
    for (const name of names.filter((n) => n.endsWith('.tmp'))) {
      // A snapshot whose writing a crash interrupted: never renamed, so never relied on.
      await disk.remove(this.#path(name));
    }
    const found = names
      .map((name) => parseSnapshotName(name))
      .filter((zxid): zxid is bigint => zxid !== undefined)
      .sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
    let snapshot: CoreSnapshot | undefined;
    for (const zxid of found) {
      const path = this.#path(snapshotName(zxid));
      const bytes = await disk.read(path);
      try {
        snapshot = decodeSnapshot(bytes);
        if (snapshot.lastZxid !== zxid) throw new Error('the name and the content disagree on lastZxid');
        break;
      } catch (err) {
        snapshot = undefined;
        // Kept for inspection under a name recovery ignores. Falling back is safe only if the log
        // reaches back to the older snapshot; recoverWal refuses to start otherwise.
        await disk.rename(path, `${path}.corrupt`);
        await disk.syncDir(this.dir);
        process.emitWarning(`${path}: ${(err as Error).message}; moved to ${path}.corrupt, using an older snapshot`, {
          code: 'ZOOKIT_CORRUPT_SNAPSHOT',
        });
      }
    }
    const base = snapshot?.lastZxid ?? 0n;
    const wal = await recoverWal(disk, this.dir, names, base);
    this.#segments = wal.segments;
    this.#snapshots = found.filter((zxid) => zxid <= base).reverse();
    this.#lastAppended = this.#durable = wal.lastZxid;
    this.#onDurable = onDurable;
    await this.#collect();
    this.#state = 'open';
    return { snapshot, entries: wal.entries };
  }

  append(entry: LogEntry): void {
    if (this.#state !== 'open' && this.#state !== 'closing') {
      throw new Error(`FileStorage ${this.dir}: append() while ${this.#state}`);
    }
    // After a failure nothing is acknowledged any more; the failure was reported once.
    if (this.#failure) return;
    if (entry.zxid <= this.#lastAppended) {
      throw new RangeError(`entry.zxid: ${entry.zxid} does not follow the last appended ${this.#lastAppended}`);
    }
    this.#queue.push(encodeRecord(entry.zxid, encode(LogEntry, entry)));
    this.#lastAppended = entry.zxid;
    this.#flushing ??= this.#flush();
  }

  async #flush(): Promise<void> {
    try {
      // Let the rest of this event-loop turn append too: it all goes into one commit.
      await new Promise<void>((resolve) => setImmediate(resolve));
      while (this.#queue.length > 0 && !this.#failure) {
        let last: bigint;
        try {
          last = await this.#commit();
        } catch (err) {
          this.#fail(err as Error);
          return;
        }
        // Outside the try: an exception here is the caller's bug, not a storage failure.
        this.#onDurable?.(last);
      }
    } finally {
      this.#flushing = undefined;
    }
  }

  /** Writes and fsyncs everything queued; returns the last zxid made durable. */
  async #commit(): Promise<bigint> {
    const records = this.#queue;
    this.#queue = [];
    const last = this.#lastAppended;
    let bytes = Buffer.concat(records);
    const full = this.#current !== undefined && this.#current.size + bytes.length > this.#segmentBytes;
    const start = !this.#current || this.#roll || (full && this.#current.size > SEGMENT_HEADER_SIZE);
    if (start) {
      await this.#current?.file.close();
      this.#current = undefined;
      this.#roll = false;
      const seq = (this.#segments.at(-1)?.seq ?? 0) + 1;
      const name = segmentName(seq);
      const file = await this.#disk.open(this.#path(name), 'create');
      this.#current = { file, size: 0, allocated: 0 };
      this.#segments.push({ seq, name, prevZxid: this.#durable });
      bytes = Buffer.concat([encodeSegmentHeader(this.#durable), bytes]);
    }
    const current = this.#current as Current;
    const end = current.size + bytes.length;
    if (end > current.allocated && this.#preallocateBytes > 0) {
      // Whole chunks beyond this write (so the next ones find zeros), but not past where the
      // segment rolls. The fdatasync below makes the new size durable with this write: only a
      // commit that extends the file pays for a size change.
      const chunk = this.#preallocateBytes;
      current.allocated = Math.max(end, Math.min((Math.floor(end / chunk) + 1) * chunk, this.#segmentBytes));
      if (current.allocated > end) await current.file.preallocate(current.allocated);
    }
    await current.file.append(bytes);
    current.size = end;
    await current.file.sync();
    // A new file's name is durable only once its directory is synced.
    if (start) await this.#disk.syncDir(this.dir);
    this.#durable = last;
    this.#sinceSnapshot += records.length;
    this.#stats.entries += records.length;
    this.#stats.commits++;
    this.#stats.largestCommit = Math.max(this.#stats.largestCommit, records.length);
    this.#stats.logBytes += bytes.length;
    return last;
  }

  #fail(cause: Error): void {
    this.#failure = new Error(
      `FileStorage ${this.dir}: writing the log failed (${cause.message}); nothing appended since is acknowledged`,
      { cause },
    );
    this.#queue = [];
    this.#onError(this.#failure);
  }

  snapshotDue(): boolean {
    return (
      this.#state === 'open' && !this.#failure && !this.#snapshotting && this.#sinceSnapshot >= this.#snapshotEvery
    );
  }

  snapshot(snapshot: CoreSnapshot): Promise<void> {
    if (this.#state !== 'open')
      return Promise.reject(new Error(`FileStorage ${this.dir}: snapshot() while ${this.#state}`));
    let bytes: Uint8Array;
    try {
      // Encoded now: the caller's state moves on as soon as this returns.
      bytes = encodeSnapshot(snapshot);
    } catch (err) {
      return Promise.reject(err);
    }
    this.#sinceSnapshot = 0;
    // Entries from now on go to a new segment, so that the current one is soon wholly covered.
    this.#roll = true;
    // One snapshot at a time; an earlier one's error went to its own caller.
    const run = (this.#snapshotting ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => this.#writeSnapshot(snapshot.lastZxid, bytes));
    const settled = () => {
      if (this.#snapshotting === run) this.#snapshotting = undefined;
    };
    this.#snapshotting = run;
    run.then(settled, settled);
    return run;
  }

  async #writeSnapshot(lastZxid: bigint, bytes: Uint8Array): Promise<void> {
    const newest = this.#snapshots.at(-1);
    if (newest !== undefined && lastZxid <= newest) return;
    const path = this.#path(snapshotName(lastZxid));
    const file = await this.#disk.open(`${path}.tmp`, 'create');
    try {
      await file.append(bytes);
      await file.sync();
    } finally {
      await file.close();
    }
    await this.#disk.rename(`${path}.tmp`, path);
    await this.#disk.syncDir(this.dir);
    this.#snapshots.push(lastZxid);
    this.#stats.snapshots++;
    await this.#collect();
  }

  /** Deletes the snapshots beyond `keepSnapshots` and the log segments wholly before the oldest kept. */
  async #collect(): Promise<void> {
    if (this.#snapshots.length < this.#keepSnapshots) return;
    const floor = this.#snapshots[this.#snapshots.length - this.#keepSnapshots] as bigint;
    const doomed: string[] = [];
    // The last segment is the one being written: never deleted.
    while (this.#segments.length > 1 && (this.#segments[1] as Segment).prevZxid <= floor) {
      doomed.push((this.#segments.shift() as Segment).name);
    }
    while ((this.#snapshots[0] as bigint) < floor) doomed.push(snapshotName(this.#snapshots.shift() as bigint));
    for (const name of doomed) await this.#disk.remove(this.#path(name));
    // Not needed for safety (a deleted file that comes back is ignored or deleted again), but
    // keeps the directory from growing back after a crash.
    if (doomed.length > 0) await this.#disk.syncDir(this.dir);
  }

  /**
   * Writes and fsyncs what is queued, waits for a snapshot in progress, cuts the preallocated
   * zeros off the current segment, then closes the files. Idempotent.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    if (this.#state === 'new') {
      this.#state = 'closed';
      return;
    }
    await this.#opening?.catch(() => undefined);
    this.#state = 'closing';
    while (this.#flushing || this.#snapshotting) {
      // Errors: a snapshot's went to its caller, a commit's to onError and #failure.
      await this.#flushing?.catch(() => undefined);
      await this.#snapshotting?.catch(() => undefined);
    }
    this.#state = 'closed';
    this.#onDurable = undefined;
    const current = this.#current;
    this.#current = undefined;
    try {
      try {
        // Cut the preallocated zeros off, so that the next start need not read through them to
        // check the end of the log (as it does after a crash).
        if (current && !this.#failure && current.allocated > current.size) {
          await current.file.truncate(current.size);
          await current.file.sync();
        }
      } finally {
        await current?.file.close();
      }
    } catch (err) {
      // After a failure, that failure is what close() reports.
      if (!this.#failure) throw err;
    }
    if (this.#failure) throw this.#failure;
  }

  #path(name: string): string {
    return `${this.dir}/${name}`;
  }
}

function atLeast(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min)
    throw new RangeError(`${name}: expected an integer ≥ ${min}, got ${value}`);
  return value;
}
