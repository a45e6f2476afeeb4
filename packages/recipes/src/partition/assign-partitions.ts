/** A member as the assignment function sees it: its id and its weight. */
export interface AssignmentMember {
  readonly id: string;
  /** Relative weight (a finite number >= 0): a member with capacity 2 gets twice the share of one with 1. */
  readonly capacity: number;
}

/** What an {@link AssignFunction} is given. */
export interface AssignmentInput {
  /** Every partition, in the order the assigner was configured with. */
  readonly partitions: readonly string[];
  /** The current members, sorted by id. */
  readonly members: readonly AssignmentMember[];
  /** The assignment in force (partition → member id); may name members that have left. */
  readonly previous: Readonly<Record<string, string>>;
}

/**
 * Computes partition → member id. It must be a pure function of its input (every leader must
 * compute the same result from the same view) and name only members of `input.members`;
 * partitions it leaves out stay unowned.
 */
export type AssignFunction = (input: AssignmentInput) => Record<string, string>;

/**
 * The default assignment: sticky and balanced. Every member gets its quota — its share of the
 * partitions by capacity, rounded down or up (with equal capacities: max − min ≤ 1) — and:
 * - a partition stays with its owner while that owner is a member and within its quota;
 * - the roundings up go first to members that hold more than their share rounded down, so
 *   the number of partitions taken from remaining members is the minimum any such balanced
 *   assignment allows;
 * - orphaned partitions (owner gone, or over quota) go to the members furthest below quota.
 * Ties are broken by member id, so the result is deterministic. Members with capacity 0 get
 * nothing; with no member (or no capacity) nothing is assigned.
 */
export function assignPartitions(input: AssignmentInput): Record<string, string> {
  const { partitions, previous } = input;
  const members = [...input.members].sort((a, b) => compareIds(a.id, b.id));
  const total = members.reduce((sum, m) => sum + m.capacity, 0);
  const result: Record<string, string> = {};
  if (members.length === 0 || !(total > 0)) return result;

  const held = new Map<string, number>(members.map((m) => [m.id, 0]));
  for (const p of partitions) {
    const owner = previous[p];
    if (owner !== undefined && held.has(owner)) held.set(owner, (held.get(owner) ?? 0) + 1);
  }
  const quota = quotas(partitions.length, members, total, held);

  const count = new Map<string, number>(members.map((m) => [m.id, 0]));
  const orphans: string[] = [];
  for (const p of partitions) {
    const owner = previous[p];
    const n = owner === undefined ? undefined : count.get(owner);
    if (owner !== undefined && n !== undefined && n < (quota.get(owner) ?? 0)) {
      result[p] = owner;
      count.set(owner, n + 1);
    } else {
      orphans.push(p);
    }
  }
  for (const p of orphans) {
    let best: string | undefined;
    let bestDeficit = 0;
    for (const m of members) {
      const deficit = (quota.get(m.id) ?? 0) - (count.get(m.id) ?? 0);
      if (deficit > bestDeficit) {
        best = m.id;
        bestDeficit = deficit;
      }
    }
    if (best === undefined) break; // unreachable: the quotas add up to the partition count
    result[p] = best;
    count.set(best, (count.get(best) ?? 0) + 1);
  }
  return result;
}

/**
 * Each member's floor or ceiling of its share of `n` partitions by capacity. The ceilings
 * (members with a fractional share only) go first to members holding more than their floor
 * now — each such ceiling saves one move — then by largest fraction, then by id.
 */
function quotas(
  n: number,
  members: readonly AssignmentMember[],
  total: number,
  held: ReadonlyMap<string, number>,
): Map<string, number> {
  const quota = new Map<string, number>();
  let given = 0;
  const candidates: Array<{ id: string; fraction: number; wants: number }> = [];
  for (const m of members) {
    const share = (n * m.capacity) / total;
    const floor = Math.floor(share);
    quota.set(m.id, floor);
    given += floor;
    if (share > floor)
      candidates.push({ id: m.id, fraction: share - floor, wants: (held.get(m.id) ?? 0) > floor ? 1 : 0 });
  }
  candidates.sort((a, b) => b.wants - a.wants || b.fraction - a.fraction || compareIds(a.id, b.id));
  for (const c of candidates) {
    if (given >= n) break;
    quota.set(c.id, (quota.get(c.id) ?? 0) + 1);
    given++;
  }
  return quota;
}

/** Code-unit order, the same on every platform and locale. */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
