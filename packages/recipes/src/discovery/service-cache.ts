/**
 * ServiceCache — a live view of one service's instances (`<basePath>/<name>/*`), as Curator's
 * ServiceCache: a {@link TreeCache} with `maxDepth` 1 on the service's node, each child decoded
 * as a {@link ServiceInstance}. Instance data changes are seen (the tree cache watches data too).
 * A child whose data is not an instance is left out of the view (and reported as removed if it
 * was an instance before). The service node may not exist yet: the view is then empty and
 * fills when instances register.
 *
 * Failure semantics (those of the TreeCache):
 * - suspended / lost: the view keeps its last instances, flagged `stale` (a `stale` event).
 * - reconnected, or a new session: the children are read again, the differences reported as
 *   `added` / `updated` / `removed`, then one `resynced`.
 * - close(): removes its watch, ends iterators, drops listeners and the view; idempotent. The
 *   client's close closes the cache.
 */
import type { ZooKeeperClient } from '@zookit/client';
import type { TreeCacheEvent } from '../cache/cache-event.js';
import { childPath } from '../cache/cache-node.js';
import { TreeCache } from '../cache/tree-cache.js';
import { EventChannel } from '../internal/event-channel.js';
import { checkPath } from '../internal/paths.js';
import { decodeServiceInstance, type ServiceInstance } from './service-instance.js';

/**
 * A change of the view, in order. `added` / `updated` / `removed` carry the instance (for
 * `removed`, its last known state); `initialized` once after the first load (whose instances
 * are `added` before it); `stale` and `resynced` as the TreeCache's.
 */
export type ServiceCacheEvent<P = unknown> =
  | { readonly type: 'added'; readonly instance: ServiceInstance<P> }
  | { readonly type: 'updated'; readonly instance: ServiceInstance<P>; readonly previous: ServiceInstance<P> }
  | { readonly type: 'removed'; readonly instance: ServiceInstance<P> }
  | { readonly type: 'initialized' | 'resynced' }
  | { readonly type: 'stale'; readonly reason: 'suspended' | 'lost' };

type RecipeState = 'latent' | 'started' | 'closed';

export class ServiceCache<P = unknown> implements AsyncDisposable {
  readonly basePath: string;
  readonly name: string;
  readonly #servicePath: string;
  readonly #cache: TreeCache;
  readonly #channel = new EventChannel<ServiceCacheEvent<P>>();
  /** Node name → instance, for the children that decode. */
  readonly #instances = new Map<string, ServiceInstance<P>>();

  constructor(client: ZooKeeperClient, basePath: string, name: string) {
    this.basePath = checkPath('basePath', basePath);
    if (typeof name !== 'string' || name === '' || name.includes('/')) {
      throw new TypeError(`name: expected a service name (a znode name), got ${JSON.stringify(name)}`);
    }
    this.name = name;
    this.#servicePath = childPath(basePath, name);
    this.#cache = new TreeCache(client, this.#servicePath, { maxDepth: 1 });
    this.#cache.on((event) => this.#apply(event));
  }

  get state(): RecipeState {
    return this.#cache.state;
  }

  /** True from a suspension or session loss until the next `resynced`. */
  get stale(): boolean {
    return this.#cache.stale;
  }

  /**
   * Loads the instances. Resolves after `initialized`; rejects with `signal.reason` or when the
   * cache closes first (it is then closed).
   */
  start(options: { signal?: AbortSignal } = {}): Promise<void> {
    return this.#cache.start(options);
  }

  /** The instances as last seen, ordered by node name. */
  instances(): ServiceInstance<P>[] {
    return [...this.#instances.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, i]) => i);
  }

  /** Calls `listener` with every change. Returns the unsubscribe function. */
  on(listener: (event: ServiceCacheEvent<P>) => void): () => void {
    return this.#channel.on(listener);
  }

  /** Changes from now on; ends when the cache closes, rejects with `signal.reason`. */
  events(options: { signal?: AbortSignal } = {}): AsyncIterableIterator<ServiceCacheEvent<P>> {
    return this.#channel.iterate(options.signal);
  }

  /** Removes the watch, ends iterators, drops listeners and instances. Idempotent. */
  async close(): Promise<void> {
    this.#channel.end();
    await this.#cache.close();
    this.#instances.clear();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #apply(event: TreeCacheEvent): void {
    switch (event.type) {
      case 'created':
      case 'updated':
      case 'deleted': {
        if (event.path === this.#servicePath) return;
        const key = event.path.slice(event.path.lastIndexOf('/') + 1);
        const previous = this.#instances.get(key);
        const current = event.type === 'deleted' ? undefined : decodeOrUndefined<P>(event.node.data);
        if (current) this.#instances.set(key, current);
        else this.#instances.delete(key);
        if (current && previous) this.#channel.emit({ type: 'updated', instance: current, previous });
        else if (current) this.#channel.emit({ type: 'added', instance: current });
        else if (previous) this.#channel.emit({ type: 'removed', instance: previous });
        return;
      }
      case 'stale':
        this.#channel.emit({ type: 'stale', reason: event.reason });
        return;
      default:
        this.#channel.emit({ type: event.type });
    }
  }
}

function decodeOrUndefined<P>(data: Buffer | null): ServiceInstance<P> | undefined {
  try {
    return decodeServiceInstance(data) as ServiceInstance<P>;
  } catch {
    // Not an instance (another tool's node): not part of the view.
    return undefined;
  }
}
