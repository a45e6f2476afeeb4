import { checkDuration } from './check-argument.js';
import type { RetryPolicy } from './retry-policy.js';

/** Options of {@link retryUntilElapsed}. */
export interface RetryUntilElapsedOptions {
  /** No retry is granted once this much time has passed since the first attempt started. */
  maxElapsedMs: number;
  /** The delay before every retry. */
  sleepMs: number;
}

/**
 * Curator's `RetryUntilElapsed`: `sleepMs` while `elapsedMs < maxElapsedMs`, then `false`, however
 * many retries were made. The check happens before the sleep, so the last retry may start up to
 * `sleepMs` (plus the attempt's own duration) after `maxElapsedMs`; to bound the total time, give
 * {@link retry} a `signal: AbortSignal.timeout(ms)` as well. (Curator sleeps first and may then
 * refuse; this policy never grants a sleep it will not follow with a retry.)
 *
 * @throws RangeError naming the argument when `maxElapsedMs` or `sleepMs` is not a finite number ≥ 0.
 */
export function retryUntilElapsed(options: RetryUntilElapsedOptions): RetryPolicy {
  const { maxElapsedMs, sleepMs } = options;
  checkDuration('maxElapsedMs', maxElapsedMs);
  checkDuration('sleepMs', sleepMs);
  const policy: RetryPolicy = {
    allowRetry(_retryCount, elapsedMs) {
      return elapsedMs < maxElapsedMs ? sleepMs : false;
    },
  };
  return Object.freeze(policy);
}
