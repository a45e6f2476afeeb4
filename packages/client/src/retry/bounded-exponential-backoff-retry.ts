import { checkDuration } from './check-argument.js';
import { exponentialBackoffRetry } from './exponential-backoff-retry.js';
import type { RetryPolicy } from './retry-policy.js';

/** Options of {@link boundedExponentialBackoffRetry}. */
export interface BoundedExponentialBackoffRetryOptions {
  /** The unit of sleep: every delay is a whole multiple of it (before the `maxSleepMs` cap). */
  baseSleepMs: number;
  /** Upper bound on a single delay; required and finite. */
  maxSleepMs: number;
  /** How many retries at most; values above 29 are treated as 29. */
  maxRetries: number;
}

/**
 * Curator's `BoundedExponentialBackoffRetry`: exactly {@link exponentialBackoffRetry} with a
 * mandatory finite cap, so the delay before retry number `retryCount` (0-based, at most
 * `min(maxRetries, 29)` retries) is
 *
 *     min(maxSleepMs, baseSleepMs * max(1, floor(random() * 2^(retryCount + 1))))
 *
 * @throws RangeError naming the argument when `maxSleepMs` is not a finite number ≥ 0, or for the
 * arguments {@link exponentialBackoffRetry} rejects.
 */
export function boundedExponentialBackoffRetry(options: BoundedExponentialBackoffRetryOptions): RetryPolicy {
  const { baseSleepMs, maxSleepMs, maxRetries } = options;
  checkDuration('maxSleepMs', maxSleepMs);
  return exponentialBackoffRetry({ baseSleepMs, maxRetries, maxSleepMs });
}
