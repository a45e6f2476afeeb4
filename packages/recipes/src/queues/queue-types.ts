import type { ConnectionErrorPolicy } from '../connection-error-policy.js';

/**
 * One item handed to a queue's consumer.
 * - `signal` aborts when the item may no longer be ours: in safe mode when its lock is lost
 *   (suspended under the standard error policy, session lost, lock node deleted) or the queue
 *   closes; in at-most-once mode only when the queue closes. A handler that ends after its
 *   signal aborted leaves the item in the queue (safe mode) whatever it returns.
 * - `token` (safe mode) is the czxid of the item's lock node: a fencing token that grows with
 *   every take of any item of any queue on this ensemble. Send it with downstream writes so a
 *   consumer that lost its lock (a paused process) is refused; see `FencedStore`.
 */
export interface QueueItem {
  /** The item's node name (`queue-…`). */
  readonly name: string;
  /** The item's bytes (empty when it was put empty). */
  readonly data: Buffer;
  readonly signal: AbortSignal;
  /** The fencing token (safe mode only). */
  readonly token?: bigint;
}

/** Processes one item; resolving means done (the item is deleted), rejecting applies the error mode. */
export type QueueConsumer = (item: QueueItem) => Promise<void> | void;

/**
 * - `'safe'` (default): an item is deleted only after its consumer resolved (Curator's
 *   `lockPath` mode). Each take creates an ephemeral lock node `<lockPath>/<item>`; the item and
 *   its lock are deleted in one multi. A crash, close or session loss mid-item leaves the item
 *   for another consumer. At least once: a consumer that resolved just as its session ended may
 *   see the item processed again by another (use `token` to fence its writes).
 * - `'at-most-once'`: an item is deleted before its consumer is called; a crash mid-item loses
 *   it, nothing is ever processed twice.
 */
export type QueueMode = 'safe' | 'at-most-once';

/**
 * What a rejected consumer does to its item (safe mode; Curator's ErrorMode): `'requeue'`
 * (default) deletes it and puts its data again at the end of the queue (same key: same
 * priority, same due time, same id), in one multi; `'delete'` deletes it.
 */
export type QueueErrorMode = 'requeue' | 'delete';

/** Options of every distributed queue variant. */
export interface DistributedQueueOptions {
  /** Consumes items (one at a time per queue object). Without it the queue only puts. */
  readonly consumer?: QueueConsumer;
  /** Default `'safe'`. */
  readonly mode?: QueueMode;
  /** Default `'requeue'`. */
  readonly errorMode?: QueueErrorMode;
  /** Where safe mode's lock nodes live (a container). Default `<path>-locks`. */
  readonly lockPath?: string;
  /**
   * Bounded queue: `put` waits while the queue holds this many items or more. Approximate, as
   * Curator's: producers that check at the same moment may each add one.
   */
  readonly maxItems?: number;
  /** Which connection states end a lock (and abort the consumer's `signal`). Default `'standard'`. */
  readonly errorPolicy?: ConnectionErrorPolicy;
}

/** What happened to an item taken by this queue's consumer (for logs and tests). */
export type QueueEvent =
  | { readonly type: 'processed'; readonly name: string }
  | {
      readonly type: 'failed';
      readonly name: string;
      readonly error: unknown;
      readonly action: 'requeued' | 'deleted' | 'dropped';
    }
  | { readonly type: 'abandoned'; readonly name: string; readonly reason: unknown }
  | { readonly type: 'error'; readonly error: unknown };

/** Options of a put. */
export interface QueuePutOptions {
  /** Bounds the wait for room (bounded queues) and the create. */
  readonly signal?: AbortSignal;
}
