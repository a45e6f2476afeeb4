/**
 * Semaphore — at most `maxLeases` leases held at once across all processes, with Curator's
 * InterProcessSemaphoreV2 layout: an internal mutex `<path>/locks` (nodes
 * `_c_<uuid>-lock-NNNNNNNNNN`) and the leases `<path>/leases/_c_<uuid>-lease-NNNNNNNNNN`. To
 * take a lease: hold the internal mutex, create a lease node, and wait until the leases number
 * at most `maxLeases` (watching the children of `leases`); then let the mutex go. Only the
 * mutex holder waits on the leases — the others wait in the mutex's queue, each watching one
 * predecessor — so a release wakes one waiter, not all (no herd).
 *
 * - `count > 1`: the mutex is held until all `count` leases are granted, so two multi-lease
 *   acquires never each hold a part and wait for each other (Curator takes the mutex per lease
 *   and can deadlock so).
 * - Max leases: a number, or a {@link MaxLeasesSource} (such as a shared counter) that may
 *   change: the waiting acquirer re-checks on every change, so raising the max wakes it.
 * - Inconsistent max (kazoo's behaviour, not Curator's): a semaphore with a fixed max records
 *   it as the data of `<path>` (decimal text, as kazoo does) and an acquire with a different
 *   fixed max rejects with {@link InconsistentMaxLeasesError}. Data that is not a decimal number
 *   is left alone (the node may serve another purpose); a dynamic max is neither checked nor
 *   recorded. The record lives as long as `<path>` (a container: reaped once unused).
 *
 * Failure semantics:
 * - suspended: waiters keep waiting; a holder's `lease.signal` aborts under the standard error
 *   policy (default), not under the session policy.
 * - lost / session expiry: the server deletes the session's lease nodes, freeing them for
 *   others; those leases' signals abort (`lost`), their `release()` is a no-op. An acquire in
 *   progress starts again under the new session (its old nodes died with the old one).
 * - close of the client: its leases are freed at once (closeSession); pending acquires reject.
 * - a cancelled (`signal`) or failed acquire deletes its lease nodes and its mutex node before
 *   rejecting (no orphan lease: CURATOR-462).
 * Not reentrant: each acquire takes new leases.
 */
import {
  BadVersionError,
  ConnectionLossError,
  type CreateResult,
  NoNodeError,
  SessionExpiredError,
  type Watcher,
  type ZooKeeperClient,
} from '@zookit/client';
import type { ConnectionErrorPolicy } from '../connection-error-policy.js';
import { deleteQuietly } from '../internal/delete-quietly.js';
import { checkPath } from '../internal/paths.js';
import { createOwnNode } from './create-own-node.js';
import { grantLease } from './grant-lease.js';
import type { Lease } from './lease.js';
import { exclusivePolicy, LockEngine } from './lock-engine.js';
import { namingTimeout } from './lock-timeout-error.js';
import { wakeOn } from './wake-on.js';

/**
 * A maximum number of leases that can change, read by every process from one place: a started
 * `SharedCount` fits (Curator's SharedCountReader). `count` is read at every check, so it must
 * be current without I/O.
 */
export interface MaxLeasesSource {
  /** The current maximum (a non-negative integer). */
  readonly count: number;
  /** Calls `listener` when the maximum may have changed; returns the unsubscribe function. */
  onChange(listener: () => void): () => void;
}

/** Options of a {@link Semaphore}. */
export interface SemaphoreOptions {
  /** Default `'standard'`: a holder's lease ends on `suspended`. */
  readonly errorPolicy?: ConnectionErrorPolicy;
}

/** Options of one acquire. */
export interface SemaphoreAcquireOptions {
  /** How many leases, all or none. Default 1. */
  readonly count?: number;
  /** Bounds the wait: the acquire rejects with `signal.reason` and leaves no node behind. */
  readonly signal?: AbortSignal;
  /** Stored in each lease node. */
  readonly data?: Uint8Array | string;
}

/** The semaphore's path records another fixed max than this one's. */
export class InconsistentMaxLeasesError extends Error {
  override readonly name = 'InconsistentMaxLeasesError';
  readonly recorded: number;
  readonly requested: number;

  constructor(path: string, recorded: number, requested: number) {
    super(`${path}: semaphore used with maxLeases ${recorded} elsewhere, ${requested} here`);
    this.recorded = recorded;
    this.requested = requested;
  }
}

/** The acquire's nodes died with the session (or were never ours): start over. */
const AGAIN = Symbol('again');

export class Semaphore {
  readonly path: string;
  readonly #client: ZooKeeperClient;
  readonly #max: number | MaxLeasesSource;
  readonly #errorPolicy: ConnectionErrorPolicy;
  readonly #mutex: LockEngine;
  readonly #leases: string;

  constructor(
    client: ZooKeeperClient,
    path: string,
    maxLeases: number | MaxLeasesSource,
    options: SemaphoreOptions = {},
  ) {
    this.path = checkPath('path', path);
    if (typeof maxLeases === 'number') checkCount('maxLeases', maxLeases);
    else if (typeof maxLeases?.onChange !== 'function' || !('count' in maxLeases)) {
      throw new TypeError('maxLeases: expected a positive integer or an object with count and onChange()');
    }
    this.#client = client;
    this.#max = maxLeases;
    this.#errorPolicy = options.errorPolicy ?? 'standard';
    this.#leases = `${path}/leases`;
    // Its leases are never handed out: only losing the node (with the session) matters.
    this.#mutex = new LockEngine({
      client,
      basePath: `${path}/locks`,
      lockName: 'lock-',
      policy: exclusivePolicy(1),
      errorPolicy: 'session',
      kind: 'Semaphore',
    });
  }

  /** Waits until `count` leases are free and takes them (tokens: the czxids of the lease nodes). */
  async acquire(options: SemaphoreAcquireOptions = {}): Promise<Lease[]> {
    return (await this.#run(options, true)) as Lease[];
  }

  /**
   * Takes `count` leases if they are free now and no other acquire is in line before us;
   * otherwise leaves no node and resolves `undefined`.
   */
  tryAcquire(options: SemaphoreAcquireOptions = {}): Promise<Lease[] | undefined> {
    return this.#run(options, false);
  }

  /** Runs `fn` holding `count` leases and releases them afterwards (also when `fn` throws). */
  async withLeases<T>(fn: (leases: Lease[]) => Promise<T> | T, options: SemaphoreAcquireOptions = {}): Promise<T> {
    const leases = await this.acquire(options);
    try {
      return await fn(leases);
    } finally {
      await Promise.all(leases.map((l) => l.release()));
    }
  }

  async #run(options: SemaphoreAcquireOptions, wait: boolean): Promise<Lease[] | undefined> {
    const count = checkCount('count', options.count ?? 1);
    if (typeof this.#max === 'number' && count > this.#max) {
      throw new RangeError(`count: ${count} leases can never be free at once (maxLeases ${this.#max})`);
    }
    const data = typeof options.data === 'string' ? Buffer.from(options.data, 'utf8') : (options.data ?? null);
    for (;;) {
      try {
        options.signal?.throwIfAborted();
        const result = await this.#attempt(count, data, wait, options.signal);
        if (result !== AGAIN) return result;
      } catch (err) {
        // Our session ended, or a connection broke mid-request: the attempt cleaned up what
        // it could (nodes of an expired session are gone anyway); start over. The client
        // holds new requests until it is connected again, so this does not spin.
        if (!(err instanceof SessionExpiredError) && !(err instanceof ConnectionLossError)) {
          throw namingTimeout('Semaphore', this.path, options.signal, err);
        }
      }
    }
  }

  async #attempt(
    count: number,
    data: Uint8Array | null,
    wait: boolean,
    signal: AbortSignal | undefined,
  ): Promise<Lease[] | undefined | typeof AGAIN> {
    const mutex = wait ? await this.#mutex.acquire(signal) : await this.#mutex.tryAcquire(signal);
    if (!mutex) return undefined;
    const created: CreateResult[] = [];
    let granted = false;
    try {
      await this.#checkMax(signal);
      for (let i = 0; i < count; i++) {
        created.push(await createOwnNode(this.#client, `${this.#leases}/lease-`, data, 'ephemeral-sequential', signal));
        const verdict = await this.#awaitRoom(created, wait, signal);
        if (verdict === 'gone') return AGAIN;
        if (verdict === 'full') return undefined;
      }
      // Only nodes of the current session prove anything (CURATOR-696).
      if (created.some((n) => n.stat.ephemeralOwner !== this.#client.sessionId)) return AGAIN;
      granted = true;
      const origin = { recipe: 'Semaphore', path: this.path } as const;
      return created.map((n) => grantLease(this.#client, n.path, n.stat, this.#errorPolicy, origin));
    } finally {
      if (!granted) await Promise.all(created.map((n) => deleteQuietly(this.#client, n.path)));
      await mutex.release();
    }
  }

  /**
   * Waits (if `wait`) until the lease nodes, ours included, are at most the max. 'gone': one
   * of ours vanished (session lost). Watches the children only when it has to wait, and
   * removes the watch if it woke for another reason.
   */
  async #awaitRoom(
    created: readonly CreateResult[],
    wait: boolean,
    signal: AbortSignal | undefined,
  ): Promise<'ok' | 'full' | 'gone'> {
    const names = created.map((n) => n.path.slice(this.#leases.length + 1));
    for (;;) {
      const first = await this.#verdict(names, signal);
      if (first !== 'full' || !wait) return first;
      const wake = wakeOn(signal);
      const unsubscribe = typeof this.#max === 'number' ? undefined : this.#max.onChange(() => wake.fire());
      let watching = false;
      try {
        const again = await this.#verdict(names, signal, wake.watcher);
        watching = true;
        if (again !== 'full') return again;
        await wake.promise;
      } finally {
        unsubscribe?.();
        wake.dispose();
        if (watching && !wake.watchFired) {
          await this.#client
            .removeWatches(this.#leases, {
              type: 'children',
              watcher: wake.watcher,
              local: !this.#client.connectedServer,
            })
            .catch(() => undefined);
        }
      }
    }
  }

  async #verdict(
    names: readonly string[],
    signal: AbortSignal | undefined,
    watcher?: Watcher,
  ): Promise<'ok' | 'full' | 'gone'> {
    const max = typeof this.#max === 'number' ? this.#max : this.#max.count;
    let children: string[];
    try {
      ({ children } = await this.#client.getChildren(this.#leases, {
        signal,
        ...(watcher ? { watch: watcher } : {}),
      }));
    } catch (err) {
      // The leases container can only be reaped once empty: our leases are gone.
      if (err instanceof NoNodeError) return 'gone';
      throw err;
    }
    if (!names.every((n) => children.includes(n))) return 'gone';
    return children.length <= max ? 'ok' : 'full';
  }

  /** Records a fixed max on `<path>`, or checks it against the recorded one (while holding the mutex). */
  async #checkMax(signal: AbortSignal | undefined): Promise<void> {
    if (typeof this.#max !== 'number') return;
    for (;;) {
      const { data, stat } = await this.#client.getData(this.path, { signal });
      const text = data ? Buffer.from(data).toString('utf8') : '';
      if (text === '') {
        try {
          await this.#client.setData(this.path, String(this.#max), { version: stat.version, signal });
          return;
        } catch (err) {
          if (err instanceof BadVersionError) continue;
          throw err;
        }
      }
      if (!/^\d+$/.test(text)) return;
      if (Number(text) !== this.#max) throw new InconsistentMaxLeasesError(this.path, Number(text), this.#max);
      return;
    }
  }
}

function checkCount(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${name}: expected a positive integer, got ${String(value)}`);
  }
  return value;
}
