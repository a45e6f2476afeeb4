import { appendFile, mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
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

describe('FileStorage on real files', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zookit-storage-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Appends `list` in one turn, waits until durable, closes. */
  async function write(list = entries(1, 10), options = {}): Promise<void> {
    const storage = new FileStorage(dir, options);
    const { durable } = await opened(storage);
    for (const e of list) storage.append(e);
    await durable.until(list.at(-1)?.zxid ?? 0n);
    await storage.close();
  }

  async function reopen(options = {}) {
    const storage = new FileStorage(dir, options);
    const result = await opened(storage);
    return { storage, ...result };
  }

  const segments = async () => (await readdir(dir)).filter((n) => n.startsWith('wal-')).sort();

  it('group commit: 1000 appends in one turn are one write and one fdatasync, then one onDurable', async () => {
    const disk = new CountingDisk(new NodeDisk());
    const storage = new FileStorage(dir, { disk });
    const { durable } = await opened(storage);
    for (const e of entries(1, 1000)) storage.append(e);
    await durable.until(1000n);
    expect(durable.reports).toEqual([1000n]);
    expect(disk.counts).toEqual({ appends: 1, syncs: 1, dirSyncs: 1 }); // dir: the new segment's name
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
    const storage = new FileStorage(dir);
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
    const good = (await stat(path)).size;
    const record = encodeRecord(11n, encode(LogEntry, entry(11)));
    await appendFile(path, record.subarray(0, record.length - 7));
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
    const bytes = await readFile(path);
    bytes[bytes.length - 3] = (bytes[bytes.length - 3] as number) ^ 0x40;
    await writeFile(path, bytes);
    const { recovered, storage } = await reopen();
    expect(recovered.entries).toEqual(entries(1, 9));
    expect((await stat(path)).size).toBe(SEGMENT_HEADER_SIZE + 9 * RECORD);
    await storage.close();
  });

  it('a bad record in the middle makes open reject, naming the file and offset, and changes nothing', async () => {
    await write(entries(1, 10));
    const path = join(dir, (await segments())[0] as string);
    const bytes = await readFile(path);
    const offset = SEGMENT_HEADER_SIZE + 2 * RECORD;
    bytes[offset + RECORD_HEADER_SIZE + 5] = (bytes[offset + RECORD_HEADER_SIZE + 5] as number) ^ 1;
    await writeFile(path, bytes);
    const storage = new FileStorage(dir);
    const error = await storage.open(() => undefined).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(CorruptDataError);
    expect(error).toMatchObject({ path, offset });
    expect((error as Error).message).toContain(`${path} at offset ${offset}: record checksum mismatch`);
    expect((error as Error).message).toContain('refusing to start');
    expect(await readFile(path)).toEqual(bytes);
    await storage.close();
  });

  it('a damaged length field in the middle is refused too (a valid record is found further on)', async () => {
    await write(entries(1, 10));
    const path = join(dir, (await segments())[0] as string);
    const bytes = await readFile(path);
    bytes.writeUInt32BE(0x00ffffff, SEGMENT_HEADER_SIZE + 4 * RECORD + 4);
    await writeFile(path, bytes);
    await expect(new FileStorage(dir).open(() => undefined)).rejects.toThrow(
      /at offset \d+: record truncated.*follows/,
    );
  });

  it('damage at the end of a segment that is not the last one is refused', async () => {
    await write(entries(1, 10));
    await write(entries(11, 20));
    const [first] = await segments();
    await truncate(join(dir, first as string), SEGMENT_HEADER_SIZE + 9 * RECORD + 3);
    await expect(new FileStorage(dir).open(() => undefined)).rejects.toThrow(/later segments exist/);
  });

  it('a missing segment is refused', async () => {
    await write(entries(1, 10));
    await write(entries(11, 20));
    await write(entries(21, 30));
    await rm(join(dir, 'wal-0000000002.log'));
    await expect(new FileStorage(dir).open(() => undefined)).rejects.toThrow(
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
    const storage = new FileStorage(dir, { keepSnapshots: 1 });
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
    const storage = new FileStorage(dir, { snapshotEvery: 5 });
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
    const storage = new FileStorage(dir, { keepSnapshots: 2 });
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
    const storage = new FileStorage(dir, { segmentBytes: 5 * RECORD });
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
