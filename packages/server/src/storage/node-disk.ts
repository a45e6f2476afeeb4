import { type FileHandle, mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Disk, DiskFile } from './disk.js';

/** {@link Disk} on the real file system (node:fs/promises); `sync` is fdatasync. */
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

  async read(path: string): Promise<Uint8Array> {
    return readFile(path);
  }

  async open(path: string, mode: 'create' | 'append'): Promise<DiskFile> {
    return new NodeDiskFile(await open(path, mode === 'create' ? 'w' : 'r+'));
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
  #size: number | undefined;

  constructor(handle: FileHandle) {
    this.#handle = handle;
  }

  async append(bytes: Uint8Array): Promise<void> {
    // Positional writes at the tracked end (not O_APPEND) so that truncate + append work alike
    // on every platform.
    this.#size ??= (await this.#handle.stat()).size;
    let done = 0;
    while (done < bytes.length) {
      const { bytesWritten } = await this.#handle.write(bytes, done, bytes.length - done, this.#size + done);
      done += bytesWritten;
    }
    this.#size += done;
  }

  async truncate(length: number): Promise<void> {
    await this.#handle.truncate(length);
    this.#size = length;
  }

  sync(): Promise<void> {
    return this.#handle.datasync();
  }

  close(): Promise<void> {
    return this.#handle.close();
  }
}
