/**
 * ServiceCache — a live view of one service's instances (`<basePath>/<name>/*`), as Curator's
 * ServiceCache: the children of the service's node (the PathChildrenCache engine), each child decoded
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
import { CacheView } from '../cache/cache-view.js';
import { childEvent } from '../cache/path-children-cache.js';
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

export class ServiceCache<P = unknown> extends CacheView<ServiceCacheEvent<P>> {
  readonly basePath: string;
  readonly name: string;
  /** Node name → instance, for the children that decode. */
  readonly #instances = new Map<string, ServiceInstance<P>>();

  constructor(client: ZooKeeperClient, basePath: string, name: string) {
    checkPath('basePath', basePath);
    if (typeof name !== 'string' || name === '' || name.includes('/')) {
      throw new TypeError(`name: expected a service name (a znode name), got ${JSON.stringify(name)}`);
    }
    super('ServiceCache', client, childPath(basePath, name), { maxDepth: 1 });
    this.basePath = basePath;
    this.name = name;
  }

  /** The instances as last seen, ordered by node name. */
  instances(): ServiceInstance<P>[] {
    return [...this.#instances.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, i]) => i);
  }

  /** Removes the watch, ends iterators, drops listeners and instances. Idempotent. */
  override async close(): Promise<void> {
    await super.close();
    this.#instances.clear();
  }

  protected translate(event: TreeCacheEvent): ServiceCacheEvent<P> | undefined {
    const child = childEvent(event, this.path);
    if (child === undefined) return undefined;
    if (!('name' in child)) return child; // initialized, stale, resynced
    const previous = this.#instances.get(child.name);
    const current = child.type === 'childRemoved' ? undefined : decodeOrUndefined<P>(child.node.data);
    if (current) this.#instances.set(child.name, current);
    else this.#instances.delete(child.name);
    if (current && previous) return { type: 'updated', instance: current, previous };
    if (current) return { type: 'added', instance: current };
    if (previous) return { type: 'removed', instance: previous };
    return undefined;
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
