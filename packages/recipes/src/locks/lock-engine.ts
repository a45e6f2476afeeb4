import { ConnectionLossError, NoNodeError, SessionExpiredError, type Stat, type ZooKeeperClient } from '@zookit/client';
import type { ConnectionErrorPolicy } from '../connection-error-policy.js';
import type { LeaseEvent } from '../diagnostics.js';
import { deleteQuietly } from '../internal/delete-quietly.js';
import { orderChildrenOf, type QueueOrder, sequenceOrder } from '../internal/sequence-order.js';
import { createOwnNode } from './create-own-node.js';
import { grantLease } from './grant-lease.js';
import type { Lease } from './lease.js';
import { namingTimeout } from './lock-timeout-error.js';
import { wakeOn } from './wake-on.js';

/**
 * Decides, from the ordered children (the engine's {@link QueueOrder}) and our index, whether we hold the lock and otherwise
 * which single node to watch (the strategy of a lock recipe: mutex, semaphore-mutex, read or
 * write lock). Watching one node is what avoids the herd effect.
 */
export type LockPolicy = (
  sorted: readonly string[],
  ourIndex: number,
) => { acquired: true } | { acquired: false; watch: string };

/** Settings of one lock engine. */
export interface LockEngineOptions {
  readonly client: ZooKeeperClient;
  /** The lock's node: its children are the queue. */
  readonly basePath: string;
  /** Name of our nodes after the protection prefix: `lock-` (Curator's InterProcessMutex), `latch-`, ... */
  readonly lockName: string;
  readonly policy: LockPolicy;
  readonly errorPolicy: ConnectionErrorPolicy;
  /** Names the lock in errors (a timed-out acquire's LockTimeoutError), e.g. `Mutex`. Default `lock`. */
  readonly kind?: string;
  /** Reported on the lease diagnostics channel (`LEASE_CHANNEL`) with `basePath`; no events without it. */
  readonly recipe?: LeaseEvent['recipe'];
  /** How the queue is ordered. Default: by the sequence after `lockName` (`sequenceOrder(lockName)`). */
  readonly order?: QueueOrder;
}

/** The standard exclusive policy: first in the queue holds; others watch their predecessor. */
export function exclusivePolicy(maxLeases = 1): LockPolicy {
  return (sorted, ourIndex) =>
    ourIndex < maxLeases ? { acquired: true } : { acquired: false, watch: sorted[ourIndex - maxLeases] as string };
}

/**
 * The engine every lock recipe shares (Curator's LockInternals): join the queue with a
 * protected ephemeral-sequential node, wait for our turn watching only our predecessor, check
 * that the node belongs to the current session, and hand out a {@link Lease}. A cancelled or
 * failed attempt deletes its node before rejecting; a node lost with its session is replaced
 * by a new one (the wait continues under the new session).
 */
export class LockEngine {
  readonly #o: LockEngineOptions;
  readonly #order: QueueOrder;
  readonly #origin: Pick<LeaseEvent, 'recipe' | 'path'> | undefined;

  constructor(options: LockEngineOptions) {
    this.#o = options;
    this.#order = options.order ?? sequenceOrder(options.lockName);
    this.#origin = options.recipe && { recipe: options.recipe, path: options.basePath };
  }

  get basePath(): string {
    return this.#o.basePath;
  }

  /**
   * Waits for the lock; `signal` bounds the wait, leaving no node behind: rejects with its
   * reason, or with a LockTimeoutError naming the lock when that reason is a timeout's.
   */
  async acquire(signal?: AbortSignal, data: Uint8Array | null = null): Promise<Lease> {
    try {
      return await this.#acquire(signal, data);
    } catch (err) {
      throw namingTimeout(this.#o.kind ?? 'lock', this.#o.basePath, signal, err);
    }
  }

  async #acquire(signal: AbortSignal | undefined, data: Uint8Array | null): Promise<Lease> {
    for (;;) {
      signal?.throwIfAborted();
      const { node, firstLook } = await this.#joinAndLook(signal, data);
      let outcome: 'acquired' | 'gone';
      try {
        outcome = await this.#waitForTurn(node.name, signal, firstLook);
      } catch (err) {
        await deleteQuietly(this.#o.client, node.path);
        // A connection broke under a request, or the session ended: join again (the client
        // holds new requests until it is connected). Anything else ends the acquire.
        if (err instanceof ConnectionLossError || err instanceof SessionExpiredError) continue;
        throw err;
      }
      if (outcome === 'gone') continue;
      // Only a node of the current session proves anything (CURATOR-696): a node left by an
      // earlier session may still be there until the server reaps it. When the session that
      // created the node is still ours, the node we just saw in the children is that node: its
      // create Stat is current for what matters (czxid, owner) and no extra read is needed.
      const stat =
        node.stat.ephemeralOwner === this.#o.client.sessionId
          ? node.stat
          : (await this.#o.client.exists(node.path, { signal })).stat;
      if (!stat || stat.ephemeralOwner !== this.#o.client.sessionId) {
        await deleteQuietly(this.#o.client, node.path);
        continue;
      }
      return grantLease(this.#o.client, node.path, stat, this.#o.errorPolicy, this.#origin);
    }
  }

  /** Tries once: holds the lock now or leaves no node and resolves `undefined`. Rejects as {@link acquire}. */
  async tryAcquire(signal?: AbortSignal, data: Uint8Array | null = null): Promise<Lease | undefined> {
    try {
      return await this.#tryAcquire(signal, data);
    } catch (err) {
      throw namingTimeout(this.#o.kind ?? 'lock', this.#o.basePath, signal, err);
    }
  }

  async #tryAcquire(signal: AbortSignal | undefined, data: Uint8Array | null): Promise<Lease | undefined> {
    const { node, firstLook } = await this.#joinAndLook(signal, data);
    try {
      const children =
        firstLook?.includes(node.name) === true
          ? firstLook
          : (await this.#o.client.getChildren(this.#o.basePath, { signal })).children;
      const sorted = await orderChildrenOf(this.#o.client, this.#o.basePath, children, this.#order, signal);
      const index = sorted.indexOf(node.name);
      const stat =
        node.stat.ephemeralOwner === this.#o.client.sessionId
          ? node.stat
          : (await this.#o.client.exists(node.path, { signal })).stat;
      if (index >= 0 && this.#o.policy(sorted, index).acquired && stat?.ephemeralOwner === this.#o.client.sessionId) {
        return grantLease(this.#o.client, node.path, stat, this.#o.errorPolicy, this.#origin);
      }
    } catch (err) {
      await deleteQuietly(this.#o.client, node.path);
      throw err;
    }
    await deleteQuietly(this.#o.client, node.path);
    return undefined;
  }

  /**
   * Joins the queue and reads it in one round trip: the getChildren is written right behind the
   * create, and a session's requests are answered in order, so its listing already holds our
   * node (Curator waits for the create before asking). `firstLook` is undefined when that read
   * failed (a parent created only now, a connection loss): the caller then reads again.
   */
  async #joinAndLook(
    signal: AbortSignal | undefined,
    data: Uint8Array | null,
  ): Promise<{ node: { path: string; name: string; stat: Stat }; firstLook: string[] | undefined }> {
    const { client, basePath, lockName } = this.#o;
    const created = createOwnNode(client, `${basePath}/${lockName}`, data, 'ephemeral-sequential', signal);
    const look = client.getChildren(basePath).then(
      (r) => r.children,
      () => undefined,
    );
    const { path, stat } = await created;
    return { node: { path, name: path.slice(basePath.length + 1), stat }, firstLook: await look };
  }

  /**
   * Resolves 'acquired' at our turn, or 'gone' if our node vanished (session lost). Starts from
   * `firstLook` when it lists our node.
   */
  async #waitForTurn(
    name: string,
    signal: AbortSignal | undefined,
    firstLook: string[] | undefined,
  ): Promise<'acquired' | 'gone'> {
    const { client, basePath, policy } = this.#o;
    let known = firstLook?.includes(name) === true ? firstLook : undefined;
    for (;;) {
      signal?.throwIfAborted();
      let children: string[];
      try {
        children = known ?? (await client.getChildren(basePath, { signal })).children;
        known = undefined;
      } catch (err) {
        // The lock node (a container) is gone: it can only be deleted once empty, so our node
        // went first (session lost); join again.
        if (err instanceof NoNodeError) return 'gone';
        throw err;
      }
      const sorted = await orderChildrenOf(client, basePath, children, this.#order, signal);
      const index = sorted.indexOf(name);
      if (index < 0) return 'gone';
      const decision = policy(sorted, index);
      if (decision.acquired) return 'acquired';
      const watched = `${basePath}/${decision.watch}`;
      const wake = wakeOn(signal);
      try {
        // getData, not exists: a watch on a node that vanished meanwhile would linger.
        await client.getData(watched, { watch: wake.watcher, signal });
      } catch (err) {
        wake.dispose();
        if (err instanceof NoNodeError) continue;
        throw err;
      }
      try {
        await wake.promise;
      } catch (err) {
        await client.removeWatches(watched, { type: 'data', watcher: wake.watcher }).catch(() => undefined);
        throw err;
      }
    }
  }
}
