/**
 * MultiLock — holds several locks as one (Curator's InterProcessMultiLock): any mix of Mutex,
 * SemaphoreMutex and ReadWriteLock halves. They are acquired one after another in the order
 * of their paths, whatever order they were given in, so two MultiLocks sharing locks never
 * each hold one the other waits for. Released in reverse order.
 *
 * Failure semantics:
 * - an acquire that fails or is cancelled (`signal`) part-way releases the locks it already
 *   took (in reverse order) and rejects with the first error; the lock that was being acquired
 *   cleans up its own node.
 * - suspended, lost, session expiry, close: those of the locks inside; the multi-lease's
 *   `signal` aborts as soon as any of its leases ends (with that lease's reason).
 * - `release()` releases every lease even if one fails, then rejects with the failures.
 */
import type { Lease } from './lease.js';

/** A lock a {@link MultiLock} can hold: anything with a path and `acquire`/`tryAcquire` resolving a Lease. */
export interface Lockable {
  /** Orders the locks of a MultiLock; two locks of one MultiLock may not share a path. */
  readonly path: string;
  acquire(options?: { signal?: AbortSignal }): Promise<Lease>;
  tryAcquire(options?: { signal?: AbortSignal }): Promise<Lease | undefined>;
}

/** All the leases of a {@link MultiLock}, held together. */
export interface MultiLease extends AsyncDisposable {
  /** One lease per lock, in path order (each with its own fencing token). */
  readonly leases: readonly Lease[];
  /** Aborts when any of the leases ends. */
  readonly signal: AbortSignal;
  /** Releases every lease, last acquired first; idempotent. */
  release(): Promise<void>;
}

export class MultiLock {
  /** The locks, in the order they are acquired (by path). */
  readonly locks: readonly Lockable[];

  constructor(locks: readonly Lockable[]) {
    if (locks.length === 0) throw new TypeError('locks: expected at least one lock');
    const sorted = [...locks].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    for (let i = 1; i < sorted.length; i++) {
      // Two locks on one path (e.g. both halves of a read-write lock) would wait for each other.
      if (sorted[i]?.path === sorted[i - 1]?.path) throw new TypeError(`locks: two locks on ${sorted[i]?.path}`);
    }
    this.locks = sorted;
  }

  /** Waits for every lock; `signal` bounds the whole wait. */
  async acquire(options: { signal?: AbortSignal } = {}): Promise<MultiLease> {
    return (await this.#take(options.signal, true)) as MultiLease;
  }

  /** Takes every lock if each is free now; otherwise releases what it took and resolves `undefined`. */
  tryAcquire(options: { signal?: AbortSignal } = {}): Promise<MultiLease | undefined> {
    return this.#take(options.signal, false);
  }

  /** Runs `fn` holding every lock and releases them afterwards (also when `fn` throws). */
  async withLock<T>(fn: (lease: MultiLease) => Promise<T> | T, options: { signal?: AbortSignal } = {}): Promise<T> {
    const lease = await this.acquire(options);
    try {
      return await fn(lease);
    } finally {
      await lease.release();
    }
  }

  async #take(signal: AbortSignal | undefined, wait: boolean): Promise<MultiLease | undefined> {
    const leases: Lease[] = [];
    try {
      for (const lock of this.locks) {
        const lease = wait ? await lock.acquire({ signal }) : await lock.tryAcquire({ signal });
        if (!lease) break;
        leases.push(lease);
      }
    } catch (err) {
      // The primary error wins; failures to release are secondary (CURATOR-41).
      await releaseAll(leases).catch(() => undefined);
      throw err;
    }
    if (leases.length < this.locks.length) {
      await releaseAll(leases);
      return undefined;
    }
    let released: Promise<void> | undefined;
    const release = () => {
      released ??= releaseAll(leases);
      return released;
    };
    let anyEnded: AbortSignal | undefined;
    return {
      leases,
      // Read lazily, like each lease's own signal (reading it sets the deletion watches).
      get signal() {
        anyEnded ??= AbortSignal.any(leases.map((l) => l.signal));
        return anyEnded;
      },
      release,
      [Symbol.asyncDispose]: release,
    };
  }
}

async function releaseAll(leases: readonly Lease[]): Promise<void> {
  const errors: unknown[] = [];
  for (const lease of [...leases].reverse()) {
    try {
      await lease.release();
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, 'releasing the locks of a MultiLock failed');
}
