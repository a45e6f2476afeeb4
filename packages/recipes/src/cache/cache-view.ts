import type { ZooKeeperClient } from '@zookit/client';
import { EventChannel } from '../internal/event-channel.js';
import type { TreeCacheEvent } from './cache-event.js';
import { TreeCache, type TreeCacheOptions } from './tree-cache.js';

type RecipeState = 'latent' | 'started' | 'closed';

/**
 * The shared body of the caches that show a part of a {@link TreeCache} (NodeCache,
 * PathChildrenCache, ServiceCache): the lifecycle, the `stale` flag and the events, translated
 * from the engine's by `translate` (`undefined` for an event the view does not report). Failure
 * semantics are the engine's.
 */
export abstract class CacheView<E> implements AsyncDisposable {
  readonly path: string;
  protected readonly cache: TreeCache;
  readonly #channel = new EventChannel<E>();
  readonly #name: string;
  readonly #client: ZooKeeperClient;
  #state: RecipeState = 'latent';
  #unsubscribe: (() => void) | undefined;

  protected constructor(name: string, client: ZooKeeperClient, path: string, options: TreeCacheOptions) {
    this.#name = name;
    this.#client = client;
    this.cache = new TreeCache(client, path, options);
    this.path = this.cache.path;
    this.cache.on((event) => {
      const translated = this.translate(event);
      if (translated !== undefined) this.#channel.emit(translated);
    });
  }

  get state(): RecipeState {
    return this.#state;
  }

  /** True from a suspension or session loss until the next `resynced`: the view may be out of date. */
  get stale(): boolean {
    return this.cache.stale;
  }

  /**
   * Adds the watch and reads what the view shows; resolves once it is loaded (the node may not
   * exist yet: the view is then empty and fills when it is created). Rejects with
   * `signal.reason` or when the view closes first; it is then closed, leaving no watch.
   */
  async start(options: { signal?: AbortSignal } = {}): Promise<void> {
    if (this.#state !== 'latent') throw new Error(`${this.#name} ${this.path} cannot start: it is ${this.#state}`);
    this.#state = 'started';
    // The engine closes itself when the client closes; the view must end its iterators too.
    this.#unsubscribe = this.#client.onStateChange((e) => {
      if (e.state === 'closed') void this.close();
    });
    try {
      await this.cache.start(options);
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  /** Calls `listener` with every event. Returns the unsubscribe function. */
  on(listener: (event: E) => void): () => void {
    return this.#channel.on(listener);
  }

  /** Events from now on; ends when the view closes, rejects with `signal.reason`. */
  events(options: { signal?: AbortSignal } = {}): AsyncIterableIterator<E> {
    return this.#channel.iterate(options.signal);
  }

  /** Removes the watch (here and on the server), ends iterators, drops listeners and data. Idempotent. */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#unsubscribe?.();
    this.#channel.end();
    await this.cache.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** The view's event for an event of the engine, or undefined when the view does not report it. */
  protected abstract translate(event: TreeCacheEvent): E | undefined;
}
