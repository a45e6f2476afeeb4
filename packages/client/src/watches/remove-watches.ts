import { OpCode } from '@zookit/protocol';
import { NoWatcherError } from '../errors.js';
import { type OpContext, serverPath } from '../operations/context.js';
import { kindsOf, serverWatchRequest } from '../operations/watch-ops.js';
import type { OperationOptions, WatcherTypeName } from '../types.js';
import type { WatchEventType, Watcher } from './watch-event.js';
import { deliver, type WatchKind } from './watch-registry.js';

const removedEvent: Record<WatchKind, WatchEventType> = {
  data: 'DataWatchRemoved',
  exist: 'DataWatchRemoved',
  child: 'ChildWatchRemoved',
  persistent: 'PersistentWatchRemoved',
  persistentRecursive: 'PersistentWatchRemoved',
};

/**
 * Removes this client's watches of `type` on `path` (one `watcher`, or all) and tells each
 * removed watcher. Unless `local`, asks the server to drop its registration when no watcher of
 * this client still needs it; the server's NoWatcher is ignored then (it may have fired already).
 */
export async function removeWatches(
  ctx: OpContext,
  path: string,
  options: OperationOptions & { type?: WatcherTypeName; watcher?: Watcher; local?: boolean },
): Promise<void> {
  const type = options.type ?? 'any';
  const kinds = kindsOf(type);
  const full = serverPath(ctx, path);
  const { watches } = ctx.session;
  const matched = kinds.filter((k) => watches.has(k, full, options.watcher));
  if (matched.length === 0) {
    throw new NoWatcherError({ path, message: `NoWatcher: no ${type} watch on ${path}` });
  }
  if (!options.local) {
    const stillNeeded = (k: WatchKind) => {
      const others = watches.remove(k, full, options.watcher);
      // A watch request still in flight will register this kind on the server too.
      const left =
        watches.has(k, full) || watches.hasPending(k, full) || (k === 'exist' && watches.hasPending('data', full));
      for (const w of others) watches.add(k, full, w);
      return left;
    };
    if (!matched.some(stillNeeded)) {
      await ctx.session.submit(serverWatchRequest(ctx, OpCode.removeWatches, path, type), options.signal);
    }
  }
  for (const kind of matched) {
    const removed = watches.remove(kind, full, options.watcher);
    deliver(removed, { type: removedEvent[kind], path }, () => {});
  }
}
