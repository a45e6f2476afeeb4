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
 * an `owner` that already holds gets a handle of its own on the same lease (same node, token and
 * signal); the node is deleted when every handle is released, in any order. Each handle's
 * `release()` is idempotent and counts once, for its own hold only: releasing an old handle
 * after the owner acquired again never touches the new hold. An owner whose lease ended
 * (`signal` aborted) acquires anew: the ended lease is released first, so the owner never queues
 * behind its own node. Concurrent acquires of one owner join: the later ones wait for the first
 * and then re-enter (a `tryAcquire` while the owner is still waiting resolves `undefined`).
 */
import type { ZooKeeperClient } from '@zookit/client';
import type { ConnectionErrorPolicy } from '../connection-error-policy.js';
import { checkPath } from '../internal/paths.js';
import type { Lease } from './lease.js';
import { exclusivePolicy, LockEngine } from './lock-engine.js';
import { namingTimeout } from './lock-timeout-error.js';
import { wakeOn } from './wake-on.js';

/** Options of a {@link Mutex}. */
export interface MutexOptions {
  /** Default `'standard'`: a holder's lease ends on `suspended`. */
  readonly errorPolicy?: ConnectionErrorPolicy;
  /** Allow the same `owner` to acquire again while holding (a handle per acquire). Default false. */
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

/** One owner's hold of the lock: the engine's lease and how many of its handles are not released. */
interface Hold {
  readonly lease: Lease;
  count: number;
}

export class Mutex {
  readonly path: string;
  readonly #engine: LockEngine;
  readonly #reentrant: boolean;
  /** Per owner (weakly: an owner object that is gone frees its entry). */
  readonly #held = new WeakMap<object, Hold>();
  /** Per owner, its acquire in progress: a second one joins it rather than queueing behind it. */
  readonly #pending = new WeakMap<object, Promise<unknown>>();

  constructor(client: ZooKeeperClient, path: string, options: MutexOptions = {}) {
    this.path = checkPath('path', path);
    this.#reentrant = options.reentrant ?? false;
    this.#engine = new LockEngine({
      client,
      basePath: path,
      lockName: 'lock-',
      policy: exclusivePolicy(1),
      errorPolicy: options.errorPolicy ?? 'standard',
      kind: 'Mutex',
      recipe: 'Mutex',
    });
  }

  /** Waits for the lock and returns the lease (with its fencing token). */
  async acquire(options: AcquireOptions = {}): Promise<Lease> {
    const data = toBytes(options.data);
    const owner = this.#reentrant ? options.owner : undefined;
    if (owner === undefined) return this.#engine.acquire(options.signal, data);
    for (;;) {
      options.signal?.throwIfAborted();
      const pending = this.#pending.get(owner);
      if (!pending) break;
      const wake = wakeOn(options.signal);
      pending.then(wake.fire, wake.fire);
      await wake.promise.catch((err: unknown) => {
        throw namingTimeout('Mutex', this.path, options.signal, err);
      });
    }
    const again = this.#reenter(owner);
    if (again) return again;
    return (await this.#take(owner, () => this.#engine.acquire(options.signal, data))) as Lease;
  }

  /** Takes the lock if it is free now; otherwise leaves no node and resolves `undefined`. */
  async tryAcquire(options: AcquireOptions = {}): Promise<Lease | undefined> {
    const data = toBytes(options.data);
    const owner = this.#reentrant ? options.owner : undefined;
    if (owner === undefined) return this.#engine.tryAcquire(options.signal, data);
    options.signal?.throwIfAborted();
    // The owner is still waiting in another acquire: the lock is not free for it now.
    if (this.#pending.has(owner)) return undefined;
    const again = this.#reenter(owner);
    if (again) return again;
    return this.#take(owner, () => this.#engine.tryAcquire(options.signal, data));
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

  /** A new handle on the owner's hold, if it has one that has not ended. */
  #reenter(owner: object): Lease | undefined {
    const hold = this.#held.get(owner);
    return hold && !hold.lease.signal.aborted ? this.#handle(owner, hold) : undefined;
  }

  /**
   * One engine acquire for `owner`, marked pending from the start (callers check `#pending` and
   * call this with no await in between, so an owner never runs two), recording the hold it gives.
   */
  async #take(owner: object, take: () => Promise<Lease | undefined>): Promise<Lease | undefined> {
    const taking = (async () => {
      const ended = this.#held.get(owner);
      if (ended) {
        // Its node may still be there (ended by `suspended`): deleting it keeps the owner from
        // queueing behind itself. The ended hold's handles still release idempotently (no-ops).
        this.#held.delete(owner);
        await ended.lease.release();
      }
      return take();
    })();
    this.#pending.set(owner, taking);
    try {
      const lease = await taking;
      if (!lease) return undefined;
      const hold: Hold = { lease, count: 0 };
      this.#held.set(owner, hold);
      return this.#handle(owner, hold);
    } finally {
      if (this.#pending.get(owner) === taking) this.#pending.delete(owner);
    }
  }

  /** One acquire's handle: its release counts once, and only for its own hold. */
  #handle(owner: object, hold: Hold): Lease {
    hold.count++;
    let released: Promise<void> | undefined;
    const release = (): Promise<void> => {
      released ??= (async () => {
        if (--hold.count > 0) return;
        // The owner may hold anew by now (this hold ended and was replaced): not ours to forget.
        if (this.#held.get(owner) === hold) this.#held.delete(owner);
        await hold.lease.release();
      })();
      return released;
    };
    const { lease } = hold;
    return {
      token: lease.token,
      path: lease.path,
      sessionId: lease.sessionId,
      get signal() {
        return lease.signal;
      },
      release,
      [Symbol.asyncDispose]: release,
    };
  }
}

function toBytes(data: Uint8Array | string | undefined): Uint8Array | null {
  if (data === undefined) return null;
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}
