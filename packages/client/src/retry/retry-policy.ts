/**
 * Decides whether a failed operation is tried again, and after how long (Curator's `RetryPolicy`).
 *
 * A policy is a pure function of its arguments: it never sleeps, starts timers or keeps state, so
 * one instance may be shared by any number of concurrent operations. {@link retry} asks it after
 * every retryable failure and does the waiting itself.
 */
export interface RetryPolicy {
  /**
   * The delay in ms before retry number `retryCount` (0-based: 0 = first retry), or `false` to stop.
   *
   * @param retryCount retries already made: 0 after the first attempt failed.
   * @param elapsedMs time since the first attempt started.
   * @param random a uniform source in [0, 1) for policies with jitter; defaults to `Math.random`.
   */
  allowRetry(retryCount: number, elapsedMs: number, random?: () => number): number | false;
}
