import { checkCount, checkDuration } from './check-argument.js';
import type { RetryPolicy } from './retry-policy.js';

/** Options of {@link retryNTimes}. */
export interface RetryNTimesOptions {
  /** How many retries at most (0 = never retry). */
  n: number;
  /** The delay before every retry. */
  sleepMs: number;
}

/**
 * Curator's `RetryNTimes`: `sleepMs` before each of retries 0 … n-1, then `false`. `elapsedMs`
 * and `random` are ignored.
 *
 * @throws RangeError naming the argument when `n` is not a non-negative integer or `sleepMs` is
 * not a finite number ≥ 0.
 */
export function retryNTimes(options: RetryNTimesOptions): RetryPolicy {
  const { n, sleepMs } = options;
  checkCount('n', n);
  checkDuration('sleepMs', sleepMs);
  const policy: RetryPolicy = {
    allowRetry(retryCount) {
      return retryCount < n ? sleepMs : false;
    },
  };
  return Object.freeze(policy);
}
