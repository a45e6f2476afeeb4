import { OpCode } from '@zookit/protocol';
import type { LogEntry } from '../../src/core/log-entry.js';
import type { CoreSnapshot } from '../../src/core/snapshot.js';
import type { Disk, DiskFile, ReadRange } from '../../src/storage/disk.js';
import type { Recovered, Storage } from '../../src/storage/storage.js';

/** A log entry with a recognisable body. */
export function entry(zxid: number | bigint, bodySize = 24): LogEntry {
  const z = BigInt(zxid);
  return {
    zxid: z,
    time: 1_700_000_000_000n + z,
    sessionId: 0x0100_0000_0000_0001n,
    cxid: Number(z),
    type: OpCode.setData,
    body: Buffer.alloc(bodySize, Number(z % 251n)),
    ids: [{ scheme: 'digest', id: `user${z}` }],
  };
}

export function entries(from: number, to: number): LogEntry[] {
  const out: LogEntry[] = [];
  for (let z = from; z <= to; z++) out.push(entry(z));
  return out;
}

/** A small snapshot whose content names its zxid. */
export function snapshotAt(lastZxid: bigint): CoreSnapshot {
  return {
    lastZxid,
    nodes: [
      {
        path: '/',
        data: Buffer.alloc(0),
        acl: [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }],
        czxid: 0n,
        mzxid: 0n,
        ctime: 0n,
        mtime: 0n,
        version: 0,
        cversion: 1,
        aversion: 0,
        ephemeralOwner: 0n,
        pzxid: lastZxid,
      },
      {
        path: '/at',
        data: Buffer.from(String(lastZxid)),
        acl: [],
        czxid: lastZxid,
        mzxid: lastZxid,
        ctime: 5n,
        mtime: 6n,
        version: 2,
        cversion: 0,
        aversion: 0,
        ephemeralOwner: 0n,
        pzxid: lastZxid,
      },
    ],
    sessions: [{ id: 0x0100_0000_0000_0001n, timeout: 4000, password: Buffer.alloc(16, 7) }],
  };
}

/** Opens a storage and tracks what it reports durable. */
export async function opened(storage: Storage): Promise<{ recovered: Recovered; durable: DurableLog }> {
  const durable = new DurableLog();
  const recovered = await storage.open((zxid) => durable.report(zxid));
  return { recovered, durable };
}

/** The zxids a storage reported durable, with a way to wait for one. */
export class DurableLog {
  readonly reports: bigint[] = [];
  readonly #waiters: Array<{ zxid: bigint; resolve: () => void }> = [];

  get last(): bigint {
    return this.reports.at(-1) ?? 0n;
  }

  report(zxid: bigint): void {
    this.reports.push(zxid);
    for (const w of this.#waiters.filter((w) => w.zxid <= zxid)) {
      this.#waiters.splice(this.#waiters.indexOf(w), 1);
      w.resolve();
    }
  }

  until(zxid: bigint): Promise<void> {
    if (this.last >= zxid) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ zxid, resolve }));
  }
}

/** Wraps a Disk and counts its writes, preallocations and syncs. */
export class CountingDisk implements Disk {
  readonly counts = { appends: 0, preallocations: 0, syncs: 0, dirSyncs: 0 };
  readonly #inner: Disk;

  constructor(inner: Disk) {
    this.#inner = inner;
  }

  mkdir(dir: string): Promise<void> {
    return this.#inner.mkdir(dir);
  }
  list(dir: string): Promise<string[]> {
    return this.#inner.list(dir);
  }
  read(path: string, range?: ReadRange): Promise<Uint8Array> {
    return this.#inner.read(path, range);
  }
  rename(from: string, to: string): Promise<void> {
    return this.#inner.rename(from, to);
  }
  remove(path: string): Promise<void> {
    return this.#inner.remove(path);
  }
  syncDir(dir: string): Promise<void> {
    this.counts.dirSyncs++;
    return this.#inner.syncDir(dir);
  }
  async open(path: string, mode: 'create' | 'append'): Promise<DiskFile> {
    const file = await this.#inner.open(path, mode);
    return {
      append: (bytes) => {
        this.counts.appends++;
        return file.append(bytes);
      },
      preallocate: (length) => {
        this.counts.preallocations++;
        return file.preallocate(length);
      },
      truncate: (length) => file.truncate(length),
      sync: () => {
        this.counts.syncs++;
        return file.sync();
      },
      close: () => file.close(),
    };
  }
}

/** Lets the event loop turn `n` times. */
export async function turns(n = 1): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
