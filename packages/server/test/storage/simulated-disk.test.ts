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

  it('a truncate that was not synced is undone by a crash; a tearing crash keeps changes in order', async () => {
    const outcomes = new Set<string>();
    for (let seed = 1; seed <= 40; seed++) {
      const disk = new SimulatedDisk({ seed });
      await disk.mkdir('/d');
      const file = await disk.open('/d/f', 'create');
      await disk.syncDir('/d');
      await file.append(bytes('0123456789'));
      await file.sync();
      await file.truncate(4);
      await file.append(bytes('xy'));
      disk.crash({ tear: seed > 1 });
      const content = Buffer.from(await disk.read('/d/f')).toString();
      if (seed === 1) expect(content).toBe('0123456789');
      outcomes.add(content);
    }
    // Never the appended bytes without the truncate before them.
    expect([...outcomes].sort()).toEqual(['0123', '0123456789', '0123x', '0123xy']);
  });

  it('preallocated zeros that were synced survive a crash; bytes written over them are lost until synced', async () => {
    const disk = new SimulatedDisk();
    await disk.mkdir('/d');
    const file = await disk.open('/d/f', 'create');
    await disk.syncDir('/d');
    await file.append(bytes('head'));
    await file.preallocate(16);
    await file.sync();
    await file.append(bytes('abc'));
    expect(Buffer.from(await disk.read('/d/f'))).toEqual(Buffer.concat([bytes('headabc'), Buffer.alloc(9)]));
    disk.crash();
    expect(Buffer.from(await disk.read('/d/f'))).toEqual(Buffer.concat([bytes('head'), Buffer.alloc(12)]));
    expect(disk.counts()).toMatchObject({ appends: 2, preallocations: 1, syncs: 1 });
  });

  it('appends go to the write position, over preallocated zeros; preallocate never shrinks; reads take a range', async () => {
    const disk = new SimulatedDisk();
    await disk.mkdir('/d');
    const file = await disk.open('/d/f', 'create');
    await disk.syncDir('/d');
    await file.preallocate(8);
    await file.append(bytes('ab'));
    await file.preallocate(4);
    await file.append(bytes('cd'));
    await file.sync();
    expect(Buffer.from(await disk.read('/d/f'))).toEqual(Buffer.concat([bytes('abcd'), Buffer.alloc(4)]));
    expect(Buffer.from(await disk.read('/d/f', { offset: 2, length: 3 }))).toEqual(
      Buffer.concat([bytes('cd'), Buffer.alloc(1)]),
    );
    expect((await disk.read('/d/f', { offset: 6, length: 100 })).length).toBe(2);
    expect((await disk.read('/d/f', { offset: 100, length: 100 })).length).toBe(0);
    // Opened again, the write position is the end of the file: the preallocated zeros included.
    await file.close();
    const again = await disk.open('/d/f', 'append');
    await again.append(bytes('e'));
    expect(Buffer.from(await disk.read('/d/f')).toString()).toBe('abcd\0\0\0\0e');
    // A large preallocation holds no memory until written.
    await again.preallocate(1 << 30);
    expect((await disk.read('/d/f', { offset: (1 << 30) - 4, length: 8 })).length).toBe(4);
  });

  it('a tearing crash may keep an unsynced preallocation without the writes after it, never the reverse', async () => {
    const outcomes = new Set<string>();
    for (let seed = 1; seed <= 60; seed++) {
      const disk = new SimulatedDisk({ seed });
      await disk.mkdir('/d');
      const file = await disk.open('/d/f', 'create');
      await disk.syncDir('/d');
      await file.append(bytes('h'));
      await file.sync();
      await file.preallocate(4);
      await file.append(bytes('xy'));
      disk.crash({ tear: true });
      outcomes.add(Buffer.from(await disk.read('/d/f')).toString('hex'));
    }
    // 'h'; 'h' + zeros; then the write over them torn or whole.
    expect([...outcomes].sort()).toEqual(['68', '68000000', '68780000', '68787900']);
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
        const preallocateBytes = [0, 64, 300, 5000][seed % 4];
        const storage = new FileStorage('/data', {
          disk,
          snapshotEvery: 1_000_000,
          segmentBytes: 2000,
          preallocateBytes,
          ...quiet,
        });
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
