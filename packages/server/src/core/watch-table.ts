import { EventType, WatcherType } from '@zookit/protocol';
import type { Trigger } from './write-context.js';

/** Per (connection, path): which kinds of watch the connection holds (ZooKeeper master: modes are additive). */
interface Marks {
  data: boolean;
  child: boolean;
  persistent: boolean;
  recursive: boolean;
}

/** One notification to send: connection, event type, path. */
export interface Notification {
  readonly connection: number;
  readonly type: number;
  readonly path: string;
}

/**
 * The server's watches, keyed by connection id. One-shot data/exist watches and child watches
 * are consumed when they fire; persistent watches fire for their node (data, existence and
 * children); persistent-recursive watches fire for their node and every descendant, never with
 * NodeChildrenChanged. A connection receives one event per trigger however many of its watches
 * match (ZooKeeper's dedupe by watcher).
 */
export class WatchTable {
  readonly #byPath = new Map<string, Map<number, Marks>>();
  readonly #recursivePaths = new Map<string, number>();

  #marks(path: string, connection: number, create: boolean): Marks | undefined {
    let conns = this.#byPath.get(path);
    if (!conns) {
      if (!create) return undefined;
      conns = new Map();
      this.#byPath.set(path, conns);
    }
    let marks = conns.get(connection);
    if (!marks && create) {
      marks = { data: false, child: false, persistent: false, recursive: false };
      conns.set(connection, marks);
    }
    return marks;
  }

  #prune(path: string, connection: number): void {
    const conns = this.#byPath.get(path);
    const marks = conns?.get(connection);
    if (!conns || !marks) return;
    if (!marks.data && !marks.child && !marks.persistent && !marks.recursive) conns.delete(connection);
    if (conns.size === 0) this.#byPath.delete(path);
  }

  /** A one-shot watch from exists/getData (`data`) or getChildren (`child`). */
  addStandard(connection: number, path: string, kind: 'data' | 'child'): void {
    (this.#marks(path, connection, true) as Marks)[kind] = true;
  }

  /** addWatch: a persistent or persistent-recursive watch. */
  addPersistent(connection: number, path: string, recursive: boolean): void {
    const marks = this.#marks(path, connection, true) as Marks;
    if (recursive) {
      if (!marks.recursive) this.#recursivePaths.set(path, (this.#recursivePaths.get(path) ?? 0) + 1);
      marks.recursive = true;
    } else {
      marks.persistent = true;
    }
  }

  /** Whether `connection` holds a watch of WatcherType `type` on `path` (checkWatches). */
  has(connection: number, path: string, type: number): boolean {
    const m = this.#marks(path, connection, false);
    if (!m) return false;
    switch (type) {
      case WatcherType.Children:
        return m.child;
      case WatcherType.Data:
        return m.data;
      case WatcherType.Persistent:
        return m.persistent;
      case WatcherType.PersistentRecursive:
        return m.recursive;
      default:
        return m.data || m.child || m.persistent || m.recursive;
    }
  }

  /** Removes `connection`'s watches of WatcherType `type` on `path`; returns whether any was removed. */
  remove(connection: number, path: string, type: number): boolean {
    const m = this.#marks(path, connection, false);
    if (!m || !this.has(connection, path, type)) return false;
    const any = type === WatcherType.Any;
    if (any || type === WatcherType.Children) m.child = false;
    if (any || type === WatcherType.Data) m.data = false;
    if (any || type === WatcherType.Persistent) m.persistent = false;
    if ((any || type === WatcherType.PersistentRecursive) && m.recursive) {
      m.recursive = false;
      this.#dropRecursive(path);
    }
    this.#prune(path, connection);
    return true;
  }

  /** Drops every watch of a closed connection. */
  removeConnection(connection: number): void {
    for (const [path, conns] of [...this.#byPath]) {
      const m = conns.get(connection);
      if (!m) continue;
      if (m.recursive) this.#dropRecursive(path);
      conns.delete(connection);
      if (conns.size === 0) this.#byPath.delete(path);
    }
  }

  #dropRecursive(path: string): void {
    const n = (this.#recursivePaths.get(path) ?? 1) - 1;
    if (n <= 0) this.#recursivePaths.delete(path);
    else this.#recursivePaths.set(path, n);
  }

  /**
   * The notifications a write's triggers produce, consuming one-shot watches. `canRead` filters
   * out connections without READ on the node (CVE-2024-23944).
   */
  fire(triggers: readonly Trigger[], canRead: (connection: number, trigger: Trigger) => boolean): Notification[] {
    const out: Notification[] = [];
    for (const t of triggers) {
      const type = eventTypeOf(t.kind);
      const reached = new Set<number>();
      const dataSide = t.kind !== 'childrenChanged';
      const childSide = t.kind === 'childrenChanged' || t.kind === 'deleted';
      const conns = this.#byPath.get(t.path);
      for (const [connection, m] of conns ?? []) {
        let hit = m.persistent;
        if (dataSide && m.data) {
          m.data = false;
          hit = true;
        }
        if (childSide && m.child) {
          m.child = false;
          hit = true;
        }
        if (hit) reached.add(connection);
      }
      for (const connection of [...(conns?.keys() ?? [])]) this.#prune(t.path, connection);
      if (dataSide && this.#recursivePaths.size > 0) {
        for (let p = t.path; ; p = parentOf(p)) {
          if (this.#recursivePaths.has(p)) {
            for (const [connection, m] of this.#byPath.get(p) ?? []) if (m.recursive) reached.add(connection);
          }
          if (p === '/') break;
        }
      }
      for (const connection of reached) {
        if (canRead(connection, t)) out.push({ connection, type, path: t.path });
      }
    }
    return out;
  }

  /** Paths watched per connection, for wchc (`data`/`child` marks flattened). */
  byConnection(): Map<number, string[]> {
    const out = new Map<number, string[]>();
    for (const [path, conns] of this.#byPath) {
      for (const connection of conns.keys()) {
        const paths = out.get(connection);
        if (paths) paths.push(path);
        else out.set(connection, [path]);
      }
    }
    return out;
  }

  /** Connections per watched path, for wchp. */
  byPath(): Map<string, number[]> {
    return new Map([...this.#byPath].map(([path, conns]) => [path, [...conns.keys()]]));
  }

  /** Number of (connection, path) watch registrations (wchs "Total watches"). */
  get size(): number {
    let n = 0;
    for (const conns of this.#byPath.values()) n += conns.size;
    return n;
  }
}

function eventTypeOf(kind: Trigger['kind']): number {
  switch (kind) {
    case 'created':
      return EventType.NodeCreated;
    case 'deleted':
      return EventType.NodeDeleted;
    case 'dataChanged':
      return EventType.NodeDataChanged;
    default:
      return EventType.NodeChildrenChanged;
  }
}

function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}
