import {
  AddWatchMode,
  AddWatchRequest,
  CheckWatchesRequest,
  ErrorCode,
  OpCode,
  RemoveWatchesRequest,
  WatcherType,
} from '@zookit/protocol';
import { type Request, throwIfError } from '../request.js';
import type { PersistentWatchMode, WatcherTypeName } from '../types.js';
import type { Watcher } from '../watches/watch-event.js';
import type { WatchKind } from '../watches/watch-registry.js';
import { type OpContext, serverPath } from './context.js';

/** addWatch: registers `watcher` locally once the server accepted the persistent watch. */
export function addWatchRequest(
  ctx: OpContext,
  path: string,
  mode: PersistentWatchMode,
  watcher: Watcher,
): Request<void> {
  const full = serverPath(ctx, path);
  const kind: WatchKind = mode === 'persistent' ? 'persistent' : 'persistentRecursive';
  if (mode !== 'persistent' && mode !== 'persistent-recursive') {
    throw new TypeError(`mode: expected 'persistent' or 'persistent-recursive', got ${JSON.stringify(mode)}`);
  }
  const wire = mode === 'persistent' ? AddWatchMode.persistent : AddWatchMode.persistentRecursive;
  return {
    type: OpCode.addWatch,
    path,
    registers: { kind, path: full },
    write: (w) => AddWatchRequest.encode(w, { path: full, mode: wire }),
    decode: (header) => {
      throwIfError(header, path);
      ctx.session.watches.add(kind, full, watcher);
    },
  };
}

const wireTypes: Record<WatcherTypeName, number> = {
  data: WatcherType.Data,
  children: WatcherType.Children,
  any: WatcherType.Any,
  persistent: WatcherType.Persistent,
  'persistent-recursive': WatcherType.PersistentRecursive,
};

/** The local registrations a watcher type covers. */
export function kindsOf(type: WatcherTypeName): WatchKind[] {
  switch (type) {
    case 'data':
      return ['data', 'exist'];
    case 'children':
      return ['child'];
    case 'persistent':
      return ['persistent'];
    case 'persistent-recursive':
      return ['persistentRecursive'];
    case 'any':
      return ['data', 'exist', 'child', 'persistent', 'persistentRecursive'];
    default:
      throw new TypeError(
        `type: expected data, children, any, persistent or persistent-recursive, got ${JSON.stringify(type)}`,
      );
  }
}

/** removeWatches (op 18) or checkWatches (op 17) on the server for one watcher type. */
export function serverWatchRequest(
  ctx: OpContext,
  op: typeof OpCode.removeWatches | typeof OpCode.checkWatches,
  path: string,
  type: WatcherTypeName,
): Request<boolean> {
  kindsOf(type);
  const full = serverPath(ctx, path);
  const codec = op === OpCode.removeWatches ? RemoveWatchesRequest : CheckWatchesRequest;
  return {
    type: op,
    path,
    write: (w) => codec.encode(w, { path: full, type: wireTypes[type] }),
    decode: (header) => {
      if (header.err === ErrorCode.NoWatcher) return false;
      throwIfError(header, path);
      return true;
    },
  };
}

const wireTypeOfKind: Record<WatchKind | 'any', number> = {
  any: WatcherType.Any,
  data: WatcherType.Data,
  exist: WatcherType.Data,
  child: WatcherType.Children,
  persistent: WatcherType.Persistent,
  persistentRecursive: WatcherType.PersistentRecursive,
};

/**
 * removeWatches for a `kind` watch (or every watch: `'any'`) that the server holds on
 * `serverPath` but no watcher of this client does. Resolves true when the server no longer
 * holds it (NoWatcher included: it fired or went meanwhile), false when the server could not
 * remove it (ZooKeeper before 3.9 answers MarshallingError for one persistent watch type).
 */
export function dropServerWatchRequest(kind: WatchKind | 'any', serverPath: string): Request<boolean> {
  return {
    type: OpCode.removeWatches,
    path: serverPath,
    write: (w) => RemoveWatchesRequest.encode(w, { path: serverPath, type: wireTypeOfKind[kind] }),
    decode: (header) => header.err === ErrorCode.Ok || header.err === ErrorCode.NoWatcher,
  };
}
