import { mkdtemp, open, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode } from '@zookit/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LogEntry } from '../../src/core/log-entry.js';
import { FileStorage } from '../../src/storage/file-storage.js';
import { NodeDisk } from '../../src/storage/node-disk.js';
import { encodeRecord, RECORD_HEADER_SIZE, SEGMENT_HEADER_SIZE } from '../../src/storage/wal-format.js';
import { CorruptDataError } from '../../src/storage/wal-recovery.js';
import { CountingDisk, entries, entry, opened, snapshotAt } from './helpers.js';

const RECORD = RECORD_HEADER_SIZE + encode(LogEntry, entry(1)).length;
const MiB = 1024 * 1024;

/** Where the records of `list`, written first in a segment, end. */
function recordsEnd(list: LogEntry[]): number {
  return list.reduce((end, e) => end + RECORD_HEADER_SIZE + encode(LogEntry, e).length, SEGMENT_HEADER_SIZE);
}

/** Writes `bytes` into the file at `offset`, as a torn write or damage would. */
async function writeAt(path: string, offset: number, bytes: Uint8Array): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.write(bytes, 0, bytes.length, offset);
  } finally {
    await handle.close();
  }
}

const MODES = [
  { name: 'preallocated in 64 MiB chunks (the default)', options: {}, preallocates: true },
  { name: 'preallocated in 300-byte chunks', options: { preallocateBytes: 300 }, preallocates: true },
  { name: 'not preallocated', options: { preallocateBytes: 0 }, preallocates: false },
];

describe.each(MODES)('FileStorage on real files, $name', ({ options: mode, preallocates }) => {
  let dir: string;
  const make = (options = {}) => new FileStorage(dir, { ...mode, ...options });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zookit-storage-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Appends `list` in one turn, waits until durable, closes. */
  async function write(list = entries(1, 10), options = {}): Promise<void> {
    const storage = make(options);
    const { durable } = await opened(storage);
    for (const e of list) storage.append(e);
    await durable.until(list.at(-1)?.zxid ?? 0n);
    await storage.close();
  }

  async function reopen(options = {}) {
    const storage = make(options);
    const result = await opened(storage);
    return { storage, ...result };
  }

  const segments = async () => (await readdir(dir)).filter((n) => n.startsWith('wal-')).sort();

  it('group commit: 1000 appends in one turn are one write and one fdatasync, then one onDurable', async () => {
    const disk = new CountingDisk(new NodeDisk());
    const storage = make({ disk });
    const { durable } = await opened(storage);
    for (const e of entries(1, 1000)) storage.append(e);
    await durable.until(1000n);
    expect(durable.reports).toEqual([1000n]);
    // dir: the new segment's name; the preallocation's new size is made durable by the same sync.
    expect(disk.counts).toEqual({ appends: 1, preallocations: preallocates ? 1 : 0, syncs: 1, dirSyncs: 1 });
    expect(storage.stats()).toMatchObject({ entries: 1000, commits: 1, largestCommit: 1000 });
    await storage.close();
  });

  it('recovery after restart on the same directory returns every acknowledged entry, then the log goes on', async () => {
    await write(entries(1, 40));
    const first = await reopen();
    expect(first.recovered).toEqual({ snapshot: undefined, entries: entries(1, 40) });
    for (const e of entries(41, 60)) first.storage.append(e);
    await first.durable.until(60n);
    await first.storage.close();
    const second = await reopen();
    expect(second.recovered.entries).toEqual(entries(1, 60));
    expect(await segments()).toEqual(['wal-0000000001.log', 'wal-0000000002.log']);
    await second.storage.close();
  });

  it('refuses an entry whose zxid does not follow the last one', async () => {
    const storage = make();
    const { durable } = await opened(storage);
    storage.append(entry(5));
    expect(() => storage.append(entry(5))).toThrow(RangeError);
    await durable.until(5n);
    await storage.close();
    expect(() => storage.append(entry(6))).toThrow(/closed/);
  });

  it('a torn tail record is dropped and the segment truncated where it starts', async () => {
    await write(entries(1, 10));
    const [name] = await segments();
    const path = join(dir, name as string);
    const good = recordsEnd(entries(1, 10));
    const record = encodeRecord(11n, encode(LogEntry, entry(11)));
    // Followed by zeros when preallocated, by the end of the file when not.
    await writeAt(path, good, record.subarray(0, record.length - 7));
    const { recovered, storage, durable } = await reopen();
    expect(recovered.entries).toEqual(entries(1, 10));
    expect((await stat(path)).size).toBe(good);
    storage.append(entry(11));
    await durable.until(11n);
    await storage.close();
    expect((await reopen()).recovered.entries).toEqual(entries(1, 11));
  });

  it('a checksum-bad last record is dropped as a torn tail', async () => {
    await write(entries(1, 10));
    const path = join(dir, (await segments())[0] as string);
    const end = recordsEnd(entries(1, 10));
    await writeAt(path, end - 3, Buffer.from([((await readFile(path))[end - 3] as number) ^ 0x40]));
    const { recovered, storage } = await reopen();
    expect(recovered.entries).toEqual(entries(1, 9));
    expect((await stat(path)).size).toBe(recordsEnd(entries(1, 9)));
    await storage.close();
  });

  it('a bad record in the middle makes open reject, naming the file and offset, and changes nothing', async () => {
    await write(entries(1, 10));
    const path = join(dir, (await segments())[0] as string);
    const bytes = await readFile(path);
    const offset = SEGMENT_HEADER_SIZE + 2 * RECORD;
    bytes[offset + RECORD_HEADER_SIZE + 5] = (bytes[offset + RECORD_HEADER_SIZE + 5] as number) ^ 1;
    await writeFile(path, bytes);
    const storage = make();
    const error = await storage.open(() => undefined).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(CorruptDataError);
    expect(error).toMatchObject({ path, offset });
    expect((error as Error).message).toContain(`${path} at offset ${offset}: record checksum mismatch`);
    expect((error as Error).message).toContain('refusing to start');
    expect((await readFile(path)).equals(bytes)).toBe(true);
    await storage.close();
  });

  it('a damaged length field in the middle is refused too (a valid record is found further on)', async () => {
    await write(entries(1, 10));
    const path = join(dir, (await segments())[0] as string);
    const bytes = await readFile(path);
    bytes.writeUInt32BE(0x7fffffff, SEGMENT_HEADER_SIZE + 4 * RECORD + 4);
    await writeFile(path, bytes);
    await expect(make().open(() => undefined)).rejects.toThrow(/at offset \d+: record truncated.*follows/);
  });

  it('damage at the end of a segment that is not the last one is refused', async () => {
    await write(entries(1, 10));
    await write(entries(11, 20));
    const [first] = await segments();
    await truncate(join(dir, first as string), recordsEnd(entries(1, 9)) + 3);
    await expect(make().open(() => undefined)).rejects.toThrow(/later segments exist/);
  });

  it('a missing segment is refused', async () => {
    await write(entries(1, 10));
    await write(entries(11, 20));
    await write(entries(21, 30));
    await rm(join(dir, 'wal-0000000002.log'));
    await expect(make().open(() => undefined)).rejects.toThrow(
      /wal-0000000003\.log at offset 0: the segment follows zxid 0x0000000000000014, but the one before ends at 0x000000000000000a/,
    );
  });

  it('a last segment cut inside its header is removed (its first write never completed)', async () => {
    await write(entries(1, 10));
    await writeFile(join(dir, 'wal-0000000002.log'), Buffer.alloc(7));
    const { recovered, storage } = await reopen();
    expect(recovered.entries).toEqual(entries(1, 10));
    expect(await segments()).toEqual(['wal-0000000001.log']);
    await storage.close();
  });

  it('snapshots: recovery is the snapshot plus the entries after it; covered segments and old snapshots are deleted', async () => {
    const storage = make({ keepSnapshots: 1 });
    const { durable } = await opened(storage);
    for (const e of entries(1, 10)) storage.append(e);
    await durable.until(10n);
    await storage.snapshot(snapshotAt(10n));
    for (const e of entries(11, 20)) storage.append(e);
    await durable.until(20n);
    expect(await segments()).toEqual(['wal-0000000001.log', 'wal-0000000002.log']);
    await storage.snapshot(snapshotAt(20n));
    for (const e of entries(21, 25)) storage.append(e);
    await durable.until(25n);
    await storage.close();
    expect((await readdir(dir)).sort()).toEqual([
      'snapshot-0000000000000014.snap',
      'wal-0000000002.log',
      'wal-0000000003.log',
    ]);
    const again = await reopen({ keepSnapshots: 1 });
    expect(again.recovered.snapshot).toEqual(snapshotAt(20n));
    expect(again.recovered.entries).toEqual(entries(21, 25));
    await again.storage.close();
  });

  it('snapshotDue turns true every snapshotEvery entries', async () => {
    const storage = make({ snapshotEvery: 5 });
    const { durable } = await opened(storage);
    for (const e of entries(1, 4)) storage.append(e);
    await durable.until(4n);
    expect(storage.snapshotDue()).toBe(false);
    storage.append(entry(5));
    await durable.until(5n);
    expect(storage.snapshotDue()).toBe(true);
    const done = storage.snapshot(snapshotAt(5n));
    expect(storage.snapshotDue()).toBe(false);
    await done;
    await storage.close();
  });

  it('a newest snapshot that fails its checksum is set aside and the one before is used with the log after it', async () => {
    const storage = make({ keepSnapshots: 2 });
    const { durable } = await opened(storage);
    for (const e of entries(1, 10)) storage.append(e);
    await durable.until(10n);
    await storage.snapshot(snapshotAt(10n));
    for (const e of entries(11, 20)) storage.append(e);
    await durable.until(20n);
    await storage.snapshot(snapshotAt(20n));
    await storage.close();
    const newest = join(dir, 'snapshot-0000000000000014.snap');
    const bytes = await readFile(newest);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 0xff;
    await writeFile(newest, bytes);
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const again = await reopen();
      expect(again.recovered.snapshot).toEqual(snapshotAt(10n));
      expect(again.recovered.entries).toEqual(entries(11, 20));
      expect(String(warn.mock.calls[0]?.[0])).toMatch(/checksum mismatch; moved to .*\.corrupt/);
      await again.storage.close();
    } finally {
      warn.mockRestore();
    }
    expect(await readdir(dir)).toContain('snapshot-0000000000000014.snap.corrupt');
  });

  it('an unfinished snapshot temp file is removed at open and never used', async () => {
    await write(entries(1, 10));
    await writeFile(join(dir, 'snapshot-0000000000000009.snap.tmp'), Buffer.alloc(100, 1));
    const { recovered, storage } = await reopen();
    expect(recovered).toEqual({ snapshot: undefined, entries: entries(1, 10) });
    expect(await readdir(dir)).not.toContain('snapshot-0000000000000009.snap.tmp');
    await storage.close();
  });

  it('a segment reaching segmentBytes is closed and the next commit starts a new one', async () => {
    const storage = make({ segmentBytes: 5 * RECORD });
    const { durable } = await opened(storage);
    for (let z = 1; z <= 12; z++) {
      storage.append(entry(z));
      await durable.until(BigInt(z));
    }
    await storage.close();
    expect((await segments()).length).toBeGreaterThanOrEqual(3);
    const again = await reopen();
    expect(again.recovered.entries).toEqual(entries(1, 12));
    await again.storage.close();
  });
});

describe('FileStorage: preallocated segments', () => {
  let dir: string;
  /** Storages left open, as a crash leaves them (their zeros are not cut off); closed after the test. */
  let unclosed: FileStorage[];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zookit-prealloc-'));
    unclosed = [];
  });
  afterEach(async () => {
    await Promise.all(unclosed.map((s) => s.close().catch(() => undefined)));
    await rm(dir, { recursive: true, force: true });
  });

  /** Recovers, appends `list` in one turn and waits until durable; then leaves the storage open. */
  async function write(list: LogEntry[], options = {}): Promise<FileStorage> {
    const storage = new FileStorage(dir, options);
    unclosed.push(storage);
    const { durable } = await opened(storage);
    for (const e of list) storage.append(e);
    await durable.until(list.at(-1)?.zxid ?? 0n);
    return storage;
  }

  const segment = (n: number) => join(dir, `wal-${String(n).padStart(10, '0')}.log`);
  const zeros = (bytes: Buffer, from: number) => bytes.subarray(from).equals(Buffer.alloc(bytes.length - from));

  async function refusal(): Promise<unknown> {
    const storage = new FileStorage(dir);
    const error = await storage.open(() => undefined).catch((err: unknown) => err);
    await storage.close().catch(() => undefined);
    return error;
  }

  it('by default a segment is extended to 64 MiB of zeros at its first write, and cut back to its records at close', async () => {
    const storage = await write(entries(1, 10));
    const end = recordsEnd(entries(1, 10));
    const bytes = await readFile(segment(1));
    expect(bytes.length).toBe(64 * MiB);
    expect(zeros(bytes, end)).toBe(true);
    await storage.close();
    expect((await stat(segment(1))).size).toBe(end);
  });

  it('chunks go ahead of the writes: only a commit that passes the preallocated end extends the file', async () => {
    const disk = new CountingDisk(new NodeDisk());
    const storage = new FileStorage(dir, { disk, preallocateBytes: 1000 });
    const { durable } = await opened(storage);
    let allocated = 0;
    let extensions = 0;
    for (let z = 1; z <= 40; z++) {
      storage.append(entry(z));
      await durable.until(BigInt(z));
      const end = recordsEnd(entries(1, z));
      if (end > allocated) {
        allocated = (Math.floor(end / 1000) + 1) * 1000;
        extensions++;
      }
      expect((await stat(segment(1))).size).toBe(allocated);
    }
    expect(extensions).toBeGreaterThan(3);
    // One write and one fdatasync per commit, extending or not: the sync makes the new size durable too.
    expect(disk.counts).toEqual({ appends: 40, preallocations: extensions, syncs: 40, dirSyncs: 1 });
    await storage.close();
  });

  it('a segment is not preallocated past segmentBytes; preallocateBytes: 0 writes only records', async () => {
    await write(entries(1, 3), { segmentBytes: 10_000 });
    expect((await stat(segment(1))).size).toBe(10_000);
    await write(entries(4, 6), { preallocateBytes: 0 });
    expect((await stat(segment(2))).size).toBe(recordsEnd(entries(4, 6)));
    expect(() => new FileStorage(dir, { preallocateBytes: -1 })).toThrow(/preallocateBytes/);
  });

  it('a zero tail is the normal end, of the last segment and of earlier ones: recovery keeps every entry and changes nothing', async () => {
    await write(entries(1, 10));
    const before = await readFile(segment(1));
    await write(entries(11, 20)); // recovers segment 1 (the last one then), writes segment 2
    expect((await readFile(segment(1))).equals(before)).toBe(true);
    const storage = new FileStorage(dir);
    const { recovered } = await opened(storage);
    expect(recovered.entries).toEqual(entries(1, 20));
    await storage.close();
    expect((await stat(segment(2))).size).toBe(64 * MiB);
  });

  it('a torn record followed by zeros is a torn tail: dropped, the segment cut where it starts', async () => {
    await write(entries(1, 10), { preallocateBytes: 4096 });
    const end = recordsEnd(entries(1, 10));
    const record = encodeRecord(11n, encode(LogEntry, entry(11)));
    // The header and the start of the payload reached the disk, the rest is still zeros.
    await writeAt(segment(1), end, record.subarray(0, RECORD_HEADER_SIZE + 10));
    const storage = new FileStorage(dir);
    const { recovered } = await opened(storage);
    expect(recovered.entries).toEqual(entries(1, 10));
    expect((await stat(segment(1))).size).toBe(end);
    await storage.close();
  });

  it('zeros followed by non-zero bytes that hold no valid record are a torn tail too', async () => {
    await write(entries(1, 10));
    const end = recordsEnd(entries(1, 10));
    await writeAt(segment(1), end + 100, Buffer.alloc(50, 0xab));
    const storage = new FileStorage(dir);
    const { recovered } = await opened(storage);
    expect(recovered.entries).toEqual(entries(1, 10));
    expect((await stat(segment(1))).size).toBe(end);
    await storage.close();
  });

  it('a bad record followed by a valid one, then zeros, is refused', async () => {
    await write(entries(1, 10));
    const offset = recordsEnd(entries(1, 6));
    await writeAt(segment(1), offset + RECORD_HEADER_SIZE + 3, Buffer.from([0xff]));
    const error = await refusal();
    expect(error).toBeInstanceOf(CorruptDataError);
    expect(error).toMatchObject({ path: segment(1), offset });
    expect((error as Error).message).toMatch(/record checksum mismatch, and a valid record follows at offset/);
    expect((await stat(segment(1))).size).toBe(64 * MiB);
  });

  it('zeros in the middle of the last segment (a zero slot, then a valid record) are refused', async () => {
    await write(entries(1, 10));
    const offset = recordsEnd(entries(1, 4));
    await writeAt(segment(1), offset, Buffer.alloc(RECORD));
    const error = await refusal();
    expect(error).toBeInstanceOf(CorruptDataError);
    expect(error).toMatchObject({ path: segment(1), offset });
    expect((error as Error).message).toMatch(
      /the records end \(zeros\), but non-zero bytes follow at offset \d+, and a valid record follows at offset/,
    );
  });

  it('zeros in the middle of an earlier segment are refused: the next segment does not chain', async () => {
    await write(entries(1, 10));
    await write(entries(11, 20));
    await writeAt(segment(1), recordsEnd(entries(1, 4)), Buffer.alloc(RECORD));
    const error = await refusal();
    expect(error).toBeInstanceOf(CorruptDataError);
    expect((error as Error).message).toContain(
      'wal-0000000002.log at offset 0: the segment follows zxid 0x000000000000000a, but the one before ends at 0x0000000000000004',
    );
  });

  it('an earlier segment is read only up to its end: bytes after its zeros do not matter if the next one chains', async () => {
    await write(entries(1, 10));
    await write(entries(11, 20));
    await writeAt(segment(1), recordsEnd(entries(1, 10)) + 1000, Buffer.alloc(30, 0x5a));
    const storage = new FileStorage(dir);
    const { recovered } = await opened(storage);
    expect(recovered.entries).toEqual(entries(1, 20));
    await storage.close();
  });

  it('a last segment whose preallocation reached the disk but not its first write (all zeros) is removed', async () => {
    await write(entries(1, 10));
    await writeFile(segment(2), Buffer.alloc(64 * 1024));
    const storage = new FileStorage(dir);
    const { recovered } = await opened(storage);
    expect(recovered.entries).toEqual(entries(1, 10));
    await storage.close();
    expect((await readdir(dir)).filter((n) => n.startsWith('wal-'))).toEqual(['wal-0000000001.log']);
  });
});
