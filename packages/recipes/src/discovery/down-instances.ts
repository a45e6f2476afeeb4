/**
 * DownInstances — the provider's memory of instances reported failing (Curator's
 * DownInstanceManager): after `errorThreshold` errors noted for an instance it is hidden from
 * picks until `timeoutMs` after its first noted error; then it is forgotten (its count starts
 * again). Instances are told apart by name and id. In memory, per provider; never shared.
 */
import type { ServiceInstance } from './service-instance.js';

/** When a ServiceProvider hides an instance after `noteError` (Curator's DownInstancePolicy). */
export interface DownInstancePolicy {
  /** How long an instance stays hidden, from its first error, in ms. Default 30 000. */
  readonly timeoutMs?: number;
  /** Errors after which it is hidden. Default 2. */
  readonly errorThreshold?: number;
}

export class DownInstances {
  readonly timeoutMs: number;
  readonly errorThreshold: number;
  readonly #now: () => number;
  readonly #errors = new Map<string, { since: number; count: number }>();

  constructor(policy: DownInstancePolicy = {}, now: () => number = Date.now) {
    this.timeoutMs = policy.timeoutMs ?? 30_000;
    this.errorThreshold = policy.errorThreshold ?? 2;
    if (!(Number.isFinite(this.timeoutMs) && this.timeoutMs >= 0)) {
      throw new RangeError('downInstancePolicy.timeoutMs: expected a number of ms >= 0');
    }
    if (!(Number.isInteger(this.errorThreshold) && this.errorThreshold >= 1)) {
      throw new RangeError('downInstancePolicy.errorThreshold: expected an integer >= 1');
    }
    this.#now = now;
  }

  /** Notes one error of `instance`. */
  add(instance: ServiceInstance<unknown>): void {
    this.#purge();
    const key = keyOf(instance);
    const entry = this.#errors.get(key) ?? { since: this.#now(), count: 0 };
    entry.count++;
    this.#errors.set(key, entry);
  }

  /** Whether `instance` may be picked (fewer than `errorThreshold` errors in its window). */
  isUp(instance: ServiceInstance<unknown>): boolean {
    this.#purge();
    return (this.#errors.get(keyOf(instance))?.count ?? 0) < this.errorThreshold;
  }

  #purge(): void {
    const now = this.#now();
    for (const [key, { since }] of this.#errors) if (now - since >= this.timeoutMs) this.#errors.delete(key);
  }
}

function keyOf(instance: ServiceInstance<unknown>): string {
  return `${instance.name}/${instance.id}`;
}
