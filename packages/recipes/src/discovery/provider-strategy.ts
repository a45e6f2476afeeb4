/**
 * How a ServiceProvider picks one instance among the usable ones (Curator's ProviderStrategy).
 * A strategy sees the instances after the provider's filters, in the cache's order (by node
 * name), and returns null only when there are none. Strategies hold their own state (a
 * position, a remembered instance): give each provider its own.
 */
import type { ServiceInstance } from './service-instance.js';

export interface ProviderStrategy<P = unknown> {
  pick(instances: readonly ServiceInstance<P>[]): ServiceInstance<P> | null;
}

/** A uniformly random instance on every pick. `random` is injectable (default Math.random). */
export function randomStrategy<P = unknown>(random: () => number = Math.random): ProviderStrategy<P> {
  return {
    pick: (instances) => (instances.length === 0 ? null : (instances[Math.floor(random() * instances.length)] ?? null)),
  };
}

/** Each pick the next instance, wrapping around; the position survives changes of the list. */
export function roundRobinStrategy<P = unknown>(): ProviderStrategy<P> {
  let next = 0;
  return {
    pick: (instances) => {
      if (instances.length === 0) return null;
      const instance = instances[next % instances.length] ?? null;
      next = (next + 1) % Number.MAX_SAFE_INTEGER;
      return instance;
    },
  };
}

/**
 * The same instance (same id) for as long as it stays usable; when it goes, `master` picks a
 * new one. `switches` counts the picks made by `master` (Curator's getInstanceNumber).
 */
export function stickyStrategy<P = unknown>(
  master: ProviderStrategy<P> = randomStrategy<P>(),
): ProviderStrategy<P> & { readonly switches: number } {
  let ours: ServiceInstance<P> | null = null;
  let switches = 0;
  return {
    get switches() {
      return switches;
    },
    pick: (instances) => {
      const still = ours === null ? undefined : instances.find((i) => i.id === ours?.id);
      if (still) {
        ours = still;
        return still;
      }
      ours = master.pick(instances);
      if (ours !== null) switches++;
      return ours;
    },
  };
}
