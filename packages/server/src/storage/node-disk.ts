import { type FileHandle, mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Disk, DiskFile, ReadRange } from './disk.js';

/**
 * {@link Disk} on the real file system (node:fs/promises); `sync` is fdatasync, `preallocate` is
 * ftruncate (a sparse extension, as ZooKeeper's preallocation makes).
 */
export class NodeDisk implements Disk {
  async mkdir(dir: string): Promise<void> {
    const created = await mkdir(dir, { recursive: true });
    if (created === undefined) return;
    // A new directory's entry is durable only once its parent is synced.
    for (let d = resolve(dir); ; d = dirname(d)) {
      await this.syncDir(dirname(d));
      if (d === resolve(created) || dirname(d) === d) break;
    }
  }

  list(dir: string): Promise<string[]> {
    return readdir(dir);
  }

  async read(path: string, range?: ReadRange): Promise<Uint8Array> {
    if (range === undefined) return readFile(path);
    const handle = await open(path, 'r');
    try {
      const { size } = await handle.stat();
      const start = Math.min(range.offset, size);
      const out = Buffer.allocUnsafe(Math.min(range.length, size - start));
      let done = 0;
      while (done < out.length) {
        const { bytesRead } = await handle.read(out, done, out.length - done, start + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return out.subarray(0, done);
    } finally {
      await handle.close();
    }
  }

  async open(path: string, mode: 'create' | 'append'): Promise<DiskFile> {
    const handle = await open(path, mode === 'create' ? 'w' : 'r+');
    try {
      return new NodeDiskFile(handle, mode === 'create' ? 0 : (await handle.stat()).size);
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  rename(from: string, to: string): Promise<void> {
    return rename(from, to);
  }

  remove(path: string): Promise<void> {
    return rm(path);
  }

  async syncDir(dir: string): Promise<void> {
    // Windows cannot open a directory for fsync (and orders its metadata itself): nothing to do.
    if (process.platform === 'win32') return;
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
}

class NodeDiskFile implements DiskFile {
  readonly #handle: FileHandle;
  /** The file's size, and where the next append goes (below the size, over preallocated zeros). */
  #size: number;
  #position: number;

  constructor(handle: FileHandle, size: number) {
    this.#handle = handle;
    this.#size = size;
    this.#position = size;
  }

  async append(bytes: Uint8Array): Promise<void> {
    // Positional writes at the tracked position (not O_APPEND): over preallocated zeros, and
    // after a truncate, alike on every platform.
    let done = 0;
    while (done < bytes.length) {
      const { bytesWritten } = await this.#handle.write(bytes, done, bytes.length - done, this.#position + done);
      done += bytesWritten;
    }
    this.#position += done;
    this.#size = Math.max(this.#size, this.#position);
  }

  async preallocate(length: number): Promise<void> {
    if (length <= this.#size) return;
    await this.#handle.truncate(length);
    this.#size = length;
  }

  async truncate(length: number): Promise<void> {
    await this.#handle.truncate(length);
    this.#size = this.#position = length;
  }

  sync(): Promise<void> {
    return this.#handle.datasync();
  }

  close(): Promise<void> {
    return this.#handle.close();
  }
}
