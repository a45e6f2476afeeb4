import type { ZooKeeperClient } from '@zookit/client';
import { Serial } from '../internal/serial.js';
import { Membership, type MembershipView } from '../nodes/membership.js';
import type { AssignFunction, AssignmentMember } from './assign-partitions.js';
import { type AssignmentRecord, readAssignment, writeAssignment } from './assignment-record.js';

/** What the leader needs to know; paths are those of one PartitionAssigner group. */
export interface AssignmentLeaderOptions {
  readonly membersPath: string;
  readonly assignmentPath: string;
  readonly partitions: readonly string[];
  readonly assign: AssignFunction;
  readonly debounce: number;
  /** Our latch node, checked by every write. */
  readonly latchNode: string;
  /** Aborts when leadership ends. */
  readonly signal: AbortSignal;
  /** Called with a failure of the assign function. */
  readonly onError: (error: unknown) => void;
}

/**
 * The leader's side of a PartitionAssigner while it leads: watches `members/`, and after each
 * change (once per debounce window, counted from the first change, so churn cannot postpone it
 * forever) computes the assignment from the current view and writes it, fenced by its latch
 * node. An unchanged assignment is not written (no new generation). Resolves when leadership
 * ends; never rejects.
 */
export async function leadAssignment(client: ZooKeeperClient, options: AssignmentLeaderOptions): Promise<void> {
  const { signal } = options;
  const membership = new Membership(client, options.membersPath);
  const serial = new Serial();
  let timer: NodeJS.Timeout | undefined;
  let deposed = false;
  const recompute = () => {
    timer = undefined;
    serial
      .run(async () => {
        if (signal.aborted || deposed || membership.stale) return;
        deposed = !(await writeOnce(client, options, membership.view));
      })
      // A connection or session loss: the view is read again on reconnect, and its `view`
      // event schedules the next attempt (or leadership ends).
      .catch((err) => {
        if (err instanceof TypeError) options.onError(err);
      });
  };
  const schedule = () => {
    if (timer === undefined && !signal.aborted) timer = setTimeout(recompute, options.debounce);
  };
  membership.on((e) => {
    if (e.type === 'view') schedule();
  });
  const ended = new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  try {
    await membership.start({ signal });
    recompute(); // a new leader checks the assignment at once
    await ended;
  } catch {
    // Leadership ended during the first read.
  } finally {
    clearTimeout(timer);
    await membership.close();
    await serial.run(async () => undefined);
  }
}

/** Computes and writes until written, unchanged or deposed; false when deposed. */
async function writeOnce(
  client: ZooKeeperClient,
  options: AssignmentLeaderOptions,
  view: MembershipView,
): Promise<boolean> {
  for (;;) {
    const current = await readAssignment(client, options.assignmentPath, { signal: options.signal });
    const members = [...view.members].map(([id, data]) => ({ id, capacity: capacityOf(data) }));
    members.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const partitions = checked(options, members, current?.record.partitions ?? {});
    if (current && sameAssignment(current.record.partitions, partitions)) return true;
    const record: AssignmentRecord = {
      generation: (current?.record.generation ?? 0) + 1,
      partitions,
      membersView: members.map((m) => m.id),
      membersZxid: view.zxid.toString(),
    };
    const outcome = await writeAssignment(
      client,
      options.latchNode,
      options.assignmentPath,
      record,
      current ? current.stat.version : -1,
      options.signal,
    );
    if (outcome === 'deposed') return false;
    if (outcome === 'written') return true;
  }
}

/** The assign function's result, refused (TypeError) if it names an unknown partition or member. */
function checked(
  options: AssignmentLeaderOptions,
  members: readonly AssignmentMember[],
  previous: Readonly<Record<string, string>>,
): Record<string, string> {
  const result = options.assign({ partitions: options.partitions, members, previous });
  const ids = new Set(members.map((m) => m.id));
  const known = new Set(options.partitions);
  for (const [p, m] of Object.entries(result ?? {})) {
    if (!known.has(p) || !ids.has(m)) {
      throw new TypeError(`assign: returned ${JSON.stringify(p)} → ${JSON.stringify(m)}, not a partition and a member`);
    }
  }
  return result;
}

/** A member's capacity from its node's data ({capacity}); 1 when absent or not readable. */
export function capacityOf(data: Buffer | null): number {
  try {
    const capacity = (JSON.parse(data?.toString('utf8') ?? '') as { capacity?: unknown }).capacity;
    return typeof capacity === 'number' && Number.isFinite(capacity) && capacity >= 0 ? capacity : 1;
  } catch {
    return 1;
  }
}

function sameAssignment(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}
