import type { OpContext } from '../operations/context.js';
import { serverPath } from '../operations/context.js';
import { addWatchRequest } from '../operations/watch-ops.js';
import type { PersistentWatchMode } from '../types.js';
import type { WatchEvent } from './watch-event.js';

/** A persistent watch as an async iterable of its events. */
export interface PersistentWatch extends AsyncIterableIterator<WatchEvent> {
  /**
   * Resolves once the server accepted the watch (events from then on are buffered); rejects if
   * it refused, or with an AbortError when the watch was closed before the server accepted it.
   */
  readonly ready: Promise<void>;
  /**
   * Removes the watch (locally, and on the server when no other watcher of this client needs
   * it) and resolves once the server answered the removal. Closed before `ready`, it withdraws
   * the request if it was not sent yet, else waits for the server's answer and removes the watch
   * the server then set — either way none is left behind. Idempotent.
   */
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
  let answered = false;
  const withdraw = new AbortController();
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
      if (!answered) {
        // While disconnected the addWatch is still queued (or failed with its connection, which
        // took the server's watches along): withdraw it. While connected it has been written
        // (a connected session has sent everything submitted) and the server will set the
        // watch: wait for that answer, which registers the watcher, and remove it below.
        if (!ctx.session.connected) withdraw.abort(new DOMException('the watch was closed', 'AbortError'));
        await ready.catch(() => undefined);
      }
      if (ctx.session.watches.remove(kind, full, watcher).length === 0) return;
      // Disconnected: the server dropped the connection's watches, and this one is no longer
      // registered here, so it is not set again on reconnect.
      if (!ctx.session.connected) return;
      await ctx.session.dropServerWatch(kind, full);
    })();
    return removal;
  };
  const onAbort = () => void close();
  signal?.addEventListener('abort', onAbort, { once: true });
  const ready = signal?.aborted
    ? Promise.reject(signal.reason)
    : ctx.session.submit(
        addWatchRequest(ctx, path, mode, watcher),
        signal ? AbortSignal.any([signal, withdraw.signal]) : withdraw.signal,
      );
  ready.then(
    () => {
      answered = true;
    },
    () => {
      answered = true;
      ended = true;
      signal?.removeEventListener('abort', onAbort);
    },
  );
  const iterator: PersistentWatch = {
    ready,
    close,
    [Symbol.asyncIterator]: () => iterator,
    next: async () => {
      // Closed before the server accepted it: the iteration just ends.
      await ready.catch((err: unknown) => {
        if (!withdraw.signal.aborted) throw err;
      });
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
