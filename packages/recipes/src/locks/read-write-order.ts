import { compareCzxids, compareSuffixes, type QueueOrder, textOrder } from '../internal/sequence-order.js';
import type { LockPolicy } from './lock-engine.js';

/** Curator's lock names for the two halves (both 8 characters, as Curator requires). */
export const READ_LOCK_NAME = '__READ__';
export const WRITE_LOCK_NAME = '__WRIT__';

/** Whether a child of a read-write lock is a writer's node. */
export function isWriter(child: string): boolean {
  return child.includes(WRITE_LOCK_NAME);
}

/** What a child sorts by: the text after the last lock name, as Curator's sorting driver does. */
export function readWriteKey(child: string): string {
  const i = Math.max(child.lastIndexOf(READ_LOCK_NAME), child.lastIndexOf(WRITE_LOCK_NAME));
  return i >= 0 ? child.slice(i + WRITE_LOCK_NAME.length) : child;
}

/**
 * Orders a read-write lock's children by their sequence, whichever half they belong to, with
 * the overflow-safe comparison every queue uses (internal/sequence-order.ts). Equal sequences
 * are ordered by czxid when known (creation order: ZooKeeper 3.8's saturated counter). A
 * downgraded read node carries its writer's sequence; on that tie the writer sorts first (it
 * was there first, as its czxid says too), then by name so every process sees the same order.
 */
export function sortReadWrite(children: readonly string[], czxids?: ReadonlyMap<string, bigint>): string[] {
  return [...children].sort((a, b) => {
    const bySequence = compareSuffixes(readWriteKey(a), readWriteKey(b)) || compareCzxids(a, b, czxids);
    if (bySequence !== 0) return bySequence;
    const wa = isWriter(a);
    if (wa !== isWriter(b)) return wa ? -1 : 1;
    return textOrder(a, b);
  });
}

/** The queue order of both halves of a read-write lock (for the lock engine). */
export const readWriteOrder: QueueOrder = { key: readWriteKey, sort: sortReadWrite };

/**
 * A writer holds when no node of either half is before it (in {@link readWriteOrder}); it
 * watches its immediate predecessor.
 */
export const writerPolicy: LockPolicy = (order, index) =>
  index === 0 ? { acquired: true } : { acquired: false, watch: order[index - 1] as string };

/**
 * A reader holds when no writer is before it. Otherwise it watches the nearest earlier writer:
 * only that writer's departure can change its verdict, and readers behind different writers
 * wake at different times (Curator watches the first writer instead). It never watches a later
 * node: a reader watching a later writer that watches the reader deadlocks (kazoo #649).
 */
export const readerPolicy: LockPolicy = (order, index) => {
  for (let i = index - 1; i >= 0; i--) {
    const node = order[i] as string;
    if (isWriter(node)) return { acquired: false, watch: node };
  }
  return { acquired: true };
};
