/**
 * AtomicLong — a 64-bit counter updated atomically by compare-and-set on its node's version
 * (Curator's DistributedAtomicLong; same 8-byte big-endian format, so zookit and Curator share
 * counters). Values are `bigint`s; arithmetic wraps at 64 bits as Java's `long` does. A missing
 * node reads as 0. Always check `succeeded`: under contention a finite retry policy may give up.
 *
 * Failure semantics (as AtomicValue):
 * - suspended: operations wait for the connection (bounded by `signal`).
 * - A write cut off by a connection loss or session expiry is checked, never blindly repeated:
 *   an increment is applied at most once and reported as applied only when proven. When it was
 *   proven not applied it is tried again; otherwise the operation rejects with an
 *   OutcomeUnknownError (the value may or may not have changed): two increments from the same
 *   value write the same bytes, so "my bytes are there" proves nothing.
 * - A node whose data is neither 8 bytes nor empty (read as 0) rejects with a RangeError:
 *   corrupted value.
 * - close(): rejects operations in flight and later ones. Idempotent. No start() needed.
 */
import type { ZooKeeperClient } from '@zookit/client';
import { checkPath } from '../internal/paths.js';
import { type AtomicCallOptions, AtomicNode, type AtomicOptions, type AtomicResult } from './atomic-node.js';
import { int64Codec } from './codecs.js';

export class AtomicLong implements AsyncDisposable {
  readonly #node: AtomicNode<bigint>;

  constructor(client: ZooKeeperClient, path: string, options: AtomicOptions = {}) {
    this.#node = new AtomicNode('AtomicLong', client, checkPath('path', path), int64Codec, options);
  }

  get path(): string {
    return this.#node.path;
  }

  /** The current value (0n for a missing node). */
  get(options: AtomicCallOptions = {}): Promise<AtomicResult<bigint>> {
    return this.#node.get(options);
  }

  increment(options: AtomicCallOptions = {}): Promise<AtomicResult<bigint>> {
    return this.add(1n, options);
  }

  decrement(options: AtomicCallOptions = {}): Promise<AtomicResult<bigint>> {
    return this.add(-1n, options);
  }

  /** Adds `delta` atomically (wrapping at 64 bits). */
  add(delta: bigint, options: AtomicCallOptions = {}): Promise<AtomicResult<bigint>> {
    if (typeof delta !== 'bigint') throw new TypeError(`delta: expected a bigint, got ${typeof delta}`);
    return this.#node.update((current) => BigInt.asIntN(64, current + delta), options);
  }

  subtract(delta: bigint, options: AtomicCallOptions = {}): Promise<AtomicResult<bigint>> {
    if (typeof delta !== 'bigint') throw new TypeError(`delta: expected a bigint, got ${typeof delta}`);
    return this.add(-delta, options);
  }

  /** Sets `newValue` atomically (retried per policy, then promoted). */
  trySet(newValue: bigint, options: AtomicCallOptions = {}): Promise<AtomicResult<bigint>> {
    return this.#node.update(() => newValue, options);
  }

  /** One attempt: sets `newValue` only if the value is `expected` now (a missing node is 0n). */
  compareAndSet(expected: bigint, newValue: bigint, options: AtomicCallOptions = {}): Promise<AtomicResult<bigint>> {
    return this.#node.compareAndSet(expected, newValue, options);
  }

  /** Sets `newValue` unconditionally. */
  forceSet(newValue: bigint, options: AtomicCallOptions = {}): Promise<void> {
    return this.#node.forceSet(newValue, options);
  }

  /** Creates the node with `value` unless it exists; false if it did. */
  initialize(value: bigint, options: AtomicCallOptions = {}): Promise<boolean> {
    return this.#node.initialize(value, options);
  }

  close(): Promise<void> {
    return this.#node.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
