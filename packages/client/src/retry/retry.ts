import { setTimeout as sleep } from 'node:timers/promises';
import pRetry from 'p-retry';
import { isRetryable as isRetryableZooKeeperError } from '../errors.js';
import type { RetryPolicy } from './retry-policy.js';

/** What {@link retry} passes to each call of the retried function. */
export interface RetryAttempt {
  /** 1 for the first call, 2 for the first retry, and so on. */
  readonly number: number;
  /** Aborts, with the same reason, when the caller's `signal` does; never aborts without one. */
  readonly signal: AbortSignal;
}

/** What {@link RetryOptions.onRetry} receives before {@link retry} waits for a retry. */
export interface RetryInfo {
  /** The failure being retried. */
  readonly error: unknown;
  /** The retry about to be made, 0-based, as passed to the policy. */
  readonly retryCount: number;
  /** The policy's delay before that retry, in ms. */
  readonly delayMs: number;
}

/** Options of {@link retry}. */
export interface RetryOptions {
  /** Whether, and after how long, to retry a retryable failure. */
  policy: RetryPolicy;
  /** Stops retrying: {@link retry} then rejects with `signal.reason`. */
  signal?: AbortSignal | undefined;
  /** Which failures are worth retrying. Default: `isRetryable` from errors.ts (connection loss, timeouts, ...). */
  isRetryable?: ((error: unknown) => boolean) | undefined;
  /** Called before each wait; if it throws, retrying stops and {@link retry} rejects with that error. */
  onRetry?: ((info: RetryInfo) => void) | undefined;
}

/**
 * Calls `fn` until it fulfils, retrying failures that `isRetryable` accepts for as long as the
 * policy allows, and waiting exactly the policy's delay before each retry.
 *
 * Settles with:
 * - `fn`'s value, once a call fulfils;
 * - a non-retryable failure, immediately and as is (the same value, never wrapped, even when it is
 *   not an Error);
 * - the last failure, when the policy returns `false`;
 * - `signal.reason`, as soon as the signal aborts: before the first call, during a call or during a
 *   wait. A call still running is abandoned (its `attempt.signal` is aborted and its later outcome
 *   ignored), so `fn` should pass `attempt.signal` on;
 * - the error `onRetry` throws, or a RangeError when the policy returns a delay that is not a
 *   finite number ≥ 0.
 *
 * Listeners added to `signal` are removed on every path. `retry` does not make `fn` idempotent:
 * after a connection loss the failed call may have been applied (see `ConnectionLossError`). It is
 * not a timeout either: pass `AbortSignal.timeout(ms)` for one.
 */
export async function retry<T>(fn: (attempt: RetryAttempt) => Promise<T>, options: RetryOptions): Promise<T> {
  const { policy, onRetry } = options;
  const isRetryable = options.isRetryable ?? isRetryableZooKeeperError;
  // A signal of its own when the caller gives none: `fn` may add listeners that a shared one would collect.
  const signal = options.signal ?? new AbortController().signal;
  signal.throwIfAborted();
  const start = performance.now();
  try {
    return await pRetry(
      async (number) => {
        try {
          return await untilAborted(fn({ number, signal }), signal);
        } catch (error) {
          // p-retry turns non-Error throws into TypeErrors and never retries a TypeError; wrapping
          // every failure keeps the decision with `isRetryable` and the original value intact.
          throw new AttemptFailure(error);
        }
      },
      {
        retries: Number.POSITIVE_INFINITY,
        // p-retry's own backoff is off; the wait happens in shouldRetry, with the policy's delay.
        minTimeout: 0,
        signal,
        shouldRetry: async ({ error: failure, attemptNumber }) => {
          // p-retry reports its own abort checks as failed attempts too.
          signal.throwIfAborted();
          const error = failure instanceof AttemptFailure ? failure.error : failure;
          if (!isRetryable(error)) return false;
          const retryCount = attemptNumber - 1;
          const delayMs = policy.allowRetry(retryCount, performance.now() - start);
          if (delayMs === false) return false;
          if (typeof delayMs !== 'number' || !Number.isFinite(delayMs) || delayMs < 0) {
            throw new RangeError(`retry policy returned an invalid delay: ${String(delayMs)}`);
          }
          onRetry?.({ error, retryCount, delayMs });
          await wait(delayMs, signal);
          return true;
        },
      },
    );
  } catch (error) {
    // However p-retry surfaced an abort (the reason itself, wrapped, or a timer's AbortError), the
    // caller gets the reason.
    if (signal.aborted) throw signal.reason;
    throw error instanceof AttemptFailure ? error.error : error;
  }
}

/** Carries one failed call's error, whatever its type, through p-retry. */
class AttemptFailure extends Error {
  constructor(readonly error: unknown) {
    super('attempt failed');
  }
}

/** Node's timers take at most 2^31-1 ms (a longer delay fires after 1 ms), so long waits are chunked. */
const MAX_TIMER_MS = 2 ** 31 - 1;

async function wait(ms: number, signal: AbortSignal): Promise<void> {
  for (let left = ms; left > 0; left -= MAX_TIMER_MS) {
    await sleep(Math.min(left, MAX_TIMER_MS), undefined, { signal });
  }
}

/** `work`'s outcome, or a rejection with `signal.reason` as soon as the signal aborts. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    // Both handlers are attached, so a late rejection of abandoned work is never unhandled.
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
