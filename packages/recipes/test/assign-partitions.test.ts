// The default partition assignment (partition/assign-partitions.ts) as a pure function:
// balance, stickiness, minimal moves against a brute-force minimum, capacity weights.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AssignmentInput, assignPartitions } from '../src/partition/assign-partitions.js';

const names = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

/** An input: partitions, members with capacities, and a previous assignment naming present and departed members. */
const inputs = (maxPartitions: number, maxMembers: number, weighted: boolean) =>
  fc
    .record({
      partitions: fc.integer({ min: 0, max: maxPartitions }),
      capacities: fc.array(weighted ? fc.integer({ min: 1, max: 4 }) : fc.constant(1), {
        minLength: 1,
        maxLength: maxMembers,
      }),
      owners: fc.array(fc.integer({ min: -1, max: maxMembers + 1 }), { maxLength: maxPartitions }),
    })
    .map(({ partitions, capacities, owners }): AssignmentInput => {
      const ps = names(partitions, 'p');
      const previous: Record<string, string> = {};
      ps.forEach((p, i) => {
        const o = owners[i];
        if (o !== undefined && o >= 0) previous[p] = `m${o}`;
      });
      return { partitions: ps, members: capacities.map((capacity, i) => ({ id: `m${i}`, capacity })), previous };
    });

function counts(input: AssignmentInput, result: Record<string, string>): Map<string, number> {
  const c = new Map(input.members.map((m) => [m.id, 0]));
  for (const owner of Object.values(result)) c.set(owner, (c.get(owner) ?? 0) + 1);
  return c;
}

/** Whether every member holds its share by capacity rounded down or up. */
function balanced(input: AssignmentInput, result: Record<string, string>): boolean {
  const total = input.members.reduce((s, m) => s + m.capacity, 0);
  const c = counts(input, result);
  return input.members.every((m) => {
    const share = (input.partitions.length * m.capacity) / total;
    const n = c.get(m.id) ?? 0;
    return n >= Math.floor(share) && n <= Math.ceil(share);
  });
}

/** Partitions taken from an owner that is still a member. */
function moves(input: AssignmentInput, result: Record<string, string>): number {
  const present = new Set(input.members.map((m) => m.id));
  return input.partitions.filter((p) => {
    const before = input.previous[p];
    return before !== undefined && present.has(before) && result[p] !== before;
  }).length;
}

/** The fewest moves of any balanced assignment, by enumerating them all. */
function minimumMoves(input: AssignmentInput): number {
  const ids = input.members.map((m) => m.id);
  let best = Number.POSITIVE_INFINITY;
  const current: Record<string, string> = {};
  const visit = (i: number) => {
    if (i === input.partitions.length) {
      if (balanced(input, current)) best = Math.min(best, moves(input, current));
      return;
    }
    for (const id of ids) {
      current[input.partitions[i] as string] = id;
      visit(i + 1);
    }
  };
  visit(0);
  return best;
}

describe('assignPartitions', () => {
  it('assigns every partition to a member, balanced (max − min ≤ 1 with equal capacities)', () => {
    fc.assert(
      fc.property(inputs(40, 8, false), (input) => {
        const result = assignPartitions(input);
        const ids = new Set(input.members.map((m) => m.id));
        expect(Object.keys(result).sort()).toEqual([...input.partitions].sort());
        for (const owner of Object.values(result)) expect(ids.has(owner)).toBe(true);
        const c = [...counts(input, result).values()];
        expect(Math.max(...c) - Math.min(...c)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('respects capacity weights: each member gets its share rounded down or up', () => {
    fc.assert(
      fc.property(inputs(40, 6, true), (input) => {
        expect(balanced(input, assignPartitions(input))).toBe(true);
      }),
    );
  });

  it('moves the minimum possible number of partitions away from remaining members (brute force)', () => {
    fc.assert(
      fc.property(inputs(6, 3, true), (input) => {
        expect(moves(input, assignPartitions(input))).toBe(minimumMoves(input));
      }),
      { numRuns: 300 },
    );
  });

  it('is sticky: a balanced assignment of the same members is kept as it is', () => {
    fc.assert(
      fc.property(inputs(30, 6, true), (input) => {
        const first = assignPartitions(input);
        expect(assignPartitions({ ...input, previous: first })).toEqual(first);
      }),
    );
  });

  it('is deterministic whatever the order of the members', () => {
    fc.assert(
      fc.property(inputs(20, 6, true), (input) => {
        const reversed = { ...input, members: [...input.members].reverse() };
        expect(assignPartitions(reversed)).toEqual(assignPartitions(input));
      }),
    );
  });

  it('a second member joining one that owns 6 takes exactly 3; a third of 3 members leaving moves only its own', () => {
    const ps = names(6, 'p');
    const one = assignPartitions({ partitions: ps, members: [{ id: 'a', capacity: 1 }], previous: {} });
    const two = assignPartitions({
      partitions: ps,
      members: [
        { id: 'a', capacity: 1 },
        { id: 'b', capacity: 1 },
      ],
      previous: one,
    });
    expect(Object.values(two).filter((m) => m === 'b')).toHaveLength(3);
    expect(ps.filter((p) => two[p] === 'a').every((p) => one[p] === 'a')).toBe(true);
    const three = assignPartitions({
      partitions: ps,
      members: ['a', 'b', 'c'].map((id) => ({ id, capacity: 1 })),
      previous: two,
    });
    const left = assignPartitions({
      partitions: ps,
      members: ['a', 'c'].map((id) => ({ id, capacity: 1 })),
      previous: three,
    });
    expect(ps.filter((p) => three[p] !== 'b' && left[p] !== three[p])).toEqual([]);
  });

  it('more members than partitions: some idle; no member or no capacity: nothing assigned', () => {
    const members = names(5, 'm').map((id) => ({ id, capacity: 1 }));
    const result = assignPartitions({ partitions: ['x', 'y'], members, previous: {} });
    expect(Object.values(result).sort()).toEqual(['m0', 'm1']);
    expect(assignPartitions({ partitions: ['x'], members: [], previous: {} })).toEqual({});
    expect(assignPartitions({ partitions: ['x'], members: [{ id: 'a', capacity: 0 }], previous: {} })).toEqual({});
  });
});
