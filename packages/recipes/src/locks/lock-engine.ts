import {
  type ConnectionState,
  NoNodeError,
  type Stat,
  type WatchEvent,
  type Watcher,
  type ZooKeeperClient,
} from '@zookit/client';
import { type ConnectionErrorPolicy, isErrorState } from '../connection-error-policy.js';
import { deleteQuietly } from '../internal/delete-quietly.js';
import { ensureParents } from '../internal/paths.js';
import { sortBySequence } from '../internal/sequence-order.js';
import { type Lease, LeaseLostError } from './lease.js';

/**
 * Decides, from the sorted children and our index, whether we hold the lock and otherwise
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

  constructor(options: LockEngineOptions) {
    this.#o = options;
  }

  get basePath(): string {
    return this.#o.basePath;
  }

  /** Waits for the lock; `signal` bounds the wait (rejects with its reason, leaving no node behind). */
  async acquire(signal?: AbortSignal, data: Uint8Array | null = null): Promise<Lease> {
    for (;;) {
      signal?.throwIfAborted();
      const node = await this.#join(signal, data);
      let outcome: 'acquired' | 'gone';
      try {
        outcome = await this.#waitForTurn(node.name, signal);
      } catch (err) {
        await deleteQuietly(this.#o.client, node.path);
        throw err;
      }
      if (outcome === 'gone') continue;
      // Only a node of the current session proves anything (CURATOR-696): a node left by an
      // earlier session may still be there until the server reaps it.
      const { stat } = await this.#o.client.exists(node.path, { signal });
      if (!stat || stat.ephemeralOwner !== this.#o.client.sessionId) {
        await deleteQuietly(this.#o.client, node.path);
        continue;
      }
      return this.#grant(node.path, stat);
    }
  }

  /** Tries once: holds the lock now or leaves no node and resolves `undefined`. */
  async tryAcquire(signal?: AbortSignal, data: Uint8Array | null = null): Promise<Lease | undefined> {
    const node = await this.#join(signal, data);
    const { children } = await this.#o.client.getChildren(this.#o.basePath, { signal });
    const sorted = sortBySequence(children, this.#o.lockName);
    const index = sorted.indexOf(node.name);
    const { stat } = await this.#o.client.exists(node.path, { signal });
    if (index >= 0 && this.#o.policy(sorted, index).acquired && stat?.ephemeralOwner === this.#o.client.sessionId) {
      return this.#grant(node.path, stat);
    }
    await deleteQuietly(this.#o.client, node.path);
    return undefined;
  }

  async #join(signal: AbortSignal | undefined, data: Uint8Array | null): Promise<{ path: string; name: string }> {
    const { client, basePath, lockName } = this.#o;
    for (let attempt = 0; ; attempt++) {
      try {
        const { path } = await client.create(`${basePath}/${lockName}`, data, {
          mode: 'ephemeral-sequential',
          protected: true,
          signal,
        });
        return { path, name: path.slice(basePath.length + 1) };
      } catch (err) {
        // The lock node (a container) is missing or was just reaped: create it and try again.
        if (!(err instanceof NoNodeError) || attempt >= 3) throw err;
        await ensureParents(client, `${basePath}/${lockName}`, signal);
      }
    }
  }

  /** Resolves 'acquired' at our turn, or 'gone' if our node vanished (session lost). */
  async #waitForTurn(name: string, signal: AbortSignal | undefined): Promise<'acquired' | 'gone'> {
    const { client, basePath, lockName, policy } = this.#o;
    for (;;) {
      signal?.throwIfAborted();
      const { children } = await client.getChildren(basePath, { signal });
      const sorted = sortBySequence(children, lockName);
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

  #grant(path: string, stat: Stat): Lease {
    const { client, errorPolicy } = this.#o;
    const controller = new AbortController();
    const end = (reason: LeaseLostError['reason']) => {
      if (!controller.signal.aborted) controller.abort(new LeaseLostError(reason, path));
    };
    const unsubscribe = client.onStateChange((e) => {
      if (isErrorState(errorPolicy, e.state)) end(stateReason(e.state));
    });
    const watcher: Watcher = (event: WatchEvent) => {
      if (event.type === 'NodeDeleted') end('deleted');
      else if (event.type === 'SessionExpired') end('lost');
      else if (event.type === 'Closed') end('closed');
      else if (event.type === 'NodeDataChanged' && !controller.signal.aborted) {
        void client.exists(path, { watch: watcher }).catch(() => end('lost'));
      }
    };
    void client.exists(path, { watch: watcher }).then(
      ({ stat: now }) => {
        if (!now) end('deleted');
      },
      () => end('lost'),
    );
    let released: Promise<void> | undefined;
    const release = (): Promise<void> => {
      released ??= (async () => {
        end('released');
        unsubscribe();
        await client
          .removeWatches(path, { type: 'data', watcher, local: !client.connectedServer })
          .catch(() => undefined);
        if (client.sessionId === stat.ephemeralOwner) await deleteQuietly(client, path);
      })();
      return released;
    };
    return {
      token: stat.czxid,
      path,
      sessionId: stat.ephemeralOwner,
      signal: controller.signal,
      release,
      [Symbol.asyncDispose]: release,
    };
  }
}

function stateReason(state: ConnectionState): LeaseLostError['reason'] {
  return state === 'suspended' ? 'suspended' : state === 'closed' ? 'closed' : 'lost';
}

/** A one-shot watcher as a promise that also rejects when `signal` aborts. */
function wakeOn(signal: AbortSignal | undefined): { watcher: Watcher; promise: Promise<void>; dispose(): void } {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const onAbort = () => reject(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  const dispose = () => signal?.removeEventListener('abort', onAbort);
  promise.then(dispose, dispose);
  promise.catch(() => undefined);
  return { watcher: () => resolve(), promise, dispose };
}
