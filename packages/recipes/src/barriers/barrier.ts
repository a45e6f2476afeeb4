/**
 * Barrier — Curator's DistributedBarrier: while the node at `path` exists, `waitOnBarrier`
 * blocks; `removeBarrier` releases every waiter at once.
 *
 * Failure semantics:
 * - The barrier node is persistent: it belongs to no session, so suspended, lost and session
 *   expiry change nothing about the barrier itself. A waiter keeps waiting across them (its
 *   watch survives a reconnect with the same session and is set again under a new one) — unlike
 *   Curator, which fails the wait on a connection loss. Bound every wait with `signal`
 *   (`AbortSignal.timeout(ms)`); that, not the connection state, is what ends it.
 * - A cancelled wait rejects with `signal.reason` and removes its watch; it owns no node.
 * - close(): pending waits reject, their watches are removed, later calls reject. The barrier
 *   node stays (it is shared state, not this object's). Idempotent. A Barrier holds nothing
 *   between calls, so it needs no start(): it is usable from construction.
 * - close of the client: pending calls reject with ClientClosedError.
 */
import {
  ConnectionLossError,
  NodeExistsError,
  NoNodeError,
  SessionExpiredError,
  type ZooKeeperClient,
} from '@zookit/client';
import { checkPath, ensureParents } from '../internal/paths.js';
import { CallScope } from './call-scope.js';
import { oneShotWatch } from './one-shot-watch.js';

/** Options of one barrier call. */
export interface BarrierCallOptions {
  /** Bounds the call: it rejects with `signal.reason`. */
  readonly signal?: AbortSignal;
}

export class Barrier implements AsyncDisposable {
  readonly path: string;
  readonly #client: ZooKeeperClient;
  readonly #calls = new CallScope();

  constructor(client: ZooKeeperClient, path: string) {
    this.path = checkPath('path', path);
    this.#client = client;
  }

  /** Raises the barrier (creates its node, and missing parents as containers). Already raised is fine. */
  setBarrier(options: BarrierCallOptions = {}): Promise<void> {
    return this.#calls.run(options.signal, async (signal) => {
      await ensureParents(this.#client, this.path, signal);
      try {
        await this.#client.create(this.path, null, { signal });
      } catch (err) {
        if (!(err instanceof NodeExistsError)) throw err;
      }
    });
  }

  /** Lowers the barrier (deletes its node), releasing every waiter. Already lowered is fine. */
  removeBarrier(options: BarrierCallOptions = {}): Promise<void> {
    return this.#calls.run(options.signal, async (signal) => {
      try {
        await this.#client.delete(this.path, { signal });
      } catch (err) {
        if (!(err instanceof NoNodeError)) throw err;
      }
    });
  }

  /** Resolves once the barrier is down (at once if it is not raised). */
  waitOnBarrier(options: BarrierCallOptions = {}): Promise<void> {
    return this.#calls.run(options.signal, (signal) => this.#wait(signal));
  }

  async #wait(signal: AbortSignal): Promise<void> {
    for (;;) {
      signal.throwIfAborted();
      const watch = oneShotWatch(this.#client, this.path);
      try {
        // getData, not exists: on a missing node it sets no watch that could linger.
        await this.#client.getData(this.path, { watch: watch.watcher, signal });
      } catch (err) {
        await watch.cancel();
        if (err instanceof NoNodeError) return;
        // Cut by a connection or session loss: the barrier node is persistent, look again.
        if (err instanceof ConnectionLossError || err instanceof SessionExpiredError) continue;
        throw err;
      }
      // Any event (deleted, data changed, session expired) only means: look again.
      await watch.wait(signal);
    }
  }

  /** Rejects pending waits (resolving once their watches are removed) and makes later calls reject. Idempotent. */
  close(): Promise<void> {
    return this.#calls.close(new Error(`Barrier ${this.path} closed`));
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
