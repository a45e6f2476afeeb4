// Shared by the retry loop's test files.
import { getEventListeners } from 'node:events';
import type { RetryPolicy } from '../../src/retry/retry-policy.js';

/** A delay long enough that waiting it out would be an obvious hang; abort tests must finish far sooner. */
export const LONG_DELAY_MS = 10_000;
/** Generous bound on "promptly": a hang shows as LONG_DELAY_MS, a slow machine stays far below this. */
export const PROMPT_MS = 2_000;

export function abortListeners(signal: AbortSignal): number {
  return getEventListeners(signal, 'abort').length;
}

/** A policy that returns the given delays in order, then `false`, recording what it was asked. */
export function scriptedPolicy(delays: number[]) {
  const asked: { retryCount: number; elapsedMs: number }[] = [];
  const policy: RetryPolicy = {
    allowRetry(retryCount, elapsedMs) {
      asked.push({ retryCount, elapsedMs });
      return delays[retryCount] ?? false;
    },
  };
  return { policy, asked };
}

export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Runs `promise` to its rejection and reports the reason with the time it took. */
export async function rejection(promise: Promise<unknown>, startedAt: number) {
  const reason = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
  return { reason, elapsedMs: performance.now() - startedAt };
}
