import { describe, expect, it, vi } from 'vitest';
import {
  ConnectionLossError,
  NoNodeError,
  OperationTimeoutError,
  SessionExpiredError,
  SessionMovedError,
  ThrottledOpError,
} from '../../src/errors.js';
import { exponentialBackoffRetry } from '../../src/retry/exponential-backoff-retry.js';
import { type RetryAttempt, type RetryInfo, retry } from '../../src/retry/retry.js';
import { retryForever } from '../../src/retry/retry-forever.js';
import { retryNTimes } from '../../src/retry/retry-n-times.js';
import { LONG_DELAY_MS, scriptedPolicy } from './helpers.js';

describe('retry – outcomes', () => {
  it('succeeds after N retryable failures, numbering the attempts from 1', async () => {
    const numbers: number[] = [];
    const result = await retry(
      async ({ number }) => {
        numbers.push(number);
        if (number <= 3) throw new ConnectionLossError();
        return 'done';
      },
      { policy: retryNTimes({ n: 5, sleepMs: 1 }) },
    );
    expect(result).toBe('done');
    expect(numbers).toEqual([1, 2, 3, 4]);
  });

  it("stops at the policy's limit and rejects with the last error", async () => {
    const errors: Error[] = [];
    const outcome = retry(
      async () => {
        const error = new ConnectionLossError();
        errors.push(error);
        throw error;
      },
      { policy: retryNTimes({ n: 2, sleepMs: 1 }) },
    );
    const reason = await outcome.catch((error: unknown) => error);
    expect(errors).toHaveLength(3);
    expect(reason).toBe(errors[2]);
  });

  it('passes a non-retryable error through immediately, the same object', async () => {
    const error = new NoNodeError({ path: '/a' });
    const onRetry = vi.fn();
    const fn = vi.fn(async () => {
      throw error;
    });
    await expect(retry(fn, { policy: retryForever({ sleepMs: LONG_DELAY_MS }), onRetry })).rejects.toBe(error);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(onRetry).not.toHaveBeenCalled();
  });

  it('retries what errors.ts calls retryable and stops at SessionExpired', async () => {
    const failures = [
      new ConnectionLossError(),
      new OperationTimeoutError(),
      new SessionMovedError(),
      new ThrottledOpError(),
      new SessionExpiredError(),
    ];
    const fn = vi.fn(async ({ number }: RetryAttempt) => {
      throw failures[number - 1];
    });
    await expect(retry(fn, { policy: retryForever({ sleepMs: 1 }) })).rejects.toBe(failures[4]);
    expect(fn).toHaveBeenCalledTimes(5);
  });

  it('rejects with a thrown non-Error value as is, not wrapped in a TypeError', async () => {
    await expect(
      retry(() => Promise.reject('not an error'), { policy: retryForever({ sleepMs: LONG_DELAY_MS }) }),
    ).rejects.toBe('not an error');
  });

  it('rejects with a TypeError as is when isRetryable refuses it', async () => {
    const error = new TypeError('bad argument');
    await expect(retry(() => Promise.reject(error), { policy: retryForever({ sleepMs: LONG_DELAY_MS }) })).rejects.toBe(
      error,
    );
  });

  it('lets isRetryable decide, also for TypeErrors and non-Error values', async () => {
    const failures: unknown[] = [new TypeError('flaky'), 'again'];
    const result = await retry(
      async ({ number }) => {
        if (number <= failures.length) throw failures[number - 1];
        return number;
      },
      {
        policy: retryNTimes({ n: 5, sleepMs: 1 }),
        isRetryable: (error) => failures.includes(error),
      },
    );
    expect(result).toBe(3);
  });

  it('treats a synchronous throw from fn like a rejection', async () => {
    let calls = 0;
    const result = await retry(
      () => {
        calls++;
        if (calls === 1) throw new ConnectionLossError();
        return Promise.resolve('ok');
      },
      { policy: retryNTimes({ n: 1, sleepMs: 1 }) },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(2);
  });
});

describe('retry – policy and onRetry', () => {
  it('asks the policy with 0-based retry counts and the time elapsed since the first attempt', async () => {
    const { policy, asked } = scriptedPolicy([3, 2, 1]);
    const last = new ConnectionLossError();
    await expect(
      retry(
        async ({ number }) => {
          throw number === 4 ? last : new ConnectionLossError();
        },
        { policy },
      ),
    ).rejects.toBe(last);
    expect(asked.map((a) => a.retryCount)).toEqual([0, 1, 2, 3]);
    const elapsed = asked.map((a) => a.elapsedMs);
    expect(elapsed[0]).toBeGreaterThanOrEqual(0);
    // Each answer was waited out before the next attempt (1 ms slack for clock granularity).
    expect(elapsed[1]! - elapsed[0]!).toBeGreaterThanOrEqual(3 - 1);
    expect(elapsed[2]! - elapsed[1]!).toBeGreaterThanOrEqual(2 - 1);
    expect(elapsed[3]! - elapsed[2]!).toBeGreaterThanOrEqual(1 - 1);
  });

  it("calls onRetry with each retried error, the retry count and the policy's exact delay", async () => {
    const errors: Error[] = [];
    const infos: RetryInfo[] = [];
    const reason = await retry(
      async () => {
        const error = new ConnectionLossError();
        errors.push(error);
        throw error;
      },
      { policy: scriptedPolicy([4, 1, 2]).policy, onRetry: (info) => infos.push(info) },
    ).catch((error: unknown) => error);
    expect(errors).toHaveLength(4);
    expect(reason).toBe(errors[3]);
    expect(infos).toEqual([
      { error: errors[0], retryCount: 0, delayMs: 4 },
      { error: errors[1], retryCount: 1, delayMs: 1 },
      { error: errors[2], retryCount: 2, delayMs: 2 },
    ]);
    expect(infos[0]!.error).toBe(errors[0]);
  });

  it('applies exponential backoff delays exactly', async () => {
    const backoff = exponentialBackoffRetry({ baseSleepMs: 1, maxRetries: 3 });
    const delays: number[] = [];
    await expect(
      retry(() => Promise.reject(new ConnectionLossError()), {
        policy: { allowRetry: (retryCount, elapsedMs) => backoff.allowRetry(retryCount, elapsedMs, () => 0.5) },
        onRetry: ({ delayMs }) => delays.push(delayMs),
      }),
    ).rejects.toBeInstanceOf(ConnectionLossError);
    expect(delays).toEqual([1, 2, 4]);
  });

  it('rejects with a RangeError when the policy returns an invalid delay', async () => {
    for (const delay of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(
        retry(() => Promise.reject(new ConnectionLossError()), { policy: { allowRetry: () => delay } }),
      ).rejects.toThrow(RangeError);
    }
  });

  it('stops retrying with the error onRetry throws', async () => {
    const thrown = new Error('listener failed');
    const fn = vi.fn(() => Promise.reject(new ConnectionLossError()));
    await expect(
      retry(fn, {
        policy: retryForever({ sleepMs: 1 }),
        onRetry: () => {
          throw thrown;
        },
      }),
    ).rejects.toBe(thrown);
    expect(fn).toHaveBeenCalledTimes(1);
  });
});
