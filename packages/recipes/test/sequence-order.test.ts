// The queue order every lock-like recipe uses (internal/sequence-order.ts), as a pure function:
// ZooKeeper's %010d suffixes of a signed 32-bit counter, compared as serial numbers across the wrap.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareSequences,
  orderChildren,
  sequenceOf,
  sequenceOrder,
  sortBySequence,
  tiedChildren,
} from '../src/internal/sequence-order.js';
import { readWriteOrder, sortReadWrite } from '../src/locks/read-write-order.js';

/** Java's String.format("%010d", n), for building names the way ZooKeeper does. */
const seq = (n: number) => (n < 0 ? `-${String(-n).padStart(9, '0')}` : String(n).padStart(10, '0'));
const lock = (uuid: string, n: number) => `_c_${uuid}-lock-${seq(n)}`;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
/** The counter after `k` creates from `base` (Java int arithmetic). */
const after = (base: number, k: number) => (base + k) | 0;
/** Curator's order (StandardLockInternalsDriver.fixForSorting, then String.compareTo). */
const curatorSort = (names: readonly string[], lockName: string) => {
  const key = (name: string) => name.slice(name.lastIndexOf(lockName) + lockName.length);
  return [...names].sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));
};

describe('sequence order', () => {
  it("sequence – reads exactly the suffixes ZooKeeper's %010d makes of a 32-bit counter", () => {
    expect(sequenceOf('0000000000')).toBe(0);
    expect(sequenceOf('0000000042')).toBe(42);
    expect(sequenceOf('2147483647')).toBe(INT32_MAX);
    expect(sequenceOf('-2147483648')).toBe(INT32_MIN);
    expect(sequenceOf('-000000005')).toBe(-5);
    expect(sequenceOf('-999999999')).toBe(-999999999);
    expect(sequenceOf('-1000000000')).toBe(-1000000000);
    for (const text of [
      '',
      '42',
      '00000000042',
      '2147483648',
      '9999999999',
      '-2147483649',
      '-0000000005',
      '-000000000',
      '+000000005',
      '000000004x',
      ' 000000004',
    ]) {
      expect(sequenceOf(text), text).toBeUndefined();
    }
  });

  it('compare – serial order is creation order across the wrap, numeric order without it', () => {
    expect(compareSequences(INT32_MAX, INT32_MIN)).toBe(-1);
    expect(compareSequences(INT32_MIN, INT32_MAX)).toBe(1);
    expect(compareSequences(INT32_MIN, INT32_MIN + 1)).toBe(-1);
    expect(compareSequences(-1, 0)).toBe(-1);
    expect(compareSequences(5, 5)).toBe(0);
    expect(compareSequences(0, INT32_MAX)).toBe(-1);
    // Exactly 2^31 apart: no serial order; numeric order keeps the comparison antisymmetric.
    expect(compareSequences(INT32_MIN, 0)).toBe(-1);
    expect(compareSequences(0, INT32_MIN)).toBe(1);
  });

  it('sort – a lock queue across the wrap is in creation order (Curator would put the newcomers first)', () => {
    const created = [lock('a', 2147483646), lock('b', INT32_MAX), lock('c', INT32_MIN), lock('d', -2147483647)];
    const listed = [created[2], created[0], created[3], created[1]] as string[];
    expect(sortBySequence(listed, 'lock-')).toEqual(created);
    // Curator's text order for the same names: both post-wrap nodes first, and backwards.
    expect(curatorSort(listed, 'lock-')).toEqual([created[3], created[2], created[0], created[1]]);
  });

  it('sort – across -1 → 0 (the second half of the cycle) too', () => {
    const created = [lock('a', -2), lock('b', -1), lock('c', 0), lock('d', 1)];
    expect(sortBySequence([...created].reverse(), 'lock-')).toEqual(created);
  });

  it('sort – without a wrap the order is exactly Curator’s (the text order of the suffixes)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: INT32_MAX }), { minLength: 1, maxLength: 30 }),
        (numbers) => {
          const names = numbers.map((n, i) => lock(`u${i}`, n));
          expect(sortBySequence(names, 'lock-')).toEqual(curatorSort(names, 'lock-'));
        },
      ),
    );
  });

  it('sort – for any base and increasing offsets less than 2^31 apart the order is creation order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: INT32_MIN, max: INT32_MAX }),
        fc.uniqueArray(fc.integer({ min: 0, max: INT32_MAX }), { minLength: 1, maxLength: 40 }),
        fc.integer(),
        (base, offsets, seed) => {
          const created = [...offsets].sort((x, y) => x - y).map((k, i) => lock(`u${i}`, after(base, k)));
          // Listed in some other order, as getChildren does.
          const listed = created
            .map((name, i) => ({ name, key: Math.imul(i + 1, seed | 1) }))
            .sort((x, y) => x.key - y.key)
            .map((e) => e.name);
          expect(sortBySequence(listed, 'lock-')).toEqual(created);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('sort – uses what follows the last lock name (else the whole name); children without a sequence go last, by name', () => {
    const listed = ['zzz', 'lock-abc', lock('lock-', 3), '_c_x-latch-0000000001', 'lock-0000000001', '0000000000'];
    expect(sortBySequence(listed, 'lock-')).toEqual([
      // Without the lock name a child sorts by its whole name, as in Curator: here a sequence.
      '0000000000',
      'lock-0000000001',
      lock('lock-', 3),
      // No sequence: after every sequence, in text order of what they sort by.
      '_c_x-latch-0000000001',
      'lock-abc',
      'zzz',
    ]);
  });

  it('sort – equal sequences are ordered by whole name, whatever order they were listed in', () => {
    const names = [lock('b', 7), lock('a', 7), lock('c', 6)];
    expect(sortBySequence(names, 'lock-')).toEqual([lock('c', 6), lock('a', 7), lock('b', 7)]);
    expect(sortBySequence([...names].reverse(), 'lock-')).toEqual([lock('c', 6), lock('a', 7), lock('b', 7)]);
  });

  it('read-write – both halves in one overflow-safe order; a downgraded read right after its writer', () => {
    const w = (u: string, n: number) => `_c_${u}-__WRIT__${seq(n)}`;
    const r = (u: string, n: number) => `_c_${u}-__READ__${seq(n)}`;
    const created = [r('a', 2147483646), w('b', INT32_MAX), r('b2', INT32_MAX), r('c', INT32_MIN), w('d', -2147483647)];
    expect(sortReadWrite([...created].reverse())).toEqual(created);
    expect(sortReadWrite([created[3], created[2], created[4], created[1], created[0]] as string[])).toEqual(created);
  });

  it('ties – only children sharing a suffix are tied (the protection prefix does not count)', () => {
    const order = sequenceOrder('lock-');
    expect(tiedChildren([lock('a', 1), lock('b', 2), lock('c', 3)], order)).toEqual([]);
    expect(tiedChildren([lock('a', INT32_MAX), lock('b', 2), lock('c', INT32_MAX)], order)).toEqual([
      lock('a', INT32_MAX),
      lock('c', INT32_MAX),
    ]);
    // Read-write lock: a writer and a read share a sequence across the halves.
    const w = `_c_w-__WRIT__${seq(INT32_MAX)}`;
    const r = `_c_r-__READ__${seq(INT32_MAX)}`;
    expect(tiedChildren([w, `_c_x-__READ__${seq(5)}`, r], readWriteOrder)).toEqual([w, r]);
  });

  it('ties – equal suffixes (ZooKeeper 3.8 saturated at 2147483647) are ordered by czxid, not by name', () => {
    // Created in the order z, a, m (czxids 10, 20, 30), all named …2147483647 by a saturated counter.
    const [z, a, m] = [lock('z', INT32_MAX), lock('a', INT32_MAX), lock('m', INT32_MAX)] as [string, string, string];
    const czxids = new Map([
      [z, 10n],
      [a, 20n],
      [m, 30n],
    ]);
    const before = lock('b', INT32_MAX - 1);
    for (const listed of [
      [m, a, before, z],
      [a, z, m, before],
    ]) {
      expect(sequenceOrder('lock-').sort(listed, czxids)).toEqual([before, z, a, m]);
      // Without czxids: by name, which is not creation order.
      expect(sortBySequence(listed, 'lock-')).toEqual([before, a, m, z]);
    }
    const w = (u: string) => `_c_${u}-__WRIT__${seq(INT32_MAX)}`;
    const r = (u: string) => `_c_${u}-__READ__${seq(INT32_MAX)}`;
    const rw = new Map([
      [w('z'), 1n],
      [r('a'), 2n],
      [w('b'), 3n],
    ]);
    expect(sortReadWrite([w('b'), r('a'), w('z')], rw)).toEqual([w('z'), r('a'), w('b')]);
  });

  it('orderChildren – reads the czxid of tied children only, and only when a tie exists; drops tied children gone', async () => {
    const order = sequenceOrder('lock-');
    const reads: string[] = [];
    const czxids = new Map<string, bigint>([
      [lock('z', INT32_MAX), 7n],
      [lock('a', INT32_MAX), 9n],
    ]);
    const readCzxid = async (child: string) => {
      reads.push(child);
      return czxids.get(child);
    };
    const untied = [lock('b', 3), lock('a', 1), lock('c', 2)];
    expect(await orderChildren(untied, order, readCzxid)).toEqual([lock('a', 1), lock('c', 2), lock('b', 3)]);
    expect(reads).toEqual([]);
    const gone = lock('0', INT32_MAX);
    const tied = [lock('a', INT32_MAX), lock('b', 3), gone, lock('z', INT32_MAX)];
    expect(await orderChildren(tied, order, readCzxid)).toEqual([
      lock('b', 3),
      lock('z', INT32_MAX),
      lock('a', INT32_MAX),
    ]);
    expect(reads.sort()).toEqual([gone, lock('a', INT32_MAX), lock('z', INT32_MAX)].sort());
  });
});
