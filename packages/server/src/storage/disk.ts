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
  /** The whole content of a file. */
  read(path: string): Promise<Uint8Array>;
  /**
   * Opens a file for appending: `'create'` creates it or empties an existing one, `'append'`
   * requires it to exist and keeps its content.
   */
  open(path: string, mode: 'create' | 'append'): Promise<DiskFile>;
  /** Atomically replaces `to` (if present) with `from`. */
  rename(from: string, to: string): Promise<void>;
  remove(path: string): Promise<void>;
  /** Makes the directory's entries (creations, renames, removals) durable. */
  syncDir(dir: string): Promise<void>;
}

/** An open file; writes always go to its end. */
export interface DiskFile {
  append(bytes: Uint8Array): Promise<void>;
  /** Cuts the file to `length` bytes. */
  truncate(length: number): Promise<void>;
  /** fdatasync: the content and size written so far survive a crash once this resolves. */
  sync(): Promise<void>;
  close(): Promise<void>;
}
