import { checkCount, checkDuration } from './check-argument.js';
import type { RetryPolicy } from './retry-policy.js';

/** Options of {@link exponentialBackoffRetry}. */
export interface ExponentialBackoffRetryOptions {
  /** The unit of sleep: every delay is a whole multiple of it (before the `maxSleepMs` cap). */
  baseSleepMs: number;
  /** How many retries at most; values above 29 are treated as 29. */
  maxRetries: number;
  /** Upper bound on a single delay. Default `Infinity`. */
  maxSleepMs?: number | undefined;
}

/** Curator's limit: beyond it the window 2^(retryCount+1) overflowed Java's int. Kept for parity. */
const MAX_RETRIES_LIMIT = 29;

/**
 * Curator's `ExponentialBackoffRetry`: retries up to `min(maxRetries, 29)` times. The delay before
 * retry number `retryCount` (0-based) is
 *
 *     min(maxSleepMs, baseSleepMs * max(1, floor(random() * 2^(retryCount + 1))))
 *
 * that is `baseSleepMs` times a random integer in [1, 2^(retryCount+1) - 1] (0 counts as 1), so the
 * window doubles with every retry but a single delay may be short. `elapsedMs` is ignored.
 *
 * @throws RangeError naming the argument when `baseSleepMs` or `maxSleepMs` is negative or NaN,
 * `baseSleepMs` is infinite, or `maxRetries` is not a non-negative integer.
 */
export function exponentialBackoffRetry(options: ExponentialBackoffRetryOptions): RetryPolicy {
  const { baseSleepMs, maxRetries, maxSleepMs = Number.POSITIVE_INFINITY } = options;
  checkDuration('baseSleepMs', baseSleepMs);
  checkCount('maxRetries', maxRetries);
  checkDuration('maxSleepMs', maxSleepMs, { allowInfinity: true });
  const retries = Math.min(maxRetries, MAX_RETRIES_LIMIT);
  const policy: RetryPolicy = {
    allowRetry(retryCount, _elapsedMs, random = Math.random) {
      if (retryCount >= retries) return false;
      const window = 2 ** (retryCount + 1);
      // The min guards against an injected source that returns 1 (outside [0, 1)).
      const multiplier = Math.max(1, Math.min(window - 1, Math.floor(random() * window)));
      return Math.min(baseSleepMs * multiplier, maxSleepMs);
    },
  };
  return Object.freeze(policy);
}
