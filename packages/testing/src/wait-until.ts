import { setTimeout as delay } from 'node:timers/promises';

/** Options of {@link waitUntil}. */
export interface WaitUntilOptions {
  /** Give up after this many ms. */
  timeout: number;
  /** Pause between attempts, in ms. Default 100. */
  interval?: number;
  /** Stops waiting; the promise rejects with `signal.reason`. */
  signal?: AbortSignal;
  /** What is awaited, for the timeout message ("server 127.0.0.1:2181 to answer imok"). */
  description: string;
}

/**
 * Polls `check` until it resolves truthy and resolves with that value. Each attempt receives a
 * signal that aborts when the wait ends, so a slow attempt cannot outlive it. An attempt that
 * throws ends the wait with that error. After `timeout` ms rejects with an Error naming
 * `description`.
 */
export async function waitUntil<T>(
  check: (signal: AbortSignal) => Promise<T | undefined | false | null>,
  options: WaitUntilOptions,
): Promise<T> {
  const timeout = AbortSignal.timeout(options.timeout);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  for (;;) {
    if (signal.aborted) {
      if (options.signal?.aborted) throw options.signal.reason;
      throw new Error(`timed out after ${options.timeout} ms waiting for ${options.description}`);
    }
    try {
      const value = await check(signal);
      if (value !== undefined && value !== false && value !== null) return value;
    } catch (error) {
      // An attempt cut short by our own deadline is not a failure of the condition.
      if (!signal.aborted) throw error;
    }
    try {
      await delay(options.interval ?? 100, undefined, { signal });
    } catch {
      // aborted: reported at the top of the loop
    }
  }
}
