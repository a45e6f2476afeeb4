import type { Watcher } from '@zookit/client';

/** A one-shot wake-up: by a watch event, by {@link Wake.fire}, or rejected when `signal` aborts. */
export interface Wake {
  /** Resolves the wake-up when any event arrives. */
  readonly watcher: Watcher;
  /** Resolves the wake-up from elsewhere (e.g. a change of a limit). */
  fire(): void;
  /** Whether {@link watcher} received an event (then the server holds no watch for it any more). */
  readonly watchFired: boolean;
  readonly promise: Promise<void>;
  /** Stops listening to `signal` (when the wake-up is abandoned before it happened). */
  dispose(): void;
}

/** A wake-up that also rejects with `signal.reason` when `signal` aborts; the listener is removed on every path. */
export function wakeOn(signal: AbortSignal | undefined): Wake {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const onAbort = () => reject(signal?.reason);
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  const dispose = () => signal?.removeEventListener('abort', onAbort);
  promise.then(dispose, dispose);
  promise.catch(() => undefined);
  let watchFired = false;
  return {
    watcher: () => {
      watchFired = true;
      resolve();
    },
    fire: () => resolve(),
    get watchFired() {
      return watchFired;
    },
    promise,
    dispose,
  };
}
