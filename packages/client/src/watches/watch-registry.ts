import { EventType } from '@zookit/protocol';
import type { WatchEvent, WatchEventType, Watcher } from './watch-event.js';

/** The five kinds of registration ZooKeeper keeps per connection and path. */
export type WatchKind = 'data' | 'exist' | 'child' | 'persistent' | 'persistentRecursive';

const serverEventNames = new Map<number, WatchEventType>([
  [EventType.NodeCreated, 'NodeCreated'],
  [EventType.NodeDeleted, 'NodeDeleted'],
  [EventType.NodeDataChanged, 'NodeDataChanged'],
  [EventType.NodeChildrenChanged, 'NodeChildrenChanged'],
]);

/** The {@link WatchEventType} of a server event type, or `undefined` for one a server must not send. */
export function watchEventTypeOf(type: number): WatchEventType | undefined {
  return serverEventNames.get(type);
}

/**
 * The client side of watches: which watchers wait on which (kind, path), keyed by server path
 * (with chroot). Decides who an event reaches exactly as ZooKeeper's client does: one-shot
 * watches are removed when they fire, persistent ones stay, recursive ones match descendants
 * (never for NodeChildrenChanged), and a watcher registered several ways fires once per event.
 */
export class WatchRegistry {
  readonly #maps: Record<WatchKind, Map<string, Set<Watcher>>> = {
    data: new Map(),
    exist: new Map(),
    child: new Map(),
    persistent: new Map(),
    persistentRecursive: new Map(),
  };

  add(kind: WatchKind, path: string, watcher: Watcher): void {
    const map = this.#maps[kind];
    let set = map.get(path);
    if (!set) {
      set = new Set();
      map.set(path, set);
    }
    set.add(watcher);
  }

  readonly #pending = new Map<string, number>();

  /**
   * Notes a request that will register a `kind` watch on `path` when its reply arrives. Until
   * then the server already holds (or is about to hold) the watch, so removing the path's
   * watches on the server would silently drop it: see {@link hasPending}.
   */
  beginPending(kind: WatchKind, path: string): void {
    const key = `${kind}\u0000${path}`;
    this.#pending.set(key, (this.#pending.get(key) ?? 0) + 1);
  }

  endPending(kind: WatchKind, path: string): void {
    const key = `${kind}\u0000${path}`;
    const n = (this.#pending.get(key) ?? 1) - 1;
    if (n <= 0) this.#pending.delete(key);
    else this.#pending.set(key, n);
  }

  /** Whether a watch request of `kind` on `path` is in flight. */
  hasPending(kind: WatchKind, path: string): boolean {
    return this.#pending.has(`${kind}\u0000${path}`);
  }

  /** Removes one watcher (or all, without `watcher`) of `kind` at `path`; returns those removed. */
  remove(kind: WatchKind, path: string, watcher?: Watcher): Watcher[] {
    const map = this.#maps[kind];
    const set = map.get(path);
    if (!set) return [];
    if (watcher === undefined) {
      map.delete(path);
      return [...set];
    }
    if (!set.delete(watcher)) return [];
    if (set.size === 0) map.delete(path);
    return [watcher];
  }

  has(kind: WatchKind, path: string, watcher?: Watcher): boolean {
    const set = this.#maps[kind].get(path);
    return set !== undefined && (watcher === undefined || set.has(watcher));
  }

  /** Paths with at least one watcher of `kind`. */
  paths(kind: WatchKind): string[] {
    return [...this.#maps[kind].keys()];
  }

  /** Number of (kind, path, watcher) registrations; 0 means nothing is left to leak. */
  get size(): number {
    let n = 0;
    for (const map of Object.values(this.#maps)) for (const set of map.values()) n += set.size;
    return n;
  }

  /**
   * The watchers a server event reaches, each once; one-shot registrations it consumes are
   * removed. `path` is the server path.
   */
  materialize(type: WatchEventType, path: string): Watcher[] {
    const out = new Set<Watcher>();
    const take = (kind: WatchKind) => {
      for (const w of this.remove(kind, path)) out.add(w);
    };
    switch (type) {
      case 'NodeCreated':
      case 'NodeDataChanged':
        take('data');
        take('exist');
        break;
      case 'NodeChildrenChanged':
        take('child');
        break;
      case 'NodeDeleted':
        take('data');
        take('exist');
        take('child');
        break;
      default:
        break;
    }
    for (const w of this.#maps.persistent.get(path) ?? []) out.add(w);
    if (type !== 'NodeChildrenChanged') {
      for (let p = path; ; p = parentOf(p)) {
        for (const w of this.#maps.persistentRecursive.get(p) ?? []) out.add(w);
        if (p === '/') break;
      }
    }
    return [...out];
  }

  /**
   * Removes every registration (for session loss and close) and returns, per path, each
   * watcher once however many ways it was registered there.
   */
  drainByPath(): Map<string, Watcher[]> {
    const byPath = new Map<string, Set<Watcher>>();
    for (const map of Object.values(this.#maps)) {
      for (const [path, set] of map) {
        const out = byPath.get(path) ?? new Set<Watcher>();
        byPath.set(path, out);
        for (const w of set) out.add(w);
      }
      map.clear();
    }
    return new Map([...byPath].map(([path, set]) => [path, [...set]]));
  }
}

function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/** Delivers `event` to each watcher; a throwing watcher is reported and does not stop the others. */
export function deliver(watchers: readonly Watcher[], event: WatchEvent, onError: (err: unknown) => void): void {
  for (const w of watchers) {
    try {
      w(event);
    } catch (err) {
      onError(err);
    }
  }
}
