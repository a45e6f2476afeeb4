import { WatcherType } from '@zookit/protocol';
import type { FourLetterContext } from './answer.js';
import { hex64 } from './java-format.js';

// ZooKeeper keeps two watch managers: data watches (getData, exists) and child watches
// (getChildren); addWatch's persistent and recursive watches sit in both. wchs/wchc/wchp show
// the data manager only; mntr's zk_watch_count adds up both.

/** Whether `connection` holds a watch ZooKeeper files under data watches on `path`. */
function isDataWatch(context: FourLetterContext, connection: number, path: string): boolean {
  const { watches } = context.core;
  return (
    watches.has(connection, path, WatcherType.Data) ||
    watches.has(connection, path, WatcherType.Persistent) ||
    watches.has(connection, path, WatcherType.PersistentRecursive)
  );
}

/** Whether `connection` holds a watch ZooKeeper files under child watches on `path`. */
function isChildWatch(context: FourLetterContext, connection: number, path: string): boolean {
  const { watches } = context.core;
  return (
    watches.has(connection, path, WatcherType.Children) ||
    watches.has(connection, path, WatcherType.Persistent) ||
    watches.has(connection, path, WatcherType.PersistentRecursive)
  );
}

/** Data watches by path: each path with the connections watching it. */
function dataWatchesByPath(context: FourLetterContext): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const [path, connections] of context.core.watches.byPath()) {
    const watching = connections.filter((c) => isDataWatch(context, c, path));
    if (watching.length > 0) out.set(path, watching);
  }
  return out;
}

/** Data watches by connection: each connection with the paths it watches. */
function dataWatchesByConnection(context: FourLetterContext): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const [connection, paths] of context.core.watches.byConnection()) {
    const watched = paths.filter((p) => isDataWatch(context, connection, p));
    if (watched.length > 0) out.set(connection, watched);
  }
  return out;
}

/** Watches as mntr's zk_watch_count: (path, connection) pairs of the data plus the child manager. */
export function watchCount(context: FourLetterContext): number {
  let n = 0;
  for (const [path, connections] of context.core.watches.byPath()) {
    for (const c of connections)
      n += (isDataWatch(context, c, path) ? 1 : 0) + (isChildWatch(context, c, path) ? 1 : 0);
  }
  return n;
}

/** The session id ZooKeeper prints for a watching connection (0 once the connection is gone). */
function sessionOf(context: FourLetterContext, connection: number): string {
  return `0x${hex64(context.core.connections.get(connection)?.sessionId ?? 0n)}`;
}

/** `wchs`: `N connections watching M paths`, `Total watches:T`, then a newline. */
export function wchs(context: FourLetterContext): string {
  const byConnection = dataWatchesByConnection(context);
  let total = 0;
  for (const paths of byConnection.values()) total += paths.length;
  return `${byConnection.size} connections watching ${dataWatchesByPath(context).size} paths\nTotal watches:${total}\n`;
}

/** `wchc`: each watching connection's session id, its paths indented by a tab, then a blank line. */
export function wchc(context: FourLetterContext): string {
  let out = '';
  for (const [connection, paths] of dataWatchesByConnection(context)) {
    out += `${sessionOf(context, connection)}\n`;
    for (const path of paths) out += `\t${path}\n`;
  }
  return `${out}\n`;
}

/** `wchp`: each watched path, the watching sessions indented by a tab, then a blank line. */
export function wchp(context: FourLetterContext): string {
  let out = '';
  for (const [path, connections] of dataWatchesByPath(context)) {
    out += `${path}\n`;
    for (const connection of connections) out += `\t${sessionOf(context, connection)}\n`;
  }
  return `${out}\n`;
}
