import { checkDuration } from './check-argument.js';
import type { RetryPolicy } from './retry-policy.js';

/** Options of {@link retryForever}. */
export interface RetryForeverOptions {
  /** The delay before every retry; must be > 0 so a failing operation cannot spin. */
  sleepMs: number;
}

/**
 * Curator's `RetryForever`: `sleepMs` before every retry, never `false`. Only a non-retryable error
 * or the caller's `signal` ends {@link retry} under this policy, so pass one.
 *
 * @throws RangeError naming `sleepMs` when it is not a finite number > 0.
 */
export function retryForever(options: RetryForeverOptions): RetryPolicy {
  const { sleepMs } = options;
  checkDuration('sleepMs', sleepMs, { positive: true });
  const policy: RetryPolicy = {
    allowRetry() {
      return sleepMs;
    },
  };
  return Object.freeze(policy);
}
