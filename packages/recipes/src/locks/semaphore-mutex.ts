/**
 * SemaphoreMutex — a non-reentrant distributed mutex built as a {@link Semaphore} of one lease,
 * compatible with Curator's InterProcessSemaphoreMutex (same layout: `<path>/locks` and
 * `<path>/leases/_c_<uuid>-lease-NNNNNNNNNN`). Use it to exclude Java processes that use that
 * recipe; otherwise Mutex does the same with one node per holder instead of two. A second
 * acquire always queues, whoever asks (never reentrant).
 *
 * Failure semantics (those of Semaphore):
 * - suspended: waiters keep waiting; the holder's `lease.signal` aborts under the standard
 *   error policy (default), not under the session policy.
 * - lost / session expiry: the server deletes the holder's lease node and the next waiter
 *   acquires; the old lease's signal aborts (`lost`) and its `release()` is a no-op. An acquire
 *   in progress starts again under the new session.
 * - close of the client: the lease is freed at once; pending acquires reject.
 * - a cancelled (`signal`) or failed acquire deletes its nodes before rejecting.
 * The token is the czxid of the lease node.
 */
import type { ZooKeeperClient } from '@zookit/client';
import type { Lease } from './lease.js';
import { Semaphore, type SemaphoreOptions } from './semaphore.js';

/** Options of a {@link SemaphoreMutex}. */
export type SemaphoreMutexOptions = SemaphoreOptions;

/** Options of one acquire. */
export interface SemaphoreMutexAcquireOptions {
  /** Bounds the wait: the acquire rejects with `signal.reason` and leaves no node behind. */
  readonly signal?: AbortSignal;
  /** Stored in the lease node. */
  readonly data?: Uint8Array | string;
}

export class SemaphoreMutex {
  readonly path: string;
  readonly #semaphore: Semaphore;

  constructor(client: ZooKeeperClient, path: string, options: SemaphoreMutexOptions = {}) {
    this.#semaphore = new Semaphore(client, path, 1, options);
    this.path = this.#semaphore.path;
  }

  /** Waits for the lock and returns the lease (with its fencing token). */
  async acquire(options: SemaphoreMutexAcquireOptions = {}): Promise<Lease> {
    const [lease] = await this.#semaphore.acquire(options);
    return lease as Lease;
  }

  /** Takes the lock if it is free now and nobody is in line; otherwise leaves no node and resolves `undefined`. */
  async tryAcquire(options: SemaphoreMutexAcquireOptions = {}): Promise<Lease | undefined> {
    return (await this.#semaphore.tryAcquire(options))?.[0];
  }

  /** Runs `fn` holding the lock and releases it afterwards (also when `fn` throws). */
  async withLock<T>(fn: (lease: Lease) => Promise<T> | T, options: SemaphoreMutexAcquireOptions = {}): Promise<T> {
    const lease = await this.acquire(options);
    try {
      return await fn(lease);
    } finally {
      await lease.release();
    }
  }
}
