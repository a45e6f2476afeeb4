import { describe, expect, it } from 'vitest';
import { boundedExponentialBackoffRetry } from '../../src/retry/bounded-exponential-backoff-retry.js';
import { exponentialBackoffRetry } from '../../src/retry/exponential-backoff-retry.js';
import { retryForever } from '../../src/retry/retry-forever.js';
import { retryNTimes } from '../../src/retry/retry-n-times.js';
import { retryOneTime } from '../../src/retry/retry-one-time.js';
import type { RetryPolicy } from '../../src/retry/retry-policy.js';
import { retryUntilElapsed } from '../../src/retry/retry-until-elapsed.js';

/** The policy's answers for retries 0 … count-1, with a fixed elapsed time and random source. */
function delays(policy: RetryPolicy, count: number, random: () => number = Math.random, elapsedMs = 0) {
  return Array.from({ length: count }, (_, retryCount) => policy.allowRetry(retryCount, elapsedMs, random));
}

function expectRangeError(create: () => unknown, argument: string): void {
  expect(create).toThrow(RangeError);
  expect(create).toThrow(new RegExp(`^${argument} must be`));
}

describe('exponentialBackoffRetry', () => {
  it('sleeps baseSleepMs times floor(random * 2^(retryCount+1))', () => {
    const policy = exponentialBackoffRetry({ baseSleepMs: 10, maxRetries: 5 });
    // Windows 2, 4, 8, 16, 32 → multipliers 1, 2, 4, 8, 16.
    expect(delays(policy, 5, () => 0.5)).toEqual([10, 20, 40, 80, 160]);
    // Windows 2, 4, 8 → multipliers floor(0.3 * w) = 0 (counts as 1), 1, 2.
    expect(delays(policy, 3, () => 0.3)).toEqual([10, 10, 20]);
  });

  it('counts a zero draw as one, so the shortest delay is baseSleepMs', () => {
    const policy = exponentialBackoffRetry({ baseSleepMs: 7, maxRetries: 4 });
    expect(delays(policy, 4, () => 0)).toEqual([7, 7, 7, 7]);
  });

  it('draws at most 2^(retryCount+1) - 1, even from a source that returns 1', () => {
    const policy = exponentialBackoffRetry({ baseSleepMs: 10, maxRetries: 5 });
    expect(delays(policy, 5, () => 0.999_999)).toEqual([10, 30, 70, 150, 310]);
    expect(delays(policy, 5, () => 1)).toEqual([10, 30, 70, 150, 310]);
  });

  it('uses one random draw per call, in retry order', () => {
    const draws = [0.75, 0.25, 0.6];
    const random = () => draws.shift() ?? 0;
    const policy = exponentialBackoffRetry({ baseSleepMs: 1, maxRetries: 3 });
    // floor(0.75*2)=1, floor(0.25*4)=1, floor(0.6*8)=4.
    expect(delays(policy, 3, random)).toEqual([1, 1, 4]);
  });

  it('stops after maxRetries retries', () => {
    const policy = exponentialBackoffRetry({ baseSleepMs: 1, maxRetries: 3 });
    expect(delays(policy, 5, () => 0)).toEqual([1, 1, 1, false, false]);
    expect(exponentialBackoffRetry({ baseSleepMs: 1, maxRetries: 0 }).allowRetry(0, 0)).toBe(false);
  });

  it('treats maxRetries above 29 as 29', () => {
    const policy = exponentialBackoffRetry({ baseSleepMs: 1, maxRetries: 1000 });
    expect(policy.allowRetry(28, 0, () => 0.5)).toBe(2 ** 28);
    expect(policy.allowRetry(29, 0, () => 0.5)).toBe(false);
  });

  it('caps every delay at maxSleepMs', () => {
    const policy = exponentialBackoffRetry({ baseSleepMs: 10, maxRetries: 5, maxSleepMs: 50 });
    expect(delays(policy, 5, () => 0.5)).toEqual([10, 20, 40, 50, 50]);
  });

  it('ignores the elapsed time', () => {
    const policy = exponentialBackoffRetry({ baseSleepMs: 10, maxRetries: 2 });
    expect(delays(policy, 2, () => 0.5, 1e12)).toEqual([10, 20]);
  });

  it('defaults to Math.random: a whole multiple of baseSleepMs inside the window', () => {
    const policy = exponentialBackoffRetry({ baseSleepMs: 3, maxRetries: 4 });
    for (let i = 0; i < 200; i++) {
      const delay = policy.allowRetry(3, 0);
      expect(typeof delay).toBe('number');
      expect((delay as number) % 3).toBe(0);
      expect(delay).toBeGreaterThanOrEqual(3);
      expect(delay).toBeLessThanOrEqual(3 * 15);
    }
  });

  it('rejects invalid arguments with a RangeError naming the argument', () => {
    expectRangeError(() => exponentialBackoffRetry({ baseSleepMs: -1, maxRetries: 3 }), 'baseSleepMs');
    expectRangeError(() => exponentialBackoffRetry({ baseSleepMs: Number.NaN, maxRetries: 3 }), 'baseSleepMs');
    expectRangeError(
      () => exponentialBackoffRetry({ baseSleepMs: Number.POSITIVE_INFINITY, maxRetries: 3 }),
      'baseSleepMs',
    );
    expectRangeError(() => exponentialBackoffRetry({ baseSleepMs: 1, maxRetries: -1 }), 'maxRetries');
    expectRangeError(() => exponentialBackoffRetry({ baseSleepMs: 1, maxRetries: 1.5 }), 'maxRetries');
    expectRangeError(
      () => exponentialBackoffRetry({ baseSleepMs: 1, maxRetries: Number.POSITIVE_INFINITY }),
      'maxRetries',
    );
    expectRangeError(() => exponentialBackoffRetry({ baseSleepMs: 1, maxRetries: 3, maxSleepMs: -5 }), 'maxSleepMs');
    expectRangeError(
      () => exponentialBackoffRetry({ baseSleepMs: 1, maxRetries: 3, maxSleepMs: Number.NaN }),
      'maxSleepMs',
    );
  });
});

describe('boundedExponentialBackoffRetry', () => {
  it('is exponential backoff capped at maxSleepMs', () => {
    const policy = boundedExponentialBackoffRetry({ baseSleepMs: 10, maxSleepMs: 35, maxRetries: 4 });
    expect(delays(policy, 5, () => 0.5)).toEqual([10, 20, 35, 35, false]);
    expect(delays(policy, 4, () => 0)).toEqual([10, 10, 10, 10]);
  });

  it('treats maxRetries above 29 as 29', () => {
    const policy = boundedExponentialBackoffRetry({ baseSleepMs: 1, maxSleepMs: 100, maxRetries: 30 });
    expect(policy.allowRetry(28, 0, () => 0.5)).toBe(100);
    expect(policy.allowRetry(29, 0, () => 0.5)).toBe(false);
  });

  it('rejects invalid arguments with a RangeError naming the argument', () => {
    expectRangeError(
      () => boundedExponentialBackoffRetry({ baseSleepMs: 1, maxSleepMs: Number.POSITIVE_INFINITY, maxRetries: 3 }),
      'maxSleepMs',
    );
    expectRangeError(
      () => boundedExponentialBackoffRetry({ baseSleepMs: 1, maxSleepMs: -1, maxRetries: 3 }),
      'maxSleepMs',
    );
    expectRangeError(
      () => boundedExponentialBackoffRetry({ baseSleepMs: -1, maxSleepMs: 9, maxRetries: 3 }),
      'baseSleepMs',
    );
    expectRangeError(
      () => boundedExponentialBackoffRetry({ baseSleepMs: 1, maxSleepMs: 9, maxRetries: 0.5 }),
      'maxRetries',
    );
  });
});

describe('retryNTimes', () => {
  it('sleeps sleepMs before each of n retries, then stops', () => {
    expect(delays(retryNTimes({ n: 3, sleepMs: 5 }), 5)).toEqual([5, 5, 5, false, false]);
    expect(retryNTimes({ n: 0, sleepMs: 5 }).allowRetry(0, 0)).toBe(false);
  });

  it('ignores the elapsed time', () => {
    expect(delays(retryNTimes({ n: 2, sleepMs: 0 }), 3, Math.random, 1e12)).toEqual([0, 0, false]);
  });

  it('rejects invalid arguments with a RangeError naming the argument', () => {
    expectRangeError(() => retryNTimes({ n: -1, sleepMs: 1 }), 'n');
    expectRangeError(() => retryNTimes({ n: 2.5, sleepMs: 1 }), 'n');
    expectRangeError(() => retryNTimes({ n: Number.POSITIVE_INFINITY, sleepMs: 1 }), 'n');
    expectRangeError(() => retryNTimes({ n: 1, sleepMs: -1 }), 'sleepMs');
    expectRangeError(() => retryNTimes({ n: 1, sleepMs: Number.NaN }), 'sleepMs');
    expectRangeError(() => retryNTimes({ n: 1, sleepMs: Number.POSITIVE_INFINITY }), 'sleepMs');
  });
});

describe('retryOneTime', () => {
  it('sleeps sleepMs before one retry, then stops', () => {
    expect(delays(retryOneTime({ sleepMs: 7 }), 3)).toEqual([7, false, false]);
  });

  it('rejects an invalid sleepMs with a RangeError naming it', () => {
    expectRangeError(() => retryOneTime({ sleepMs: -1 }), 'sleepMs');
  });
});

describe('retryUntilElapsed', () => {
  it('sleeps sleepMs while the elapsed time is below maxElapsedMs, however many retries were made', () => {
    const policy = retryUntilElapsed({ maxElapsedMs: 100, sleepMs: 4 });
    expect(policy.allowRetry(0, 0)).toBe(4);
    expect(policy.allowRetry(1_000_000, 99.9)).toBe(4);
    expect(policy.allowRetry(0, 100)).toBe(false);
    expect(policy.allowRetry(0, 5_000)).toBe(false);
  });

  it('rejects invalid arguments with a RangeError naming the argument', () => {
    expectRangeError(() => retryUntilElapsed({ maxElapsedMs: -1, sleepMs: 1 }), 'maxElapsedMs');
    expectRangeError(() => retryUntilElapsed({ maxElapsedMs: Number.POSITIVE_INFINITY, sleepMs: 1 }), 'maxElapsedMs');
    expectRangeError(() => retryUntilElapsed({ maxElapsedMs: 10, sleepMs: Number.NaN }), 'sleepMs');
  });
});

describe('retryForever', () => {
  it('always sleeps sleepMs', () => {
    const policy = retryForever({ sleepMs: 3 });
    expect(policy.allowRetry(0, 0)).toBe(3);
    expect(policy.allowRetry(1_000_000, 1e12)).toBe(3);
  });

  it('rejects a sleepMs that is not > 0, so a failing operation cannot spin', () => {
    expectRangeError(() => retryForever({ sleepMs: 0 }), 'sleepMs');
    expectRangeError(() => retryForever({ sleepMs: -1 }), 'sleepMs');
    expectRangeError(() => retryForever({ sleepMs: Number.POSITIVE_INFINITY }), 'sleepMs');
  });
});

describe('every policy', () => {
  const policies: [string, () => RetryPolicy][] = [
    ['exponentialBackoffRetry', () => exponentialBackoffRetry({ baseSleepMs: 2, maxRetries: 3 })],
    [
      'boundedExponentialBackoffRetry',
      () => boundedExponentialBackoffRetry({ baseSleepMs: 2, maxSleepMs: 5, maxRetries: 3 }),
    ],
    ['retryNTimes', () => retryNTimes({ n: 2, sleepMs: 1 })],
    ['retryOneTime', () => retryOneTime({ sleepMs: 1 })],
    ['retryUntilElapsed', () => retryUntilElapsed({ maxElapsedMs: 10, sleepMs: 1 })],
    ['retryForever', () => retryForever({ sleepMs: 1 })],
  ];

  it.each(policies)('%s is frozen and answers the same inputs the same way', (_name, create) => {
    const policy = create();
    expect(Object.isFrozen(policy)).toBe(true);
    for (const [retryCount, elapsedMs] of [
      [0, 0],
      [1, 5],
      [2, 20],
      [5, 100],
    ] as const) {
      const first = policy.allowRetry(retryCount, elapsedMs, () => 0.4);
      expect(policy.allowRetry(retryCount, elapsedMs, () => 0.4)).toBe(first);
    }
  });
});
