/**
 * ServiceDiscovery — registers this process's service instances under `<basePath>/<name>/<id>`
 * and queries every registered instance, with curator-x-discovery's layout and JSON (see
 * service-instance.ts), so Java services using Curator and Node services using zookit see each
 * other. Each registered DYNAMIC, DYNAMIC_SEQUENTIAL or STATIC instance is kept by a
 * {@link PersistentNode}; PERMANENT instances are written once and not tracked.
 *
 * Differences from Curator, on purpose: a DYNAMIC_SEQUENTIAL node is protected
 * (`_c_<uuid>-<id>NNNNNNNNNN` instead of `<id>NNNNNNNNNN`; readers go by the JSON, not the
 * name); a PERMANENT instance is neither re-created nor deleted on close (CURATOR-94).
 *
 * Failure semantics:
 * - suspended: registrations live as long as the session; updates and registrations wait for
 *   the connection.
 * - reconnected (same session): every registered node is checked and re-created if deleted.
 * - lost / session expiry: on the new session every registered DYNAMIC instance is created
 *   again, exactly once, with its latest data (`updateService` is kept for that, CURATOR-181).
 * - unregister racing a reconnection: the instance leaves the local registry before its node is
 *   deleted, so no re-registration can bring it back (CURATOR-164).
 * - close(): unregisters (deletes) every tracked instance, closes the caches and providers made
 *   by {@link serviceCache} / {@link serviceProvider}; PERMANENT nodes stay. Idempotent. The
 *   client's close ends the registrations (their ephemerals go with the session).
 */
import { NodeExistsError, NoNodeError, type ZooKeeperClient } from '@zookit/client';
import { childPath } from '../cache/cache-node.js';
import { checkPath, ensureParents } from '../internal/paths.js';
import { PersistentNode, type PersistentNodeMode } from '../nodes/persistent-node.js';
import { ServiceCache } from './service-cache.js';
import {
  checkServiceInstance,
  decodeServiceInstance,
  encodeServiceInstance,
  type ServiceInstance,
  ServiceInstanceFormatError,
  type ServiceType,
} from './service-instance.js';
import { ServiceProvider, type ServiceProviderOptions } from './service-provider.js';

/** Options of a {@link ServiceDiscovery}. */
export interface ServiceDiscoveryOptions {
  /** The parent of every service's node, e.g. `/services` (Curator's basePath). */
  readonly basePath: string;
}

interface Registration {
  instance: ServiceInstance<unknown>;
  readonly node: PersistentNode;
}

type RecipeState = 'latent' | 'started' | 'closed';

const NODE_MODE: Readonly<Record<Exclude<ServiceType, 'PERMANENT'>, PersistentNodeMode>> = {
  DYNAMIC: 'ephemeral',
  DYNAMIC_SEQUENTIAL: 'ephemeral-sequential',
  STATIC: 'persistent',
};

export class ServiceDiscovery<P = unknown> implements AsyncDisposable {
  readonly basePath: string;
  readonly #client: ZooKeeperClient;
  /** By instance id, as Curator keys its registry. */
  readonly #registered = new Map<string, Registration>();
  readonly #opened = new Set<{ close(): Promise<void> }>();
  #state: RecipeState = 'latent';
  #unsubscribe: (() => void) | undefined;

  constructor(client: ZooKeeperClient, options: ServiceDiscoveryOptions) {
    if (typeof options !== 'object' || options === null) throw new TypeError('options: expected { basePath }');
    this.basePath = checkPath('basePath', options.basePath);
    this.#client = client;
  }

  get state(): RecipeState {
    return this.#state;
  }

  /** Starts the discovery (registrations are possible from now on). */
  start(): void {
    if (this.#state !== 'latent')
      throw new Error(`ServiceDiscovery ${this.basePath} cannot start: it is ${this.#state}`);
    this.#state = 'started';
    this.#unsubscribe = this.#client.onStateChange((e) => {
      if (e.state === 'closed') void this.close();
    });
  }

  /** The instances registered by this discovery (PERMANENT ones excepted), with their latest data. */
  registered(): ServiceInstance<P>[] {
    return [...this.#registered.values()].map((r) => r.instance as ServiceInstance<P>);
  }

  /**
   * Registers `instance`; resolves once its node exists. A node already at its path that this
   * session does not own (a previous process's registration whose session has not expired yet)
   * is deleted first, so watchers see the new registration, as Curator does. Registering an id
   * already registered here updates it. Rejects with `signal.reason` (the registration is then
   * withdrawn), or a TypeError/RangeError naming a bad field.
   */
  async registerService(instance: ServiceInstance<P>, options: { signal?: AbortSignal } = {}): Promise<void> {
    this.#checkStarted('registerService');
    checkServiceInstance(instance);
    const data = encodeServiceInstance(instance);
    const path = this.#pathOf(instance);
    if (instance.serviceType === 'PERMANENT') {
      await this.#writePermanent(path, data, options.signal);
      return;
    }
    const existing = this.#registered.get(instance.id);
    if (existing) {
      existing.instance = instance;
      await existing.node.setData(data, options);
      return;
    }
    const node = new PersistentNode(this.#client, path, {
      mode: NODE_MODE[instance.serviceType],
      data,
      deleteOnClose: true,
    });
    const registration: Registration = { instance, node };
    this.#registered.set(instance.id, registration);
    // The take-over's read is sent before the node's first read, in one round trip: a session's
    // requests are answered in order, so both see the same node, and the take-over's delete
    // (sent on its reply, before the node's create can be) reaches the server first. The node
    // then sees the deletion on its watch and creates ours.
    const takeOver = instance.serviceType === 'DYNAMIC_SEQUENTIAL' ? undefined : this.#takeOver(path, options.signal);
    node.start();
    try {
      await Promise.all([takeOver, node.waitForInitialCreate(options)]);
    } catch (err) {
      if (this.#registered.get(instance.id) === registration) this.#registered.delete(instance.id);
      await node.close();
      throw err;
    }
  }

  /**
   * Changes a registered instance's data (same id); re-registrations use it from now on, also
   * when this write is cut by a disconnect (CURATOR-181). A PERMANENT instance's node is
   * written directly. Rejects when the id is not registered here.
   */
  async updateService(instance: ServiceInstance<P>, options: { signal?: AbortSignal } = {}): Promise<void> {
    this.#checkStarted('updateService');
    checkServiceInstance(instance);
    const data = encodeServiceInstance(instance);
    if (instance.serviceType === 'PERMANENT') {
      await this.#client.setData(this.#pathOf(instance), data, { signal: options.signal });
      return;
    }
    const registration = this.#registered.get(instance.id);
    if (!registration) {
      throw new Error(`updateService: instance ${instance.id} of ${instance.name} is not registered here`);
    }
    registration.instance = instance;
    await registration.node.setData(data, options);
  }

  /**
   * Unregisters `instance` (by name and id): it leaves the local registry at once (no later
   * re-registration), then its node is deleted. A node not registered here (a PERMANENT one)
   * is deleted too; an absent node is not an error.
   */
  async unregisterService(instance: ServiceInstance<P>, options: { signal?: AbortSignal } = {}): Promise<void> {
    this.#checkStarted('unregisterService');
    checkServiceInstance(instance);
    const registration = this.#registered.get(instance.id);
    if (registration && registration.instance.name === instance.name) {
      this.#registered.delete(instance.id);
      await registration.node.close();
      return;
    }
    await this.#client.delete(this.#pathOf(instance), { signal: options.signal }).catch((err) => {
      if (!(err instanceof NoNodeError)) throw err;
    });
  }

  /** The names of the services that have a node under the base path. */
  async queryForNames(options: { signal?: AbortSignal } = {}): Promise<string[]> {
    return (await this.#childrenOf(this.basePath, options.signal)).sort();
  }

  /** Every instance of `name` now on the server (a fresh read; nodes that are not instances are skipped). */
  async queryForInstances(name: string, options: { signal?: AbortSignal } = {}): Promise<ServiceInstance<P>[]> {
    const parent = this.#servicePath(name);
    const ids = (await this.#childrenOf(parent, options.signal)).sort();
    const read = await Promise.all(ids.map((id) => this.#read(childPath(parent, id), options.signal)));
    return read.filter((i): i is ServiceInstance<P> => i !== null);
  }

  /** The instance `<name>/<id>` now on the server, or null. */
  async queryForInstance(
    name: string,
    id: string,
    options: { signal?: AbortSignal } = {},
  ): Promise<ServiceInstance<P> | null> {
    checkServiceInstance({ ...PROBE, name, id }, 'queryForInstance');
    return this.#read(childPath(this.#servicePath(name), id), options.signal);
  }

  /** A (latent) cache of `name`'s instances, closed with this discovery. */
  serviceCache(name: string): ServiceCache<P> {
    this.#checkStarted('serviceCache');
    return this.#opens(new ServiceCache<P>(this.#client, this.basePath, name));
  }

  /** A (latent) provider of `name`'s instances, closed with this discovery. */
  serviceProvider(name: string, options: ServiceProviderOptions<P> = {}): ServiceProvider<P> {
    this.#checkStarted('serviceProvider');
    return this.#opens(new ServiceProvider<P>(this.#client, this.basePath, name, options));
  }

  /** Unregisters every tracked instance and closes the caches and providers it made. Idempotent. */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#unsubscribe?.();
    const registrations = [...this.#registered.values()];
    this.#registered.clear();
    const opened = [...this.#opened];
    this.#opened.clear();
    await Promise.all([...opened.map((o) => o.close()), ...registrations.map((r) => r.node.close())]);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #opens<R extends { close(): Promise<void> }>(recipe: R): R {
    this.#opened.add(recipe);
    return recipe;
  }

  #checkStarted(what: string): void {
    if (this.#state !== 'started')
      throw new Error(`ServiceDiscovery ${this.basePath}: ${what} needs it started (it is ${this.#state})`);
  }

  #servicePath(name: string): string {
    checkServiceInstance({ ...PROBE, name }, 'service');
    return childPath(this.basePath, name);
  }

  #pathOf(instance: ServiceInstance<unknown>): string {
    return childPath(childPath(this.basePath, instance.name), instance.id);
  }

  async #childrenOf(path: string, signal: AbortSignal | undefined): Promise<string[]> {
    try {
      return (await this.#client.getChildren(path, { signal })).children;
    } catch (err) {
      if (err instanceof NoNodeError) return [];
      throw err;
    }
  }

  async #read(path: string, signal: AbortSignal | undefined): Promise<ServiceInstance<P> | null> {
    try {
      return decodeServiceInstance((await this.#client.getData(path, { signal })).data) as ServiceInstance<P>;
    } catch (err) {
      if (err instanceof NoNodeError || err instanceof ServiceInstanceFormatError) return null;
      throw err;
    }
  }

  /**
   * Deletes a node at `path` this session does not own, as Curator deletes and re-creates on
   * NodeExists (Dubbo's case: the previous process's ephemeral outlives it by a session
   * timeout). Best effort: when it cannot be done now, the PersistentNode waits for that node
   * to go.
   */
  async #takeOver(path: string, signal: AbortSignal | undefined): Promise<void> {
    try {
      const { stat } = await this.#client.exists(path, { signal });
      if (stat && stat.ephemeralOwner !== this.#client.sessionId) {
        await this.#client.delete(path, { version: stat.version, signal });
      }
    } catch {
      if (signal?.aborted) throw signal.reason;
      // NoNode, BadVersion (it changed meanwhile), a connection loss: the node recipe copes.
    }
  }

  /** Creates the PERMANENT node, or replaces its data when it exists (Curator deletes and re-creates). */
  async #writePermanent(path: string, data: Buffer, signal: AbortSignal | undefined): Promise<void> {
    try {
      await this.#client.create(path, data, { mode: 'persistent', signal });
    } catch (err) {
      if (err instanceof NoNodeError) {
        await ensureParents(this.#client, path, signal);
        return this.#writePermanent(path, data, signal);
      }
      if (!(err instanceof NodeExistsError)) throw err;
      await this.#client.delete(path, { signal }).catch((e) => {
        if (!(e instanceof NoNodeError)) throw e;
      });
      return this.#writePermanent(path, data, signal);
    }
  }
}

/** A valid instance to check a name or id with `checkServiceInstance`. */
const PROBE: ServiceInstance<unknown> = {
  name: 'x',
  id: 'x',
  address: null,
  port: null,
  sslPort: null,
  payload: null,
  registrationTimeUTC: 0,
  serviceType: 'DYNAMIC',
  uriSpec: null,
  enabled: true,
};
