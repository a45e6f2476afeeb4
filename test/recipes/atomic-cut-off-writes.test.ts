// AtomicValue/AtomicLong writes cut off by a lost reply while another client writes from the same
// value, on both servers. Client A (behind a FaultProxy) runs AtomicValue.update over Curator's
// 8-byte long format; client B (direct) runs AtomicLong on the same node. A's `next` — called
// between its read and its write — blackholes the proxy, so A's write reaches the server only
// after B's, and the test decides whether A's reply is lost.
import { randomUUID } from 'node:crypto';
import { retryNTimes } from '@zookit/client';
import { AtomicLong, type AtomicOptions, AtomicValue, OutcomeUnknownError } from '@zookit/recipes';
import type { FaultProxy } from '@zookit/testing';
import { describe, expect, it } from 'vitest';
import { serverTargets } from '../servers.js';
import { observe, useRecipeFixture } from './recipe-fixture.js';

const T = 3000;

/** Curator's long format plus one (an empty value reads as 0). */
function plusOne(current: Uint8Array): Uint8Array {
  const value = current.length === 0 ? 0n : Buffer.from(current).readBigInt64BE(0);
  const out = Buffer.alloc(8);
  out.writeBigInt64BE(value + 1n);
  return out;
}

/**
 * An increment by A whose `next` blackholes `proxy` on the calls listed in `hold`; `held(n)`
 * resolves once call n has read the value (its write is then held, or not yet sent).
 */
function heldIncrement(a: AtomicValue, proxy: FaultProxy, hold: readonly number[]) {
  let calls = 0;
  const waiters = new Map<number, () => void>();
  const reached = new Map<number, Promise<void>>(
    hold.map((n) => [n, new Promise<void>((resolve) => waiters.set(n, resolve))]),
  );
  const result = observe(
    a.update((current) => {
      calls++;
      if (waiters.has(calls)) {
        proxy.blackhole();
        waiters.get(calls)?.();
      }
      return plusOne(current);
    }),
  );
  return { result, held: (n: number) => reached.get(n) as Promise<void>, calls: () => calls };
}

describe.each(serverTargets)('AtomicValue/AtomicLong cut-off writes on $name', (target) => {
  const fx = useRecipeFixture(target, { sessionTimeout: T });
  const { client, track } = fx;

  /** B on the node (seeded with `seed` unless undefined), A behind a proxy, A's increment held at `hold`. */
  async function race(seed: bigint | undefined, hold: readonly number[], options: AtomicOptions = {}) {
    const proxy = await fx.proxy();
    const path = `/atomic/${randomUUID()}`;
    const zkB = await client();
    const b = track(new AtomicLong(zkB, path));
    if (seed !== undefined) await b.forceSet(seed);
    const a = track(new AtomicValue(await client(proxy.connectString), path, options));
    return { proxy, path, zkB, b, inc: heldIncrement(a, proxy, hold) };
  }

  it('a lost reply after a concurrent increment from the same value rejects with OutcomeUnknownError, never a second success', async () => {
    const { proxy, path, b, inc } = await race(5n, [1]);
    await inc.held(1);
    // B increments from the same value: 5 -> 6, the very bytes A is about to write.
    expect(await b.increment()).toMatchObject({ succeeded: true, preValue: 5n, postValue: 6n });
    // A's setData (version of 5) now fails with BadVersion, and that reply is lost.
    proxy.dropNextReply();
    proxy.pass();
    const err = await inc.result.promise.then(
      (r) => r,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OutcomeUnknownError);
    expect((err as OutcomeUnknownError).message).toMatch(
      new RegExp(`^AtomicValue ${path}: .*may or may not have changed`),
    );
    expect((err as OutcomeUnknownError).path).toBe(path);
    expect(inc.calls()).toBe(1); // not retried
    expect((await b.get()).postValue).toBe(6n);
  });

  it('promoted to the lock: a lost reply after a concurrent increment rejects with OutcomeUnknownError and releases the lock', async () => {
    const lockPath = `/atomic-locks/${randomUUID()}`;
    const { proxy, zkB, b, inc } = await race(5n, [1, 2], {
      retryPolicy: retryNTimes({ n: 0, sleepMs: 0 }),
      promotedToLock: { path: lockPath },
    });
    // Optimistic attempt: B writes first, A's write is refused (no retries left): A promotes.
    await inc.held(1);
    expect((await b.increment()).postValue).toBe(6n);
    proxy.pass();
    // Under the lock: B (not using the lock) writes 7 from 6 again, and A's refusal is lost.
    await inc.held(2);
    expect(await b.increment()).toMatchObject({ succeeded: true, preValue: 6n, postValue: 7n });
    proxy.dropNextReply();
    proxy.pass();
    await expect(inc.result.promise).rejects.toBeInstanceOf(OutcomeUnknownError);
    expect(inc.calls()).toBe(2);
    expect((await b.get()).postValue).toBe(7n);
    expect((await zkB.getChildren(lockPath).catch(() => ({ children: [] }))).children).toEqual([]);
  });

  it('the first write to a missing node: a cut-off write beside a concurrent first increment is retried from the new value, never a second success', async () => {
    const { proxy, b, inc } = await race(undefined, [1]);
    await inc.held(1); // A read "missing" (0)
    expect(await b.increment()).toMatchObject({ succeeded: true, preValue: 0n, postValue: 1n });
    // A's next reply (a parent check or its create of the node) is lost.
    proxy.dropNextReply();
    proxy.pass();
    const result = await inc.result.promise;
    expect(result.succeeded).toBe(true);
    expect(Buffer.from(result.preValue).readBigInt64BE(0)).toBe(1n);
    expect(Buffer.from(result.postValue).readBigInt64BE(0)).toBe(2n);
    expect((await b.get()).postValue).toBe(2n);
  });

  it('a write proven not applied (node unchanged since the read) is tried again and applied once', async () => {
    const { proxy, b, inc } = await race(5n, [1]);
    await inc.held(1);
    // A's setData never reaches the server: the connection is reset with it held.
    proxy.closeConnections();
    proxy.pass();
    const result = await inc.result.promise;
    expect(inc.calls()).toBe(2);
    expect(Buffer.from(result.preValue).readBigInt64BE(0)).toBe(5n);
    expect(Buffer.from(result.postValue).readBigInt64BE(0)).toBe(6n);
    expect((await b.get()).postValue).toBe(6n);
  });
});
