/**
 * DoubleBarrier — Curator's DistributedDoubleBarrier: `members` processes `enter()` together
 * (nobody proceeds before all have arrived) and `leave()` together (nobody proceeds before all
 * have left). Layout as Curator's: one ephemeral node `<path>/<uuid>` per member and a `ready`
 * node, so zookit and Curator members can share a barrier.
 *
 * Failure semantics:
 * - Every wake-up is only a reason to look again: enter proceeds only when `ready` exists or
 *   the member count is reached, leave only when the members' nodes are gone — a spurious
 *   wake-up or a reconnect never releases early (GH-1290).
 * - suspended: waits continue; member nodes and watches survive a reconnect with the same session.
 * - lost / session expiry: the member's node dies with the session. While entering, the member
 *   joins again with a new node (so the count can still be reached). While leaving, the others
 *   see the node gone as a departure and are not held up; the member itself then waits for the
 *   barrier to empty like the others. Waits are bounded only by their `signal`.
 * - A cancelled (`signal`) or failed enter/leave deletes this member's node and watches before
 *   rejecting: the member has left.
 * - close(): rejects pending calls, deletes this member's node, removes watches. Idempotent. It
 *   needs no start(): a member is usable from construction, once.
 */
import { randomUUID } from 'node:crypto';
import {
  ConnectionLossError,
  NodeExistsError,
  NoNodeError,
  SessionExpiredError,
  type Watcher,
  type ZooKeeperClient,
} from '@zookit/client';
import { deleteQuietly } from '../internal/delete-quietly.js';
import { checkPath, ensureParents } from '../internal/paths.js';
import type { BarrierCallOptions } from './barrier.js';
import { CallScope } from './call-scope.js';
import { oneShotWatch } from './one-shot-watch.js';

const READY = 'ready';

/** Options of a {@link DoubleBarrier}. */
export interface DoubleBarrierOptions {
  /** How many members must enter before any proceeds. */
  readonly members: number;
}

export class DoubleBarrier implements AsyncDisposable {
  readonly path: string;
  readonly members: number;
  /** This member's node. */
  readonly ourPath: string;
  readonly #client: ZooKeeperClient;
  readonly #ourName = randomUUID();
  readonly #readyPath: string;
  readonly #calls = new CallScope();

  constructor(client: ZooKeeperClient, path: string, options: DoubleBarrierOptions) {
    this.path = checkPath('path', path);
    if (!Number.isInteger(options?.members) || options.members < 1) {
      throw new RangeError(`members: expected an integer >= 1, got ${String(options?.members)}`);
    }
    this.members = options.members;
    this.#client = client;
    this.ourPath = `${path}/${this.#ourName}`;
    this.#readyPath = `${path}/${READY}`;
  }

  /** Joins and resolves once `members` members have joined. */
  enter(options: BarrierCallOptions = {}): Promise<void> {
    return this.#track(options.signal, (signal) => this.#enter(signal));
  }

  /** Leaves and resolves once every member has left. */
  leave(options: BarrierCallOptions = {}): Promise<void> {
    return this.#track(options.signal, (signal) => this.#leave(signal));
  }

  /** Rejects pending calls and deletes this member's node. Idempotent. */
  async close(): Promise<void> {
    await this.#calls.close(new Error(`DoubleBarrier ${this.path} closed`));
    await deleteQuietly(this.#client, this.ourPath);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #enter(signal: AbortSignal): Promise<void> {
    await ensureParents(this.#client, this.ourPath, signal);
    await this.#join(signal);
    for (;;) {
      signal.throwIfAborted();
      const ready = oneShotWatch(this.#client, this.#readyPath);
      let step: 'in' | 'wait' | 'again';
      try {
        step = await this.#enterStep(ready.watcher, signal);
      } catch (err) {
        await ready.cancel();
        if (isTransient(err)) continue;
        throw err;
      }
      if (step === 'wait') await ready.wait(signal);
      else await ready.cancel();
      if (step === 'in') return;
    }
  }

  /** One look: through (`ready` exists or the count is reached), wait for `ready`, or look again. */
  async #enterStep(readyWatcher: Watcher, signal: AbortSignal): Promise<'in' | 'wait' | 'again'> {
    const client = this.#client;
    // The watch is set before counting, so a `ready` created after the count is not missed.
    if ((await client.exists(this.#readyPath, { watch: readyWatcher, signal })).stat) return 'in';
    const members = await this.#memberNames(signal);
    if (!members.includes(this.#ourName)) {
      // Our node died with the session: count us again under the new one.
      await this.#join(signal);
      return 'again';
    }
    if (members.length < this.members) return 'wait';
    try {
      await client.create(this.#readyPath, null, { signal });
    } catch (err) {
      if (!(err instanceof NodeExistsError)) throw err;
    }
    return 'in';
  }

  async #leave(signal: AbortSignal): Promise<void> {
    for (;;) {
      signal.throwIfAborted();
      let watched: string | undefined;
      try {
        watched = await this.#leaveStep(signal);
      } catch (err) {
        if (isTransient(err)) continue;
        throw err;
      }
      if (watched === undefined) break;
      const path = `${this.path}/${watched}`;
      const gone = oneShotWatch(this.#client, path);
      try {
        await this.#client.getData(path, { watch: gone.watcher, signal });
      } catch (err) {
        await gone.cancel();
        if (err instanceof NoNodeError || isTransient(err)) continue;
        throw err;
      }
      await gone.wait(signal);
    }
    try {
      await this.#client.delete(this.#readyPath, { signal });
    } catch (err) {
      if (!(err instanceof NoNodeError)) throw err;
    }
  }

  /** One look: the member node to wait for, or undefined once every member has left. */
  async #leaveStep(signal: AbortSignal): Promise<string | undefined> {
    const members = (await this.#memberNames(signal)).sort();
    const index = members.indexOf(this.#ourName);
    if (members.length === 0) return undefined;
    if (index >= 0 && members.length === 1) {
      await this.#deleteOurs(signal);
      return undefined;
    }
    // The ZooKeeper recipe: the lowest member waits for the highest to go; every other member
    // goes, then waits for the lowest. One node watched each, never all. A member whose node
    // died with its session (index -1) waits like one that has gone.
    if (index === 0) return members[members.length - 1];
    if (index > 0) await this.#deleteOurs(signal);
    return members[0];
  }

  /** Creates our node under the current session (replacing one left by an earlier session). */
  async #join(signal: AbortSignal): Promise<void> {
    const client = this.#client;
    for (let attempt = 0; ; attempt++) {
      signal.throwIfAborted();
      try {
        // No signal on the create itself: an aborted create may still be applied, and then
        // nobody would know to delete the node. The caller's failure path deletes it.
        await client.create(this.ourPath, null, { mode: 'ephemeral' });
        return;
      } catch (err) {
        // A create cut by a connection loss may have been applied: NodeExists tells next time.
        if (attempt >= 5 || !(err instanceof NodeExistsError || isTransient(err))) throw err;
        if (!(err instanceof NodeExistsError)) continue;
      }
      // Ours already, or left by an expired session of ours and not yet reaped.
      const { stat } = await client.exists(this.ourPath, { signal });
      if (stat?.ephemeralOwner === client.sessionId) return;
      if (stat) await deleteQuietly(client, this.ourPath);
    }
  }

  async #deleteOurs(signal: AbortSignal): Promise<void> {
    try {
      await this.#client.delete(this.ourPath, { signal });
    } catch (err) {
      if (!(err instanceof NoNodeError)) throw err;
    }
  }

  async #memberNames(signal: AbortSignal): Promise<string[]> {
    try {
      const { children } = await this.#client.getChildren(this.path, { signal });
      return children.filter((name) => name !== READY);
    } catch (err) {
      if (err instanceof NoNodeError) return [];
      throw err;
    }
  }

  /** Runs a call bounded by `signal` and close(); a failed call leaves the barrier. */
  #track(callerSignal: AbortSignal | undefined, call: (signal: AbortSignal) => Promise<void>): Promise<void> {
    return this.#calls.run(callerSignal, async (signal) => {
      try {
        await call(signal);
      } catch (err) {
        await deleteQuietly(this.#client, this.ourPath);
        throw err;
      }
    });
  }
}

/**
 * A request cut by a connection loss or by the loss of the session: look again (the client
 * sends the next request on the next connection; a lost member node is made again by enter).
 */
function isTransient(err: unknown): boolean {
  return err instanceof ConnectionLossError || err instanceof SessionExpiredError;
}
