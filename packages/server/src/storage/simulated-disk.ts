import type { Disk, DiskFile } from './disk.js';
import { type SeededRandom, seededRandom } from './seeded-random.js';

/** Options of {@link SimulatedDisk}. */
export interface SimulatedDiskOptions {
  /** Seed of the randomness of {@link SimulatedDisk.crash} with `tear`. Default 1. */
  readonly seed?: number;
}

/** Operation counts of a {@link SimulatedDisk}, for tests (group commit: one sync per batch). */
export interface DiskCounts {
  readonly appends: number;
  readonly bytesAppended: number;
  readonly syncs: number;
  readonly dirSyncs: number;
}

/** An operation on a {@link SimulatedDisk} that was in flight, or a file opened, before a crash. */
export class DiskCrashedError extends Error {
  override name = 'DiskCrashedError';
}

interface Inode {
  data: Buffer;
  size: number;
  /** Bytes [0, syncedSize) survive a crash; when set, `syncedData` holds them (after a truncate). */
  syncedSize: number;
  syncedData: Buffer | undefined;
}

/**
 * An in-memory {@link Disk} that remembers what was written and what was synced, and forgets the
 * difference on {@link crash}, like LazyFS under a power cut: file bytes not fsynced are lost
 * (or, with `tear`, a random prefix of them survives), and directory entries (creations,
 * renames, removals) not made durable with syncDir are undone (with `tear`, either all of a
 * directory's unsynced changes survive or none does). Directories themselves are durable as soon
 * as made. Every operation completes in a later event-loop turn, so a crash can fall between
 * any two of them; an operation in flight at the crash, or on a file opened before it, rejects
 * with {@link DiskCrashedError}. Deterministic for a given seed and sequence of calls.
 */
export class SimulatedDisk implements Disk {
  readonly #random: SeededRandom;
  readonly #live = new Map<string, Map<string, Inode>>();
  readonly #synced = new Map<string, Map<string, Inode>>();
  #generation = 0;
  #counts = { appends: 0, bytesAppended: 0, syncs: 0, dirSyncs: 0 };

  constructor(options: SimulatedDiskOptions = {}) {
    this.#random = seededRandom(options.seed ?? 1);
  }

  /** Operation counts since the disk was made (a crash does not reset them). */
  counts(): DiskCounts {
    return { ...this.#counts };
  }

  /**
   * Simulates a power cut: keeps only what was synced (see the class description). Everything
   * opened or in flight before it fails from now on; open the storage again to recover.
   */
  crash(options: { tear?: boolean } = {}): void {
    this.#generation++;
    const inodes = new Set<Inode>();
    for (const [dir, live] of this.#live) {
      const synced = this.#synced.get(dir) ?? new Map<string, Inode>();
      const kept = options.tear && this.#random.next() < 0.5 ? live : synced;
      const survivors = new Map(kept);
      this.#live.set(dir, survivors);
      this.#synced.set(dir, new Map(survivors));
      for (const inode of survivors.values()) inodes.add(inode);
    }
    for (const inode of inodes) {
      if (inode.syncedData) {
        inode.data = inode.syncedData;
        inode.size = inode.syncedSize;
      } else {
        const unsynced = inode.size - inode.syncedSize;
        inode.size = inode.syncedSize + (options.tear && unsynced > 0 ? this.#random.int(0, unsynced) : 0);
      }
      inode.syncedSize = inode.size;
      inode.syncedData = undefined;
    }
  }

  async mkdir(dir: string): Promise<void> {
    await this.#turn();
    if (!this.#live.has(dir)) {
      this.#live.set(dir, new Map());
      this.#synced.set(dir, new Map());
    }
  }

  async list(dir: string): Promise<string[]> {
    await this.#turn();
    return [...this.#dir(dir, 'scandir').keys()];
  }

  async read(path: string): Promise<Uint8Array> {
    await this.#turn();
    const inode = this.#inode(path, 'open');
    return Buffer.from(inode.data.subarray(0, inode.size));
  }

  async open(path: string, mode: 'create' | 'append'): Promise<DiskFile> {
    await this.#turn();
    const [dir, name] = split(path);
    const entries = this.#dir(dir, 'open');
    let inode = entries.get(name);
    if (!inode) {
      if (mode === 'append') throw noEntry('open', path);
      inode = { data: Buffer.alloc(0), size: 0, syncedSize: 0, syncedData: undefined };
      entries.set(name, inode);
    } else if (mode === 'create') {
      cut(inode, 0);
    }
    return this.#file(inode);
  }

  async rename(from: string, to: string): Promise<void> {
    await this.#turn();
    const inode = this.#inode(from, 'rename');
    const [fromDir, fromName] = split(from);
    const [toDir, toName] = split(to);
    this.#dir(toDir, 'rename').set(toName, inode);
    this.#dir(fromDir, 'rename').delete(fromName);
  }

  async remove(path: string): Promise<void> {
    await this.#turn();
    this.#inode(path, 'unlink');
    const [dir, name] = split(path);
    this.#dir(dir, 'unlink').delete(name);
  }

  async syncDir(dir: string): Promise<void> {
    await this.#turn();
    this.#synced.set(dir, new Map(this.#dir(dir, 'fsync')));
    this.#counts.dirSyncs++;
  }

  #file(inode: Inode): DiskFile {
    const generation = this.#generation;
    let open = true;
    const turn = async (): Promise<void> => {
      await this.#turn();
      if (generation !== this.#generation) throw new DiskCrashedError('the file was opened before a crash');
      if (!open) throw new Error('the file is closed');
    };
    return {
      append: async (bytes) => {
        await turn();
        if (inode.size + bytes.length > inode.data.length) {
          const grown = Buffer.alloc(Math.max(inode.size + bytes.length, inode.data.length * 2, 4096));
          inode.data.copy(grown, 0, 0, inode.size);
          inode.data = grown;
        }
        inode.data.set(bytes, inode.size);
        inode.size += bytes.length;
        this.#counts.appends++;
        this.#counts.bytesAppended += bytes.length;
      },
      truncate: async (length) => {
        await turn();
        cut(inode, length);
      },
      sync: async () => {
        await turn();
        inode.syncedSize = inode.size;
        inode.syncedData = undefined;
        this.#counts.syncs++;
      },
      close: async () => {
        await turn();
        open = false;
      },
    };
  }

  /** Lets the event loop turn once, then fails if a crash happened meanwhile. */
  async #turn(): Promise<void> {
    const generation = this.#generation;
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (generation !== this.#generation) throw new DiskCrashedError('the disk crashed during the operation');
  }

  #dir(dir: string, op: string): Map<string, Inode> {
    const entries = this.#live.get(dir);
    if (!entries) throw noEntry(op, dir);
    return entries;
  }

  #inode(path: string, op: string): Inode {
    const [dir, name] = split(path);
    const inode = this.#dir(dir, op).get(name);
    if (!inode) throw noEntry(op, path);
    return inode;
  }
}

/** Shortens a file, keeping a copy of what was synced if the cut goes below it. */
function cut(inode: Inode, length: number): void {
  if (length < inode.syncedSize && !inode.syncedData)
    inode.syncedData = Buffer.from(inode.data.subarray(0, inode.syncedSize));
  if (length > inode.size) {
    const grown = Buffer.alloc(Math.max(length, inode.data.length));
    inode.data.copy(grown, 0, 0, inode.size);
    inode.data = grown;
  } else {
    inode.data.fill(0, length, inode.size);
  }
  inode.size = length;
}

function split(path: string): [string, string] {
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? ['/', path.slice(slash + 1)] : [path.slice(0, slash), path.slice(slash + 1)];
}

function noEntry(op: string, path: string): Error {
  return Object.assign(new Error(`ENOENT: no such file or directory, ${op} '${path}'`), { code: 'ENOENT' });
}
