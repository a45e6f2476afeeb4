import type { Watcher, ZooKeeperClient } from '@zookit/client';

/**
 * A one-shot data/exists watch on one path as something to wait for. Pass `watcher` to the
 * read that sets the watch; then either `wait()` for it or `cancel()` it. Either way the
 * client holds no registration for it afterwards, which is what the leak checks demand.
 */
export interface OneShotWatch {
  readonly watcher: Watcher;
  /** Resolves on the watch's event (any type: a wake-up only means "look again"). */
  wait(signal: AbortSignal): Promise<void>;
  /** Removes the watch unless it already fired. Never throws. */
  cancel(): Promise<void>;
}

export function oneShotWatch(client: ZooKeeperClient, path: string): OneShotWatch {
  let fired = false;
  let wake: (() => void) | undefined;
  const watcher: Watcher = () => {
    fired = true;
    wake?.();
  };
  const cancel = async () => {
    if (fired) return;
    // NoWatcher (the read failed, so nothing was set) and connection errors are both fine: a
    // local removal cannot fail, and the server forgets the watch with the session anyway.
    await client.removeWatches(path, { type: 'data', watcher, local: !client.connectedServer }).catch(() => undefined);
  };
  const wait = async (signal: AbortSignal) => {
    if (!fired) {
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => reject(signal.reason);
        wake = () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        };
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
      }).catch(async (err: unknown) => {
        await cancel();
        throw err;
      });
    }
  };
  return { watcher, wait, cancel };
}
