import type { Disk, DiskFile, ReadRange } from './disk.js';
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
  /** `preallocate` calls that extended a file. */
  readonly preallocations: number;
  readonly syncs: number;
  readonly dirSyncs: number;
}

/** An operation on a {@link SimulatedDisk} that was in flight, or a file opened, before a crash. */
export class DiskCrashedError extends Error {
  override name = 'DiskCrashedError';
}

/**
 * A file's content: `size` bytes, of which those at and beyond `data.length` are zeros (so that a
 * large preallocation costs no memory). Invariant: `data` holds zeros beyond `size`.
 */
interface Image {
  data: Buffer;
  size: number;
}

/** A change to a file's content, in the order made. */
type Change = { readonly at: number; readonly bytes: Buffer } | { readonly size: number };

interface Inode {
  /** What reads see. */
  live: Image;
  /** What survives a crash: the content at the last sync. */
  synced: Image;
  /** Changes since the last sync, oldest first: live = synced + these. */
  pending: Change[];
}

/**
 * An in-memory {@link Disk} that remembers what was written and what was synced, and forgets the
 * difference on {@link crash}, like LazyFS under a power cut: a file's changes since its last
 * fsync (writes, including over preallocated zeros, and size changes: truncate, preallocate) are
 * lost, or, with `tear`, the oldest of them survive in order, the last survivor possibly only
 * partly written (a prefix of its bytes); zeros that `preallocate` added and a sync made durable
 * stay (until overwritten and synced). Directory entries (creations, renames, removals) not made
 * durable with syncDir are undone (with `tear`, either all of a directory's unsynced changes
 * survive or none does). Directories themselves are durable as soon as made. Every operation completes in a later event-loop turn, so a crash can fall between
 * any two of them; an operation in flight at the crash, or on a file opened before it, rejects
 * with {@link DiskCrashedError}. Deterministic for a given seed and sequence of calls.
 */
export class SimulatedDisk implements Disk {
  readonly #random: SeededRandom;
  readonly #live = new Map<string, Map<string, Inode>>();
  readonly #synced = new Map<string, Map<string, Inode>>();
  #generation = 0;
  #counts = { appends: 0, bytesAppended: 0, preallocations: 0, syncs: 0, dirSyncs: 0 };

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
      // With tear: the oldest `keep` changes survive, and maybe a prefix of the next one's bytes.
      const keep = options.tear ? this.#random.int(0, inode.pending.length) : 0;
      for (const c of inode.pending.slice(0, keep)) apply(inode.synced, c);
      const next = inode.pending[keep];
      if (options.tear && next && 'bytes' in next) {
        apply(inode.synced, { at: next.at, bytes: next.bytes.subarray(0, this.#random.int(0, next.bytes.length)) });
      }
      inode.pending = [];
      inode.live = copy(inode.synced);
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

  async read(path: string, range?: ReadRange): Promise<Uint8Array> {
    await this.#turn();
    const { data, size } = this.#inode(path, 'open').live;
    const start = Math.min(range?.offset ?? 0, size);
    const out = Buffer.alloc(Math.min(range?.length ?? size, size - start));
    if (start < data.length) data.copy(out, 0, start, Math.min(start + out.length, data.length));
    return out;
  }

  async open(path: string, mode: 'create' | 'append'): Promise<DiskFile> {
    await this.#turn();
    const [dir, name] = split(path);
    const entries = this.#dir(dir, 'open');
    let inode = entries.get(name);
    if (!inode) {
      if (mode === 'append') throw noEntry('open', path);
      inode = { live: empty(), synced: empty(), pending: [] };
      entries.set(name, inode);
    } else if (mode === 'create') {
      change(inode, { size: 0 });
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
    let position = inode.live.size;
    const turn = async (): Promise<void> => {
      await this.#turn();
      if (generation !== this.#generation) throw new DiskCrashedError('the file was opened before a crash');
      if (!open) throw new Error('the file is closed');
    };
    return {
      append: async (bytes) => {
        await turn();
        change(inode, { at: position, bytes: Buffer.from(bytes) });
        position += bytes.length;
        this.#counts.appends++;
        this.#counts.bytesAppended += bytes.length;
      },
      preallocate: async (length) => {
        await turn();
        if (length <= inode.live.size) return;
        change(inode, { size: length });
        this.#counts.preallocations++;
      },
      truncate: async (length) => {
        await turn();
        change(inode, { size: length });
        position = length;
      },
      sync: async () => {
        await turn();
        for (const pending of inode.pending) apply(inode.synced, pending);
        inode.pending = [];
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

function empty(): Image {
  return { data: Buffer.alloc(0), size: 0 };
}

function copy(image: Image): Image {
  return { data: Buffer.from(image.data), size: image.size };
}

/** Makes a change live; it survives a crash once synced. */
function change(inode: Inode, c: Change): void {
  apply(inode.live, c);
  inode.pending.push(c);
}

function apply(image: Image, c: Change): void {
  if ('size' in c) {
    // Shrinking zeroes what is cut off, so that a later extension reads zeros.
    if (c.size < image.size) image.data.fill(0, Math.min(c.size, image.data.length));
    image.size = c.size;
    return;
  }
  const end = c.at + c.bytes.length;
  if (end > image.data.length) {
    const grown = Buffer.alloc(Math.max(end, image.data.length * 2, 4096));
    image.data.copy(grown);
    image.data = grown;
  }
  image.data.set(c.bytes, c.at);
  image.size = Math.max(image.size, end);
}

function split(path: string): [string, string] {
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? ['/', path.slice(slash + 1)] : [path.slice(0, slash), path.slice(slash + 1)];
}

function noEntry(op: string, path: string): Error {
  return Object.assign(new Error(`ENOENT: no such file or directory, ${op} '${path}'`), { code: 'ENOENT' });
}
