/**
 * Mutex — a distributed exclusive lock, compatible with Curator's InterProcessMutex (same node
 * names `_c_<uuid>-lock-NNNNNNNNNN` and order on the same path, so Java and Node processes
 * exclude each other).
 *
 * Failure semantics:
 * - suspended: a waiter keeps waiting (its node and watch survive a reconnect with the same
 *   session); a holder's `lease.signal` aborts under the standard error policy (default), not
 *   under the session policy.
 * - lost / session expiry: the server deletes the holder's node and the next waiter acquires;
 *   the old holder's `lease.signal` aborts with reason `lost`; its later `release()` is a no-op.
 *   A waiter whose node died with the session joins the queue again with a new node.
 * - close of the client: leases end (`closed`); pending acquires reject.
 * - a cancelled (`signal`) or failed acquire deletes its node before rejecting.
 * Not reentrant by default: a second `acquire` queues behind the first. With `reentrant: true`,
 * an `owner` that already holds gets the same lease back (released when every acquire of it is
 * released).
 */
import type { ZooKeeperClient } from '@zookit/client';
import type { ConnectionErrorPolicy } from '../connection-error-policy.js';
import { checkPath } from '../internal/paths.js';
import type { Lease } from './lease.js';
import { exclusivePolicy, LockEngine } from './lock-engine.js';

/** Options of a {@link Mutex}. */
export interface MutexOptions {
  /** Default `'standard'`: a holder's lease ends on `suspended`. */
  readonly errorPolicy?: ConnectionErrorPolicy;
  /** Allow the same `owner` to acquire again while holding. Default false. */
  readonly reentrant?: boolean;
}

/** Options of one acquire. */
export interface AcquireOptions {
  /** Bounds the wait: the acquire rejects with `signal.reason` and leaves no node behind. */
  readonly signal?: AbortSignal;
  /** The reentrancy key (any object), with `reentrant: true`. */
  readonly owner?: object;
  /** Stored in the lock node (e.g. an id, for `participants()`). */
  readonly data?: Uint8Array | string;
}

export class Mutex {
  readonly path: string;
  readonly #engine: LockEngine;
  readonly #reentrant: boolean;
  readonly #held = new Map<object, { lease: Lease; count: number }>();

  constructor(client: ZooKeeperClient, path: string, options: MutexOptions = {}) {
    this.path = checkPath('path', path);
    this.#reentrant = options.reentrant ?? false;
    this.#engine = new LockEngine({
      client,
      basePath: path,
      lockName: 'lock-',
      policy: exclusivePolicy(1),
      errorPolicy: options.errorPolicy ?? 'standard',
      recipe: 'Mutex',
    });
  }

  /** Waits for the lock and returns the lease (with its fencing token). */
  async acquire(options: AcquireOptions = {}): Promise<Lease> {
    const again = this.#reenter(options.owner);
    if (again) return again;
    const lease = await this.#engine.acquire(options.signal, toBytes(options.data));
    return this.#track(lease, options.owner);
  }

  /** Takes the lock if it is free now; otherwise leaves no node and resolves `undefined`. */
  async tryAcquire(options: AcquireOptions = {}): Promise<Lease | undefined> {
    const again = this.#reenter(options.owner);
    if (again) return again;
    const lease = await this.#engine.tryAcquire(options.signal, toBytes(options.data));
    return lease && this.#track(lease, options.owner);
  }

  /**
   * Runs `fn` holding the lock and releases it afterwards (also when `fn` throws). `fn` gets
   * the lease: pass `lease.token` to the resource and stop when `lease.signal` aborts.
   */
  async withLock<T>(fn: (lease: Lease) => Promise<T> | T, options: AcquireOptions = {}): Promise<T> {
    const lease = await this.acquire(options);
    try {
      return await fn(lease);
    } finally {
      await lease.release();
    }
  }

  #reenter(owner: object | undefined): Lease | undefined {
    if (!this.#reentrant || owner === undefined) return undefined;
    const held = this.#held.get(owner);
    if (!held || held.lease.signal.aborted) return undefined;
    held.count++;
    return held.lease;
  }

  #track(lease: Lease, owner: object | undefined): Lease {
    if (!this.#reentrant || owner === undefined) return lease;
    const entry = { lease, count: 1 };
    this.#held.set(owner, entry);
    const release = async () => {
      if (--entry.count > 0) return;
      this.#held.delete(owner);
      await lease.release();
    };
    const wrapped: Lease = {
      token: lease.token,
      path: lease.path,
      sessionId: lease.sessionId,
      get signal() {
        return lease.signal;
      },
      release,
      [Symbol.asyncDispose]: release,
    };
    entry.lease = wrapped;
    return wrapped;
  }
}

function toBytes(data: Uint8Array | string | undefined): Uint8Array | null {
  if (data === undefined) return null;
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}
