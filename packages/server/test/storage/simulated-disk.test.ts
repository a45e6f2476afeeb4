import { describe, expect, it } from 'vitest';
import { FileStorage } from '../../src/storage/file-storage.js';
import { seededRandom } from '../../src/storage/seeded-random.js';
import { DiskCrashedError, SimulatedDisk } from '../../src/storage/simulated-disk.js';
import { entries, entry, opened, turns } from './helpers.js';

const bytes = (s: string) => Buffer.from(s);

describe('SimulatedDisk', () => {
  it('a crash keeps synced bytes and drops the unsynced ones', async () => {
    const disk = new SimulatedDisk();
    await disk.mkdir('/d');
    const file = await disk.open('/d/f', 'create');
    await disk.syncDir('/d');
    await file.append(bytes('synced.'));
    await file.sync();
    await file.append(bytes('lost'));
    expect(Buffer.from(await disk.read('/d/f')).toString()).toBe('synced.lost');
    disk.crash();
    expect(Buffer.from(await disk.read('/d/f')).toString()).toBe('synced.');
    await expect(file.append(bytes('x'))).rejects.toThrow(DiskCrashedError);
  });

  it('a tearing crash keeps a prefix of the unsynced bytes, chosen by the seed', async () => {
    const kept = new Set<number>();
    for (let seed = 1; seed <= 40; seed++) {
      const disk = new SimulatedDisk({ seed });
      await disk.mkdir('/d');
      const file = await disk.open('/d/f', 'create');
      await disk.syncDir('/d');
      await file.append(bytes('abc'));
      await file.sync();
      await file.append(bytes('0123456789'));
      disk.crash({ tear: true });
      const content = Buffer.from(await disk.read('/d/f')).toString();
      expect('abc0123456789'.startsWith(content) && content.startsWith('abc')).toBe(true);
      kept.add(content.length);
    }
    expect(kept.size).toBeGreaterThan(5);
  });

  it('a truncate that was not synced is undone by a crash', async () => {
    const disk = new SimulatedDisk();
    await disk.mkdir('/d');
    const file = await disk.open('/d/f', 'create');
    await disk.syncDir('/d');
    await file.append(bytes('0123456789'));
    await file.sync();
    await file.truncate(4);
    await file.append(bytes('xy'));
    disk.crash({ tear: true });
    expect(Buffer.from(await disk.read('/d/f')).toString()).toBe('0123456789');
  });

  it('creations, renames and removals not made durable with syncDir are undone by a crash', async () => {
    const disk = new SimulatedDisk();
    await disk.mkdir('/d');
    const a = await disk.open('/d/a', 'create');
    await a.append(bytes('a'));
    await a.sync();
    disk.crash();
    expect(await disk.list('/d')).toEqual([]);

    const b = await disk.open('/d/b', 'create');
    await b.append(bytes('b'));
    await b.sync();
    await disk.syncDir('/d');
    await disk.rename('/d/b', '/d/c');
    disk.crash();
    expect(await disk.list('/d')).toEqual(['b']);

    await disk.remove('/d/b');
    disk.crash();
    expect(await disk.list('/d')).toEqual(['b']);
    await disk.remove('/d/b');
    await disk.syncDir('/d');
    disk.crash();
    expect(await disk.list('/d')).toEqual([]);
  });

  it('an operation in flight when the disk crashes rejects and has no effect', async () => {
    const disk = new SimulatedDisk();
    await disk.mkdir('/d');
    const file = await disk.open('/d/f', 'create');
    await disk.syncDir('/d');
    await file.append(bytes('x'));
    const sync = file.sync();
    disk.crash();
    await expect(sync).rejects.toThrow(DiskCrashedError);
    expect(Buffer.from(await disk.read('/d/f')).toString()).toBe('');
  });
});

describe('FileStorage on a SimulatedDisk', () => {
  const quiet = { onError: () => undefined };

  it('group commit: appends made while a commit is in flight form the next commit, one sync each', async () => {
    const disk = new SimulatedDisk();
    const storage = new FileStorage('/data', { disk });
    const { durable } = await opened(storage);
    const syncsBefore = disk.counts().syncs;
    for (const e of entries(1, 5)) storage.append(e);
    await turns(2); // the commit of 1..5 is now writing
    for (const e of entries(6, 50)) storage.append(e);
    await durable.until(50n);
    expect(durable.reports).toEqual([5n, 50n]);
    expect(disk.counts().syncs - syncsBefore).toBe(2);
    expect(storage.stats()).toMatchObject({ entries: 50, commits: 2, largestCommit: 45 });
    await storage.close();
  });

  it('a crash loses only entries that were not reported durable (many seeds, with and without torn writes)', async () => {
    for (let seed = 1; seed <= 150; seed++) {
      const random = seededRandom(seed);
      const disk = new SimulatedDisk({ seed });
      let appended = 0;
      let durableBefore = 0n;
      for (let life = 0; life < 3; life++) {
        const storage = new FileStorage('/data', { disk, snapshotEvery: 1_000_000, segmentBytes: 2000, ...quiet });
        const { recovered, durable } = await opened(storage);
        const zxids = recovered.entries.map((e) => Number(e.zxid));
        // Every entry reported durable before the crash came back, and nothing but a prefix of what was appended.
        expect(zxids.length).toBeGreaterThanOrEqual(Number(durableBefore));
        expect(zxids).toEqual(Array.from({ length: zxids.length }, (_, i) => i + 1));
        expect(zxids.length).toBeLessThanOrEqual(appended);
        expect(recovered.entries).toEqual(entries(1, zxids.length));
        appended = zxids.length;
        const steps = random.int(0, 25);
        for (let step = 0; step < steps; step++) {
          for (let n = random.int(0, 4); n > 0; n--) storage.append(entry(++appended));
          await turns(1);
        }
        durableBefore = durable.last;
        disk.crash({ tear: random.next() < 0.5 });
      }
    }
  });
});
