import { NoNodeError, type Stat, TransactionError, type WatchOption, type ZooKeeperClient } from '@zookit/client';
import { ensureParents } from '../internal/paths.js';

/**
 * The assignment node's data (JSON): written only by the leader, read by every member.
 * `generation` grows by one with every write; `membersView` and `membersZxid` are the member
 * set it was computed from and the zxid (pzxid of `members/`, decimal) at which it was observed.
 */
export interface AssignmentRecord {
  readonly generation: number;
  /** partition → member id; a partition not named is unowned. */
  readonly partitions: Readonly<Record<string, string>>;
  readonly membersView: readonly string[];
  readonly membersZxid: string;
}

/** The assignment as read: its record, and the node's Stat (its version guards the next write). */
export interface AssignmentRead {
  readonly record: AssignmentRecord;
  readonly stat: Stat;
}

/** The record in `data`, or a TypeError naming what is wrong (the node was written by someone else). */
export function decodeAssignment(path: string, data: Buffer | null): AssignmentRecord {
  let value: unknown;
  try {
    value = JSON.parse(data?.toString('utf8') ?? '');
  } catch {
    throw new TypeError(`${path}: the assignment is not JSON`);
  }
  const v = value as Partial<AssignmentRecord> | null;
  if (
    typeof v !== 'object' ||
    v === null ||
    !Number.isSafeInteger(v.generation) ||
    typeof v.partitions !== 'object' ||
    v.partitions === null ||
    !Object.values(v.partitions).every((m) => typeof m === 'string') ||
    !Array.isArray(v.membersView) ||
    typeof v.membersZxid !== 'string'
  ) {
    throw new TypeError(`${path}: expected {generation, partitions, membersView, membersZxid}, got ${String(data)}`);
  }
  return v as AssignmentRecord;
}

/** Reads the assignment (null: none written yet), setting `watch` either way (an exists watch when absent). */
export async function readAssignment(
  client: ZooKeeperClient,
  path: string,
  options: { watch?: WatchOption; signal?: AbortSignal } = {},
): Promise<AssignmentRead | null> {
  for (;;) {
    try {
      const { data, stat } = await client.getData(path, options);
      return { record: decodeAssignment(path, data), stat };
    } catch (err) {
      if (!(err instanceof NoNodeError)) throw err;
    }
    // Not written yet: wait for its creation, unless it was created just now.
    if (!(await client.exists(path, options)).stat) return null;
  }
}

/** Why a fenced write did not happen. */
export type WriteOutcome = 'written' | 'deposed' | 'conflict';

/**
 * Writes `record` as the leader holding the latch node `latchNode`, in one `multi` with a check
 * of that node: a deposed leader (its node deleted, or gone with its session) cannot write.
 * `version` is the version read (-1: create the node). Resolves 'deposed' when the check failed,
 * 'conflict' when the node changed since it was read (read again), 'written' otherwise.
 */
export async function writeAssignment(
  client: ZooKeeperClient,
  latchNode: string,
  path: string,
  record: AssignmentRecord,
  version: number,
  signal?: AbortSignal,
): Promise<WriteOutcome> {
  const data = JSON.stringify(record);
  const write =
    version < 0 ? ({ type: 'create', path, data } as const) : ({ type: 'setData', path, data, version } as const);
  try {
    await client.multi([{ type: 'check', path: latchNode, version: -1 }, write], { signal });
    return 'written';
  } catch (err) {
    if (!(err instanceof TransactionError)) throw err;
    if (err.failedIndex === 0) return 'deposed';
    // The group node missing under a create: make it (persistent: it keeps the assignment).
    if (err.codeName === 'NoNode' && version < 0) await ensureParents(client, path, signal, 'persistent');
    return 'conflict';
  }
}
