/**
 * TreeCache — a local copy of a subtree, kept current by one persistent watch on its root
 * (Curator's CuratorCache; kazoo's TreeCache): recursive, or with `maxDepth: 0` a plain
 * persistent watch, which reports the root's creation, deletion and data changes and nothing
 * of the subtree below. `start()` adds the watch, then reads the tree (getData + getChildren,
 * breadth first, down to `maxDepth`); every event of the watch then re-reads the node it names.
 * NodeCache and PathChildrenCache are this engine at depth 0 and 1. Changes are detected by zxids, never by `version`
 * (CURATOR-391), and reads applied in the order the server answered them, so a stale read
 * never overwrites newer data.
 *
 * Failure semantics:
 * - suspended: the cache keeps serving what it has, flagged `stale` (a `stale` event).
 * - reconnected (same session): ZooKeeper 3.8 does not replay to persistent watches the changes
 *   made while disconnected, so the whole tree is read again, the differences are emitted as
 *   `created`/`updated`/`deleted`, then one `resynced`; `stale` is cleared.
 * - lost / session expiry: still serving the last data, flagged `stale`; on the new session the
 *   watch is added again and the tree rebuilt the same way, then `resynced`.
 * - close(): removes the persistent watch (here and on the server), ends iterators, drops
 *   listeners and the cached data; idempotent. The client's close closes the cache.
 */
import type { ConnectionStateEvent, ZooKeeperClient } from '@zookit/client';
import { EventChannel } from '../internal/event-channel.js';
import { checkPath } from '../internal/paths.js';
import { PersistentWatcher, type PersistentWatcherEvent } from '../nodes/persistent-watcher.js';
import type { TreeCacheEvent } from './cache-event.js';
import { type CachedNode, depthBelow } from './cache-node.js';
import { Gate } from './gate.js';
import { NodeStore } from './node-store.js';
import { readNodes, readTree } from './tree-reader.js';

/** Options of a {@link TreeCache}. */
export interface TreeCacheOptions {
  /** Levels cached below the root (0: the root only; 1: it and its children). Default unbounded. */
  readonly maxDepth?: number;
  /**
   * Keep each node's data (default true). When false, nodes are read with `exists` and cached
   * with `data: null`; changes are still detected and reported from their Stat. (Nodes we may
   * not read are then cached too: `exists` needs no read permission.)
   */
  readonly cacheData?: boolean;
}

type RecipeState = 'latent' | 'started' | 'closed';

export class TreeCache implements AsyncDisposable {
  readonly path: string;
  readonly maxDepth: number;
  readonly cacheData: boolean;
  readonly #client: ZooKeeperClient;
  readonly #watcher: PersistentWatcher;
  readonly #channel = new EventChannel<TreeCacheEvent>();
  readonly #store: NodeStore;
  readonly #initialized = new Gate<void>();
  /** Paths named by watch events and not read since, in the order of their first event. */
  readonly #dirty = new Set<string>();
  /** Aborted by close(): reads in progress are abandoned (they change nothing on the server). */
  readonly #reads = new AbortController();
  #state: RecipeState = 'latent';
  #stale: 'suspended' | 'lost' | undefined;
  #syncWanted = false;
  /** Counts suspensions and losses: a read of the tree that spans one is not a resync. */
  #epoch = 0;
  #running = false;
  #unsubscribe: (() => void) | undefined;

  constructor(client: ZooKeeperClient, path: string, options: TreeCacheOptions = {}) {
    this.path = checkPath('path', path);
    this.maxDepth = options.maxDepth ?? Number.POSITIVE_INFINITY;
    if (!(this.maxDepth >= 0)) throw new RangeError(`maxDepth: expected a number >= 0, got ${String(this.maxDepth)}`);
    this.cacheData = options.cacheData ?? true;
    if (typeof this.cacheData !== 'boolean') {
      throw new TypeError(`cacheData: expected a boolean, got ${typeof this.cacheData}`);
    }
    this.#client = client;
    // At depth 0 a recursive watch would only add traffic: every change below the root would
    // be sent to us and dropped. A plain persistent watch reports exactly the root's own
    // NodeCreated / NodeDeleted / NodeDataChanged (and NodeChildrenChanged, ignored below).
    this.#watcher = new PersistentWatcher(client, path, { recursive: this.maxDepth > 0 });
    this.#store = new NodeStore(path, (event) => this.#channel.emit(event));
  }

  get state(): RecipeState {
    return this.#state;
  }

  /** True from a suspension or session loss until the next `resynced`: the data may be out of date. */
  get stale(): boolean {
    return this.#stale !== undefined;
  }

  /** Number of cached nodes. */
  get size(): number {
    return this.#store.size;
  }

  /** The cached node at `path` ({ path, data, stat }), or undefined. */
  get(path: string): CachedNode | undefined {
    return this.#store.get(path);
  }

  /** The cached node's child names, sorted, or undefined when the node is not cached. */
  children(path: string): string[] | undefined {
    return this.#store.children(path);
  }

  /** Every cached path. */
  paths(): string[] {
    return this.#store.paths();
  }

  /**
   * Adds the watch and loads the tree. Resolves after the `initialized` event (the root may
   * not exist: the cache is then empty and fills when it is created). Rejects with
   * `signal.reason` or when the cache closes first; the cache is then closed.
   */
  async start(options: { signal?: AbortSignal } = {}): Promise<void> {
    if (this.#state !== 'latent') throw new Error(`TreeCache ${this.path} cannot start: it is ${this.#state}`);
    this.#state = 'started';
    this.#unsubscribe = this.#client.onStateChange((e) => this.#onState(e));
    this.#watcher.on((e) => this.#onWatch(e));
    try {
      await this.#watcher.start(options);
      this.#syncWanted = true;
      this.#kick();
      await this.#initialized.wait(options.signal);
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  /** Calls `listener` with every event. Returns the unsubscribe function. */
  on(listener: (event: TreeCacheEvent) => void): () => void {
    return this.#channel.on(listener);
  }

  /** Events from now on; ends when the cache closes, rejects with `signal.reason`. */
  events(options: { signal?: AbortSignal } = {}): AsyncIterableIterator<TreeCacheEvent> {
    return this.#channel.iterate(options.signal);
  }

  /** Removes the watch, ends iterators, drops listeners and data. Idempotent. */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#unsubscribe?.();
    this.#channel.end();
    const closed = new Error(`TreeCache ${this.path} is closed`);
    this.#initialized.fail(closed);
    this.#reads.abort(closed);
    this.#dirty.clear();
    await this.#watcher.close();
    this.#store.clear();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  get #plan() {
    return { withData: this.cacheData, signal: this.#reads.signal };
  }

  #onState(e: ConnectionStateEvent): void {
    if (this.#state !== 'started') return;
    if (e.state === 'closed') {
      void this.close();
    } else if (e.state === 'suspended' || e.state === 'lost') {
      this.#epoch++;
      if (this.#stale === e.state || this.#stale === 'lost') return;
      this.#stale = e.state;
      this.#channel.emit({ type: 'stale', reason: e.state });
    }
  }

  #onWatch(event: PersistentWatcherEvent): void {
    if (this.#state !== 'started') return;
    if (event.type === 'Reset') {
      this.#syncWanted = true;
      this.#kick();
    } else if (event.type === 'NodeCreated' || event.type === 'NodeDeleted' || event.type === 'NodeDataChanged') {
      // NodeChildrenChanged is ignored: a recursive watch never sends it (the children's own
      // events cover it), and the plain watch of depth 0 caches no child list.
      if (depthBelow(this.path, event.path) > this.maxDepth) return;
      this.#dirty.add(event.path);
      this.#kick();
    }
  }

  /**
   * Runs the reader loop unless it runs already. It stops at a connection or session loss
   * (in-flight reads failed) and starts again on the watcher's reset, with a full read: one
   * `resynced` per reconnection.
   */
  #kick(): void {
    if (this.#running || this.#state !== 'started') return;
    this.#running = true;
    void this.#drain()
      .catch(() => {
        this.#syncWanted = true;
      })
      .finally(() => {
        this.#running = false;
        // Work that arrived while the loop was ending.
        if (!this.#syncWanted && this.#dirty.size > 0) this.#kick();
      });
  }

  async #drain(): Promise<void> {
    while (this.#state === 'started') {
      if (this.#syncWanted) {
        this.#syncWanted = false;
        await this.#sync();
        continue;
      }
      if (this.#dirty.size === 0) return;
      const batch = [...this.#dirty];
      this.#dirty.clear();
      let reads: Awaited<ReturnType<typeof readNodes>>;
      try {
        reads = await readNodes(this.#client, batch, { ...this.#plan, withChildren: () => false });
      } catch (err) {
        for (const path of batch) this.#dirty.add(path);
        throw err;
      }
      if (this.#state !== 'started') return;
      batch.forEach((path, i) => {
        const read = reads[i];
        if (read) this.#store.put(read.node);
        else this.#store.remove(path);
      });
    }
  }

  /** Reads the whole tree and reports the differences; `initialized` the first time, then `resynced`. */
  async #sync(): Promise<void> {
    // Events seen so far are covered by this read; later ones stay queued.
    this.#dirty.clear();
    const epoch = this.#epoch;
    const tree = await readTree(this.#client, this.path, this.maxDepth, this.#plan);
    if (this.#state !== 'started') return;
    this.#store.replaceAll(tree);
    // Read partly before a disconnect: the data is applied, but the watcher's reset on the
    // reconnection asks for another read, and that one completes the resync.
    if (epoch !== this.#epoch) return;
    this.#stale = undefined;
    if (this.#initialized.settled) {
      this.#channel.emit({ type: 'resynced' });
    } else {
      this.#channel.emit({ type: 'initialized' });
      this.#initialized.open();
    }
  }
}
