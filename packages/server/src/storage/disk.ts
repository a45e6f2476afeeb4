/**
 * The few file-system operations {@link FileStorage} uses, so that it runs on real files
 * ({@link NodeDisk}) and on a crash-simulating in-memory disk ({@link SimulatedDisk}) alike.
 * Paths are plain strings joined with `/`.
 *
 * Durability follows POSIX: bytes survive a crash only after {@link DiskFile.sync}; a file's
 * creation, rename or removal only after {@link Disk.syncDir} of its directory.
 */
export interface Disk {
  /** Creates the directory (and missing parents) durably; no error if it exists. */
  mkdir(dir: string): Promise<void>;
  /** Names (not paths) of the entries in `dir`, in no particular order. */
  list(dir: string): Promise<string[]>;
  /**
   * The content of a file: all of it, or with `range` its bytes from `offset` on, `length` of them
   * or fewer where the file ends first (so that a large file can be read in pieces).
   */
  read(path: string, range?: ReadRange): Promise<Uint8Array>;
  /**
   * Opens a file for writing: `'create'` creates it or empties an existing one, `'append'`
   * requires it to exist and keeps its content. The write position starts at the file's end.
   */
  open(path: string, mode: 'create' | 'append'): Promise<DiskFile>;
  /** Atomically replaces `to` (if present) with `from`. */
  rename(from: string, to: string): Promise<void>;
  remove(path: string): Promise<void>;
  /** Makes the directory's entries (creations, renames, removals) durable. */
  syncDir(dir: string): Promise<void>;
}

/** Part of a file to read. */
export interface ReadRange {
  readonly offset: number;
  readonly length: number;
}

/**
 * An open file with a write position: the file's end when opened, moved by {@link append} and
 * {@link truncate}, not by {@link preallocate}.
 */
export interface DiskFile {
  /** Writes `bytes` at the write position (over preallocated zeros, or extending the file) and moves it past them. */
  append(bytes: Uint8Array): Promise<void>;
  /**
   * Extends the file with zeros to `length` bytes (nothing if it is that long already), leaving
   * the write position where it is, so that later appends overwrite the zeros instead of growing
   * the file and a sync then has no size change to commit. Like any change, durable once synced.
   */
  preallocate(length: number): Promise<void>;
  /** Cuts the file to `length` bytes and moves the write position there. */
  truncate(length: number): Promise<void>;
  /** fdatasync: the content and size written so far survive a crash once this resolves. */
  sync(): Promise<void>;
  close(): Promise<void>;
}
