import { retryNTimes } from './retry-n-times.js';
import type { RetryPolicy } from './retry-policy.js';

/** Options of {@link retryOneTime}. */
export interface RetryOneTimeOptions {
  /** The delay before the single retry. */
  sleepMs: number;
}

/**
 * Curator's `RetryOneTime`: `sleepMs` before retry 0, `false` from then on; the same as
 * `retryNTimes({ n: 1, sleepMs })`.
 *
 * @throws RangeError naming `sleepMs` when it is not a finite number ≥ 0.
 */
export function retryOneTime(options: RetryOneTimeOptions): RetryPolicy {
  return retryNTimes({ n: 1, sleepMs: options.sleepMs });
}
