/**
 * AtomicValue — a byte value updated atomically by compare-and-set on its node's version
 * (Curator's DistributedAtomicValue; same raw-bytes format). Each operation reads, computes and
 * writes back only if nobody wrote in between; a lost race is tried again per the retry policy,
 * then — with `promotedToLock` — once more while holding a Mutex. Always check `succeeded`.
 *
 * Failure semantics:
 * - suspended: operations wait for the connection (bounded by `signal`); reads cut by a
 *   connection loss are retried per the policy.
 * - A write cut off by a connection loss or session expiry may have been applied. The operation
 *   then looks at the node: if no write changed it since it was read (same mzxid), ours was not
 *   applied and is tried again per the policy (or, for compareAndSet, the connection error is
 *   thrown: nothing was written). Otherwise the outcome cannot be proven — one version on with
 *   our bytes is also what a concurrent writer from the same value leaves — and the operation
 *   rejects with an OutcomeUnknownError (the value may or may not have changed), on the
 *   optimistic and on the promoted path alike: never reported as success, never retried. A
 *   ConnectionLossError / SessionExpiredError from an operation means nothing was written.
 * - A missing node is created holding zero (what it reads as) before the first value is written,
 *   so that every value is written by a conditional setData whose outcome can be checked.
 * - lost / session expiry: the value's node is persistent and unaffected; with promotion, the
 *   lock's lease ends with the session and the attempt under it fails like any other.
 * - A cancelled operation (`signal`) rejects with `signal.reason`; a write already sent may
 *   have been applied. It owns no node (a promotion lock is released).
 * - close(): rejects operations in flight (resolving once they settled) and later ones.
 *   Idempotent. Holds nothing between calls: usable from construction, no start().
 */
import type { ZooKeeperClient } from '@zookit/client';
import { checkPath } from '../internal/paths.js';
import { type AtomicCallOptions, AtomicNode, type AtomicOptions, type AtomicResult } from './atomic-node.js';
import { bytesCodec, toBytes } from './codecs.js';

export class AtomicValue implements AsyncDisposable {
  readonly #node: AtomicNode<Uint8Array>;

  constructor(client: ZooKeeperClient, path: string, options: AtomicOptions = {}) {
    this.#node = new AtomicNode('AtomicValue', client, checkPath('path', path), bytesCodec, options);
  }

  get path(): string {
    return this.#node.path;
  }

  /** The current value (empty for a missing node). */
  get(options: AtomicCallOptions = {}): Promise<AtomicResult<Uint8Array>> {
    return this.#node.get(options);
  }

  /** Sets `newValue` atomically (retried per policy, then promoted). */
  trySet(newValue: Uint8Array | string, options: AtomicCallOptions = {}): Promise<AtomicResult<Uint8Array>> {
    const bytes = toBytes(newValue);
    return this.#node.update(() => bytes, options);
  }

  /** Sets `next(current)` atomically; `next` may run several times, so it must be pure. */
  update(
    next: (current: Uint8Array) => Uint8Array,
    options: AtomicCallOptions = {},
  ): Promise<AtomicResult<Uint8Array>> {
    return this.#node.update(next, options);
  }

  /** One attempt: sets `newValue` only if the value equals `expected` now. */
  compareAndSet(
    expected: Uint8Array | string,
    newValue: Uint8Array | string,
    options: AtomicCallOptions = {},
  ): Promise<AtomicResult<Uint8Array>> {
    return this.#node.compareAndSet(toBytes(expected), toBytes(newValue), options);
  }

  /** Sets `newValue` unconditionally. */
  forceSet(newValue: Uint8Array | string, options: AtomicCallOptions = {}): Promise<void> {
    return this.#node.forceSet(toBytes(newValue), options);
  }

  /** Creates the node with `value` unless it exists; false if it did. */
  initialize(value: Uint8Array | string, options: AtomicCallOptions = {}): Promise<boolean> {
    return this.#node.initialize(toBytes(value), options);
  }

  close(): Promise<void> {
    return this.#node.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
