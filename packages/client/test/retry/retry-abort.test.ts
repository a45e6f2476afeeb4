import { getEventListeners } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { ConnectionLossError, NoNodeError } from '../../src/errors.js';
import { type RetryAttempt, retry } from '../../src/retry/retry.js';
import { retryForever } from '../../src/retry/retry-forever.js';
import { retryNTimes } from '../../src/retry/retry-n-times.js';
import { abortListeners, deferred, LONG_DELAY_MS, PROMPT_MS, rejection } from './helpers.js';

describe('retry – abort', () => {
  it('rejects with the reason without calling fn when the signal is already aborted', async () => {
    const controller = new AbortController();
    const reason = new Error('cancelled');
    controller.abort(reason);
    const fn = vi.fn(async () => 'never');
    await expect(retry(fn, { policy: retryForever({ sleepMs: 1 }), signal: controller.signal })).rejects.toBe(reason);
    expect(fn).not.toHaveBeenCalled();
  });

  it('rejects promptly with the reason when aborted during a call that ignores its signal', async () => {
    const controller = new AbortController();
    const reason = new Error('cancelled');
    const started = deferred<RetryAttempt>();
    const startedAt = performance.now();
    const outcome = retry(
      (attempt) => {
        started.resolve(attempt);
        return new Promise<never>(() => {});
      },
      { policy: retryForever({ sleepMs: LONG_DELAY_MS }), signal: controller.signal },
    );
    const attempt = await started.promise;
    expect(attempt.signal.aborted).toBe(false);
    controller.abort(reason);
    const { reason: rejectedWith, elapsedMs } = await rejection(outcome, startedAt);
    expect(rejectedWith).toBe(reason);
    expect(elapsedMs).toBeLessThan(PROMPT_MS);
    expect(attempt.signal.aborted).toBe(true);
    expect(attempt.signal.reason).toBe(reason);
  });

  it("rejects with the caller's reason, not the call's own abort error, when the call honours its signal", async () => {
    const controller = new AbortController();
    const reason = new Error('cancelled');
    const started = deferred<void>();
    const outcome = retry(
      ({ signal }) => {
        started.resolve();
        return new Promise<never>((_, reject) => {
          signal.addEventListener('abort', () => reject(new ConnectionLossError()), { once: true });
        });
      },
      { policy: retryForever({ sleepMs: LONG_DELAY_MS }), signal: controller.signal },
    );
    await started.promise;
    controller.abort(reason);
    await expect(outcome).rejects.toBe(reason);
  });

  it('rejects promptly with the reason when aborted during a delay', async () => {
    const controller = new AbortController();
    const reason = new Error('cancelled');
    let listenersDuringDelay = -1;
    const fn = vi.fn(() => Promise.reject(new ConnectionLossError()));
    const startedAt = performance.now();
    const outcome = retry(fn, {
      policy: retryForever({ sleepMs: LONG_DELAY_MS }),
      signal: controller.signal,
      // onRetry runs just before the wait starts; the microtask runs once it has started.
      onRetry: () =>
        queueMicrotask(() => {
          listenersDuringDelay = abortListeners(controller.signal);
          controller.abort(reason);
        }),
    });
    const { reason: rejectedWith, elapsedMs } = await rejection(outcome, startedAt);
    expect(rejectedWith).toBe(reason);
    expect(elapsedMs).toBeLessThan(PROMPT_MS);
    expect(listenersDuringDelay).toBe(1);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('rejects with a non-Error reason as is, during a call and during a delay', async () => {
    const duringCall = new AbortController();
    const started = deferred<void>();
    const outcome = retry(
      () => {
        started.resolve();
        return new Promise<never>(() => {});
      },
      { policy: retryForever({ sleepMs: LONG_DELAY_MS }), signal: duringCall.signal },
    );
    await started.promise;
    duringCall.abort('stop');
    await expect(outcome).rejects.toBe('stop');

    const duringDelay = new AbortController();
    await expect(
      retry(() => Promise.reject(new ConnectionLossError()), {
        policy: retryForever({ sleepMs: LONG_DELAY_MS }),
        signal: duringDelay.signal,
        onRetry: () => queueMicrotask(() => duringDelay.abort('stop')),
      }),
    ).rejects.toBe('stop');
  });

  it('ends retryForever with AbortSignal.timeout', async () => {
    const startedAt = performance.now();
    const { reason, elapsedMs } = await rejection(
      retry(() => Promise.reject(new ConnectionLossError()), {
        policy: retryForever({ sleepMs: 1 }),
        signal: AbortSignal.timeout(20),
      }),
      startedAt,
    );
    expect((reason as Error).name).toBe('TimeoutError');
    expect(elapsedMs).toBeLessThan(PROMPT_MS);
  });

  it('ignores the late outcome of a call abandoned on abort', async () => {
    const controller = new AbortController();
    const reason = new Error('cancelled');
    const call = deferred<string>();
    const started = deferred<void>();
    const outcome = retry(
      () => {
        started.resolve();
        return call.promise;
      },
      { policy: retryForever({ sleepMs: 1 }), signal: controller.signal },
    );
    await started.promise;
    controller.abort(reason);
    await expect(outcome).rejects.toBe(reason);
    // An unhandled rejection here would fail the run.
    call.reject(new ConnectionLossError());
    await call.promise.catch(() => {});
  });

  it('gives fn a signal that never aborts when the caller passes none', async () => {
    const signals: AbortSignal[] = [];
    await retry(
      async ({ number, signal }) => {
        signals.push(signal);
        if (number === 1) throw new ConnectionLossError();
      },
      { policy: retryNTimes({ n: 1, sleepMs: 1 }) },
    );
    expect(signals).toHaveLength(2);
    expect(signals[0]).toBe(signals[1]);
    expect(signals[0]!.aborted).toBe(false);
  });
});

describe("retry – listeners on the caller's signal", () => {
  const scenarios: [string, (signal: AbortSignal, controller: AbortController) => Promise<unknown>][] = [
    [
      'success after retries',
      (signal) =>
        retry(
          async ({ number }) => {
            if (number < 3) throw new ConnectionLossError();
            return number;
          },
          { policy: retryNTimes({ n: 3, sleepMs: 1 }), signal },
        ),
    ],
    [
      'policy stop',
      (signal) =>
        retry(() => Promise.reject(new ConnectionLossError()), { policy: retryNTimes({ n: 2, sleepMs: 1 }), signal }),
    ],
    [
      'non-retryable error',
      (signal) => retry(() => Promise.reject(new NoNodeError()), { policy: retryForever({ sleepMs: 1 }), signal }),
    ],
    [
      'abort during a call',
      (signal, controller) =>
        retry(
          () => {
            queueMicrotask(() => controller.abort(new Error('cancelled')));
            return new Promise<never>(() => {});
          },
          { policy: retryForever({ sleepMs: 1 }), signal },
        ),
    ],
    [
      'abort during a delay',
      (signal, controller) =>
        retry(() => Promise.reject(new ConnectionLossError()), {
          policy: retryForever({ sleepMs: LONG_DELAY_MS }),
          signal,
          onRetry: () => queueMicrotask(() => controller.abort(new Error('cancelled'))),
        }),
    ],
  ];

  it.each(scenarios)('none are left after %s, and others are kept', async (_name, run) => {
    const controller = new AbortController();
    const unrelated = () => {};
    controller.signal.addEventListener('abort', unrelated);
    await run(controller.signal, controller).catch(() => {});
    expect(getEventListeners(controller.signal, 'abort')).toEqual([unrelated]);
  });
});
