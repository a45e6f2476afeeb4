import {
  BadVersionError,
  boundedExponentialBackoffRetry,
  ConnectionLossError,
  isRetryable,
  NodeExistsError,
  NoNodeError,
  OperationTimeoutError,
  RequestTimeoutError,
  type RetryPolicy,
  retry,
  SessionExpiredError,
  type ZooKeeperClient,
} from '@zookit/client';
import { CallScope } from '../barriers/call-scope.js';
import { ensureParents } from '../internal/paths.js';
import type { Lease } from '../locks/lease.js';
import { Mutex } from '../locks/mutex.js';
import type { Codec } from './codecs.js';
import { OutcomeUnknownError } from './outcome-unknown-error.js';

/** How many attempts an atomic operation took (Curator's AtomicStats). */
export interface AtomicStats {
  /** Optimistic (compare-and-set) attempts before any promotion. */
  readonly optimisticTries: number;
  /** Attempts made while holding the promotion lock. */
  readonly promotedLockTries: number;
}

/**
 * The outcome of an atomic operation (Curator's AtomicValue). Always check `succeeded`: with a
 * finite retry policy the operation may give up under contention, and then changed nothing.
 */
export interface AtomicResult<T> {
  readonly succeeded: boolean;
  /** The value the operation started from (on failure: the value last read). */
  readonly preValue: T;
  /** The value it left: the new value on success, `preValue` on failure. */
  readonly postValue: T;
  readonly stats: AtomicStats;
}

/** Optional second phase once optimistic attempts failed: retry while holding a Mutex (Curator's PromotedToLock). */
export interface PromotedToLock {
  /** The Mutex's path (not the value's). */
  readonly path: string;
  /** Bound on the wait for the lock; the operation then fails (succeeded: false). Default: no bound besides `signal`. */
  readonly timeoutMs?: number;
  /** Retries under the lock. Default: the optimistic policy. */
  readonly retryPolicy?: RetryPolicy;
}

/** Options of an atomic value. */
export interface AtomicOptions {
  /** Retries of optimistic attempts (and of reads after connection losses). Default: bounded exponential backoff, 10 ms – 500 ms, 10 retries. */
  readonly retryPolicy?: RetryPolicy;
  readonly promotedToLock?: PromotedToLock;
}

/** Options of one atomic operation. */
export interface AtomicCallOptions {
  /** Bounds the operation (it rejects with `signal.reason`; a write already sent may have been applied). */
  readonly signal?: AbortSignal;
}

const DEFAULT_POLICY = boundedExponentialBackoffRetry({ baseSleepMs: 10, maxSleepMs: 500, maxRetries: 10 });
const SETTLE_POLICY = boundedExponentialBackoffRetry({ baseSleepMs: 50, maxSleepMs: 1000, maxRetries: 10 });
const EMPTY = new Uint8Array(0);

/** The node at the moment of a read; `version` and `mzxid` undefined when it does not exist. */
interface Snapshot<T> {
  readonly value: T;
  readonly version: number | undefined;
  /** The zxid of the node's last change: unique to one write of one incarnation of the node. */
  readonly mzxid: bigint | undefined;
}

/** An existing node's state that a conditional write starts from. */
interface Base {
  readonly version: number;
  readonly mzxid: bigint;
}

type Outcome<T> = Omit<AtomicResult<T>, 'stats'>;

/** The write lost a race: the node changed since it was read. Safe to try again. */
class Conflict extends Error {}

/** Failures of a write already sent, which the server may or may not have applied. */
const cutOff = (e: unknown) =>
  e instanceof ConnectionLossError ||
  e instanceof SessionExpiredError ||
  e instanceof OperationTimeoutError ||
  e instanceof RequestTimeoutError;

const retryable = (e: unknown) => e instanceof Conflict || e instanceof SessionExpiredError || isRetryable(e);

/**
 * The engine of AtomicValue and AtomicLong (Curator's DistributedAtomicValue): read the node,
 * compute, write it back only if its version is unchanged; on a lost race try again per the
 * retry policy, then optionally once more under a Mutex. A missing node reads as the codec's
 * zero and is created (holding zero) by the first write. A write cut off by a connection loss
 * is settled, never blindly repeated: see {@link OutcomeUnknownError}.
 */
export class AtomicNode<T> {
  readonly path: string;
  readonly #kind: string;
  readonly #client: ZooKeeperClient;
  readonly #codec: Codec<T>;
  readonly #policy: RetryPolicy;
  readonly #promoted: PromotedToLock | undefined;
  readonly #calls = new CallScope();

  constructor(kind: string, client: ZooKeeperClient, path: string, codec: Codec<T>, options: AtomicOptions) {
    this.#kind = kind;
    this.path = path;
    this.#client = client;
    this.#codec = codec;
    this.#policy = options.retryPolicy ?? DEFAULT_POLICY;
    this.#promoted = options.promotedToLock;
  }

  get(options: AtomicCallOptions = {}): Promise<AtomicResult<T>> {
    return this.#calls.run(options.signal, async (signal) => {
      const { value } = await retry((attempt) => this.#read(attempt.signal), {
        policy: this.#policy,
        signal,
        isRetryable: retryable,
      });
      return {
        succeeded: true,
        preValue: value,
        postValue: value,
        stats: { optimisticTries: 1, promotedLockTries: 0 },
      };
    });
  }

  /** Sets `next(current)` atomically: optimistic attempts, then (if configured) under the lock. */
  update(next: (current: T) => T, options: AtomicCallOptions = {}): Promise<AtomicResult<T>> {
    return this.#calls.run(options.signal, async (signal) => {
      const stats = { optimisticTries: 0, promotedLockTries: 0 };
      let outcome = await this.#optimistic(next, this.#policy, signal, () => stats.optimisticTries++);
      if (!outcome.succeeded && this.#promoted) {
        outcome = (await this.#underLock(this.#promoted, next, signal, () => stats.promotedLockTries++)) ?? outcome;
      }
      return { ...outcome, stats };
    });
  }

  /** One attempt: sets `next` only if the value is `expected` now (a missing node counts as zero). */
  compareAndSet(expected: T, next: T, options: AtomicCallOptions = {}): Promise<AtomicResult<T>> {
    return this.#calls.run(options.signal, async (signal) => {
      const stats = { optimisticTries: 1, promotedLockTries: 0 };
      const now = await this.#read(signal);
      const failed = { succeeded: false, preValue: now.value, postValue: now.value, stats };
      if (!this.#codec.equals(now.value, expected)) return failed;
      try {
        await this.#write(now, next, signal);
      } catch (err) {
        if (err instanceof Conflict) return failed;
        throw err;
      }
      return { succeeded: true, preValue: now.value, postValue: next, stats };
    });
  }

  /** Sets `value` whatever the current value (Curator's forceSet). */
  forceSet(value: T, options: AtomicCallOptions = {}): Promise<void> {
    return this.#calls.run(options.signal, async (signal) => {
      const data = this.#codec.encode(value);
      for (;;) {
        try {
          await this.#client.setData(this.path, data, { signal });
          return;
        } catch (err) {
          if (!(err instanceof NoNodeError)) throw err;
        }
        try {
          await ensureParents(this.#client, this.path, signal);
          await this.#client.create(this.path, data, { signal });
          return;
        } catch (err) {
          if (!(err instanceof NodeExistsError)) throw err;
        }
      }
    });
  }

  /** Creates the node with `value` if it does not exist; false if it did. */
  initialize(value: T, options: AtomicCallOptions = {}): Promise<boolean> {
    return this.#calls.run(options.signal, async (signal) => {
      await ensureParents(this.#client, this.path, signal);
      try {
        await this.#client.create(this.path, this.#codec.encode(value), { signal });
        return true;
      } catch (err) {
        if (err instanceof NodeExistsError) return false;
        throw err;
      }
    });
  }

  close(): Promise<void> {
    return this.#calls.close(new Error(`${this.#kind} ${this.path} closed`));
  }

  async #optimistic(
    next: (current: T) => T,
    policy: RetryPolicy,
    signal: AbortSignal,
    countTry: () => void,
  ): Promise<Outcome<T>> {
    let seen = this.#codec.zero;
    try {
      return await retry(
        async (attempt) => {
          countTry();
          const now = await this.#read(attempt.signal);
          seen = now.value;
          const post = next(now.value);
          await this.#write(now, post, attempt.signal);
          return { succeeded: true, preValue: now.value, postValue: post };
        },
        { policy, signal, isRetryable: retryable },
      );
    } catch (err) {
      if (err instanceof Conflict) return { succeeded: false, preValue: seen, postValue: seen };
      throw err;
    }
  }

  /** The promoted phase; undefined when the lock was not had within `timeoutMs`. */
  async #underLock(
    promoted: PromotedToLock,
    next: (current: T) => T,
    signal: AbortSignal,
    countTry: () => void,
  ): Promise<Outcome<T> | undefined> {
    const { timeoutMs } = promoted;
    const lockSignal = timeoutMs === undefined ? signal : AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
    let lease: Lease;
    try {
      lease = await new Mutex(this.#client, promoted.path).acquire({ signal: lockSignal });
    } catch (err) {
      if (lockSignal.aborted && !signal.aborted) return undefined;
      throw err;
    }
    try {
      return await this.#optimistic(next, promoted.retryPolicy ?? this.#policy, signal, countTry);
    } finally {
      await lease.release();
    }
  }

  async #read(signal: AbortSignal): Promise<Snapshot<T>> {
    try {
      const { data, stat } = await this.#client.getData(this.path, { signal });
      return { value: this.#codec.decode(data ?? EMPTY), version: stat.version, mzxid: stat.mzxid };
    } catch (err) {
      if (err instanceof NoNodeError) return { value: this.#codec.zero, version: undefined, mzxid: undefined };
      throw err;
    }
  }

  /**
   * Writes `value` if the node is still as `read`: Conflict if it is not; the connection error
   * itself if the write was cut off but proven not applied (safe to try again); an
   * OutcomeUnknownError if it was cut off and may have been applied.
   */
  async #write(read: Snapshot<T>, value: T, signal: AbortSignal): Promise<void> {
    const data = this.#codec.encode(value);
    const base: Base =
      read.version === undefined || read.mzxid === undefined
        ? await this.#materialize(signal)
        : { version: read.version, mzxid: read.mzxid };
    try {
      await this.#client.setData(this.path, data, { version: base.version, signal });
    } catch (err) {
      if (err instanceof BadVersionError || err instanceof NoNodeError) {
        throw new Conflict('the value changed since it was read');
      }
      if (cutOff(err)) return this.#settle(base, err as Error, signal);
      throw err;
    }
  }

  /**
   * Creates the missing node holding the codec's zero (what a missing node reads as), so that
   * the value itself is always written by a setData from a known version. Why: a create cut
   * off by a connection loss cannot be settled (a node missing afterwards may be ours, created
   * and deleted since), while a setData can. Creating zero changes no value, so a lost create
   * is harmless and its connection error goes to the retry loop as is; a node created meanwhile
   * by someone else is a Conflict.
   */
  async #materialize(signal: AbortSignal): Promise<Base> {
    await ensureParents(this.#client, this.path, signal);
    try {
      const { stat } = await this.#client.create(this.path, this.#codec.encode(this.#codec.zero), { signal });
      return stat;
    } catch (err) {
      if (err instanceof NodeExistsError) throw new Conflict('the node was created since it was read');
      throw err;
    }
  }

  /**
   * The connection broke under a conditional setData, which may or may not have been applied.
   * Only "not applied" can be proven: after a sync, the node's mzxid is still the one we wrote from (no write,
   * ours or anyone's, changed it; a deleted and re-created node has a new mzxid). Then `cause`
   * is thrown: nothing was written, trying again is safe. Anything else — even one version on
   * holding exactly our bytes, which a concurrent writer from the same base also leaves — is an
   * OutcomeUnknownError: never reported as success, never retried (it could apply twice).
   */
  async #settle(base: Base, cause: Error, signal: AbortSignal): Promise<never> {
    let now: { mzxid: bigint } | null;
    try {
      now = await retry(
        async (attempt) => {
          // A server that lags the leader could still show the old mzxid of a write that was
          // committed: sync first, so "unchanged" means unchanged at the leader.
          await this.#client.sync(this.path, { signal: attempt.signal });
          return (await this.#client.exists(this.path, { signal: attempt.signal })).stat;
        },
        { policy: SETTLE_POLICY, signal, isRetryable: retryable },
      );
    } catch (err) {
      if (signal.aborted) throw err;
      throw new OutcomeUnknownError(this.#kind, this.path, cause);
    }
    if (now !== null && now.mzxid === base.mzxid) throw cause;
    throw new OutcomeUnknownError(this.#kind, this.path, cause);
  }
}
