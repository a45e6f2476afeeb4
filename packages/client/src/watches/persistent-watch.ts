import { OpCode } from '@zookit/protocol';
import type { OpContext } from '../operations/context.js';
import { serverPath } from '../operations/context.js';
import { addWatchRequest, serverWatchRequest } from '../operations/watch-ops.js';
import type { PersistentWatchMode } from '../types.js';
import type { WatchEvent } from './watch-event.js';
import type { WatchKind } from './watch-registry.js';

const ALL_KINDS: readonly WatchKind[] = ['data', 'exist', 'child', 'persistent', 'persistentRecursive'];

/** A persistent watch as an async iterable of its events. */
export interface PersistentWatch extends AsyncIterableIterator<WatchEvent> {
  /** Resolves once the server accepted the watch (events from then on are buffered); rejects if it refused. */
  readonly ready: Promise<void>;
  /** Removes the watch (locally, and on the server when no other watcher of this client needs it). Idempotent. */
  close(): Promise<void>;
}

/**
 * Sets a persistent (or persistent-recursive) watch and yields its events, buffered, in order.
 * It never fires NodeChildrenChanged in recursive mode (ZooKeeper does not send it). The
 * iteration ends after a `SessionExpired` or `Closed` event (the watch died with the session or
 * the client), rejects with `signal.reason` when `signal` aborts, and ends on `break`.
 */
export function persistentWatch(
  ctx: OpContext,
  path: string,
  mode: PersistentWatchMode,
  signal: AbortSignal | undefined,
): PersistentWatch {
  const full = serverPath(ctx, path);
  const kind = mode === 'persistent' ? 'persistent' : 'persistentRecursive';
  const buffered: WatchEvent[] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  let removal: Promise<void> | undefined;
  const watcher = (event: WatchEvent) => {
    if (ended) return;
    buffered.push(event);
    if (event.type === 'SessionExpired' || event.type === 'Closed') ended = true;
    wake?.();
  };
  const close = (): Promise<void> => {
    removal ??= (async () => {
      ended = true;
      signal?.removeEventListener('abort', onAbort);
      wake?.();
      const { watches } = ctx.session;
      if (watches.remove(kind, full, watcher).length === 0 || watches.has(kind, full) || watches.hasPending(kind, full))
        return;
      if (!ctx.session.connected) return;
      // Best effort: the watch is already gone locally; a server-side leftover only costs events
      // we drop. ZooKeeper before 3.9 cannot remove one persistent watch type (it answers
      // MarshallingError); then remove every watch on the path if no other watcher needs one.
      const removed = await ctx.session.submit(serverWatchRequest(ctx, OpCode.removeWatches, path, mode)).then(
        () => true,
        () => false,
      );
      if (removed || ALL_KINDS.some((k) => watches.has(k, full) || watches.hasPending(k, full))) return;
      await ctx.session.submit(serverWatchRequest(ctx, OpCode.removeWatches, path, 'any')).catch(() => undefined);
    })();
    return removal;
  };
  const onAbort = () => void close();
  signal?.addEventListener('abort', onAbort, { once: true });
  const ready = signal?.aborted
    ? Promise.reject(signal.reason)
    : ctx.session.submit(addWatchRequest(ctx, path, mode, watcher), signal);
  ready.catch(() => {
    ended = true;
    signal?.removeEventListener('abort', onAbort);
  });
  const iterator: PersistentWatch = {
    ready,
    close,
    [Symbol.asyncIterator]: () => iterator,
    next: async () => {
      await ready;
      for (;;) {
        const event = buffered.shift();
        if (event) return { value: event, done: false };
        if (signal?.aborted) {
          await close();
          throw signal.reason;
        }
        if (ended) return { value: undefined, done: true };
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    },
    return: async () => {
      await close();
      return { value: undefined, done: true };
    },
  };
  return iterator;
}
