/**
 * ServiceProvider — picks an instance of one service to call (Curator's ServiceProvider): a
 * {@link ServiceCache} of the service, filtered (disabled instances, instances noted down, then
 * the caller's filters), and a {@link ProviderStrategy} over what is left. `noteError` reports
 * a failed call; see {@link DownInstancePolicy}.
 *
 * Failure semantics: those of its ServiceCache (on a suspended connection or a lost session it
 * keeps picking among the last instances seen). close() closes the cache; idempotent.
 */
import type { ZooKeeperClient } from '@zookit/client';
import { type DownInstancePolicy, DownInstances } from './down-instances.js';
import { type ProviderStrategy, randomStrategy, roundRobinStrategy, stickyStrategy } from './provider-strategy.js';
import { ServiceCache } from './service-cache.js';
import type { ServiceInstance } from './service-instance.js';

/** Options of a {@link ServiceProvider}. */
export interface ServiceProviderOptions<P = unknown> {
  /** A strategy, or the name of a built-in one (`sticky` over random). Default `round-robin`. */
  readonly strategy?: ProviderStrategy<P> | 'random' | 'round-robin' | 'sticky';
  /** Instances a filter returns false for are never picked. */
  readonly filters?: readonly ((instance: ServiceInstance<P>) => boolean)[];
  readonly downInstancePolicy?: DownInstancePolicy;
}

/**
 * Internal option for tests (not exported from the package): the clock of the down-instance
 * policy, so that a test moves time instead of sleeping.
 */
const providerClock: unique symbol = Symbol.for('@zookit/recipes/service-provider-clock');

export class ServiceProvider<P = unknown> implements AsyncDisposable {
  readonly cache: ServiceCache<P>;
  readonly #strategy: ProviderStrategy<P>;
  readonly #filters: readonly ((instance: ServiceInstance<P>) => boolean)[];
  readonly #down: DownInstances;

  constructor(client: ZooKeeperClient, basePath: string, name: string, options: ServiceProviderOptions<P> = {}) {
    this.#strategy = strategyOf(options.strategy ?? 'round-robin');
    const filters = options.filters ?? [];
    if (!Array.isArray(filters) || filters.some((f) => typeof f !== 'function')) {
      throw new TypeError('filters: expected an array of functions');
    }
    this.#filters = filters;
    const now = (options as { [providerClock]?: () => number })[providerClock];
    this.#down = new DownInstances(options.downInstancePolicy, now);
    this.cache = new ServiceCache<P>(client, basePath, name);
  }

  get state(): 'latent' | 'started' | 'closed' {
    return this.cache.state;
  }

  /** Loads the instances (the cache's start). Rejects with `signal.reason`; the provider is then closed. */
  start(options: { signal?: AbortSignal } = {}): Promise<void> {
    return this.cache.start(options);
  }

  /** An instance to use, or null when none is usable (none registered, all disabled, down or filtered). */
  getInstance(): ServiceInstance<P> | null {
    return this.#strategy.pick(this.getAllInstances());
  }

  /**
   * The usable instances: the cache's, without disabled ones, those noted down and those a
   * filter rejects (as Curator's getAllInstances). `cache.instances()` has them all.
   */
  getAllInstances(): ServiceInstance<P>[] {
    if (this.cache.state !== 'started') throw new Error(`ServiceProvider ${this.cache.name} is ${this.cache.state}`);
    return this.cache
      .instances()
      .filter((i) => i.enabled && this.#down.isUp(i) && this.#filters.every((keep) => keep(i)));
  }

  /** Reports a failed call to `instance`: after the policy's threshold it is hidden for a while. */
  noteError(instance: ServiceInstance<P>): void {
    this.#down.add(instance);
  }

  /** Closes the cache. Idempotent. */
  close(): Promise<void> {
    return this.cache.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

function strategyOf<P>(strategy: ServiceProviderOptions<P>['strategy']): ProviderStrategy<P> {
  if (strategy === 'random') return randomStrategy<P>();
  if (strategy === 'round-robin') return roundRobinStrategy<P>();
  if (strategy === 'sticky') return stickyStrategy<P>();
  if (typeof strategy === 'object' && strategy !== null && typeof strategy.pick === 'function') return strategy;
  throw new TypeError(
    `strategy: expected 'random', 'round-robin', 'sticky' or { pick(instances) }, got ${JSON.stringify(strategy)}`,
  );
}
