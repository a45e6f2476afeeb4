/**
 * LeaderLatch — elects exactly one leader among the latches on one path, compatible with
 * Curator's LeaderLatch (nodes `_c_<uuid>-latch-NNNNNNNNNN`, data = participant id).
 *
 * Failure semantics:
 * - suspended: leadership ends at once under the standard error policy (default); under the
 *   session policy it is kept through a disconnect shorter than the session timeout.
 * - reconnected (same session): leadership is re-checked from the children — never assumed.
 * - lost / new session: leadership ends; the latch joins again with a new node.
 * - our node deleted by someone else while the session lives (an operator forcing an
 *   election): leadership ends at once (listeners told, signal aborted), and the latch joins
 *   again with a new node, as a non-leader does too. The latch watches its own node (a data
 *   watch, one per latch) besides its predecessor.
 * - Leadership is granted only when our node is first AND its ephemeralOwner is the current
 *   session (a node left by an expired session never makes us leader: CURATOR-696).
 * - close(): deletes our node, removes our watches and listeners; idempotent. A leader that
 *   closes aborts its signal and tells listeners (`closeMode: 'notify'`, default) or not
 *   (`'silent'`).
 */
import { NoNodeError, type WatchEvent, type Watcher, type ZooKeeperClient } from '@zookit/client';
import { type ConnectionErrorPolicy, isErrorState } from '../connection-error-policy.js';
import { publishLeadership } from '../diagnostics.js';
import { deleteQuietly } from '../internal/delete-quietly.js';
import { checkPath, ensureParents } from '../internal/paths.js';
import { orderChildrenOf, sequenceOrder } from '../internal/sequence-order.js';
import { Serial } from '../internal/serial.js';
import { type LockTimeoutError, namingTimeout } from '../locks/lock-timeout-error.js';

const AWAIT_TIMED_OUT = 'awaitLeadership aborted by timeout before leadership was gained';

const LATCH = 'latch-';
const LATCH_ORDER = sequenceOrder(LATCH);

/** Options of a {@link LeaderLatch}. */
export interface LeaderLatchOptions {
  /** Participant id stored in our node. Default ''. */
  readonly id?: string;
  readonly errorPolicy?: ConnectionErrorPolicy;
  /** Whether close() tells listeners that leadership ended. Default 'notify'. */
  readonly closeMode?: 'notify' | 'silent';
}

/** Leadership as held: the fencing token (czxid of our node) and a signal that aborts when it ends. */
export interface Leadership {
  readonly token: bigint;
  readonly path: string;
  readonly signal: AbortSignal;
}

type LatchState = 'latent' | 'started' | 'closed';

export class LeaderLatch implements AsyncDisposable {
  readonly path: string;
  readonly id: string;
  readonly #client: ZooKeeperClient;
  readonly #policy: ConnectionErrorPolicy;
  readonly #closeMode: 'notify' | 'silent';
  readonly #serial = new Serial();
  readonly #listeners = new Set<(isLeader: boolean) => void>();
  #state: LatchState = 'latent';
  #ourPath: string | undefined;
  #leadership: { token: bigint; path: string; controller: AbortController } | undefined;
  #unsubscribe: (() => void) | undefined;
  #watched: { path: string; watcher: (e: WatchEvent) => void } | undefined;
  /** The data watch on our own node, while it is registered. */
  #ownWatch: { path: string; watcher: Watcher } | undefined;
  #waiters = new Set<() => void>();

  constructor(client: ZooKeeperClient, path: string, options: LeaderLatchOptions = {}) {
    this.path = checkPath('path', path);
    this.id = options.id ?? '';
    this.#client = client;
    this.#policy = options.errorPolicy ?? 'standard';
    this.#closeMode = options.closeMode ?? 'notify';
  }

  get state(): LatchState {
    return this.#state;
  }

  /** Whether this latch is the leader now. */
  get hasLeadership(): boolean {
    return this.#leadership !== undefined;
  }

  /** Our node, once created. */
  get ourPath(): string | undefined {
    return this.#ourPath;
  }

  /** Joins the election. Resolves once our node exists (leadership may come later). */
  async start(): Promise<void> {
    if (this.#state !== 'latent') throw new Error(`LeaderLatch ${this.path} cannot start: it is ${this.#state}`);
    this.#state = 'started';
    this.#unsubscribe = this.#client.onStateChange((e) => {
      if (this.#state !== 'started') return;
      if (isErrorState(this.#policy, e.state)) this.#setLeader(false);
      if (e.state === 'reconnected' || e.state === 'connected') {
        this.#background(() => (e.newSession ? this.#reset() : this.#check()));
      }
    });
    await this.#serial.run(() => this.#reset());
  }

  /** Calls `listener(true)` on gaining leadership and `listener(false)` on losing it. Returns the unsubscribe function. */
  onChange(listener: (isLeader: boolean) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Resolves with the leadership once this latch leads; rejects when the latch closes, with a
   * {@link LockTimeoutError} naming the election when `signal` is a timeout's, otherwise with
   * `signal.reason`. Either way the latch stays in the election.
   */
  async awaitLeadership(options: { signal?: AbortSignal } = {}): Promise<Leadership> {
    const { signal } = options;
    for (;;) {
      if (signal?.aborted) throw namingTimeout('LeaderLatch', this.path, signal, signal.reason, AWAIT_TIMED_OUT);
      if (this.#state === 'closed') throw new Error(`LeaderLatch ${this.path} is closed`);
      const held = this.#leadership;
      if (held) return { token: held.token, path: held.path, signal: held.controller.signal };
      await new Promise<void>((resolve, reject) => {
        const wake = () => {
          signal?.removeEventListener('abort', onAbort);
          this.#waiters.delete(wake);
          resolve();
        };
        const onAbort = () => {
          this.#waiters.delete(wake);
          reject(namingTimeout('LeaderLatch', this.path, signal, signal?.reason, AWAIT_TIMED_OUT));
        };
        this.#waiters.add(wake);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
  }

  /** Leaves the election: deletes our node and every watch and listener. Idempotent. */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    const wasStarted = this.#state === 'started';
    this.#state = 'closed';
    this.#unsubscribe?.();
    await this.#serial.run(async () => {
      await this.#unwatch();
      this.#setLeader(false, undefined, this.#closeMode === 'notify');
      if (wasStarted) await this.#leaveNode();
    });
    this.#listeners.clear();
    for (const wake of [...this.#waiters]) wake();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * Runs a reaction to an event. Its failure (a connection loss or an expiry in the middle) is
   * not fatal: the next state event (reconnected, new session) starts the check or reset again.
   */
  #background(task: () => Promise<void>): void {
    this.#serial.run(task).catch(() => undefined);
  }

  async #reset(): Promise<void> {
    if (this.#state !== 'started') return;
    this.#setLeader(false);
    await this.#unwatch();
    await this.#leaveNode();
    await ensureParents(this.#client, `${this.path}/${LATCH}`);
    const { path } = await this.#client.create(`${this.path}/${LATCH}`, this.id, {
      mode: 'ephemeral-sequential',
      protected: true,
    });
    if (this.#state !== 'started') {
      await deleteQuietly(this.#client, path);
      return;
    }
    this.#ourPath = path;
    await this.#check();
  }

  async #check(): Promise<void> {
    if (this.#state !== 'started') return;
    const ours = this.#ourPath;
    // No node: our node was deleted, or a reset failed half-way (a connection loss): join again.
    if (!ours) return this.#reset();
    if (this.#ownWatch?.path !== ours && !(await this.#watchOwn(ours))) return this.#reset();
    let children: string[];
    try {
      ({ children } = await this.#client.getChildren(this.path));
    } catch (err) {
      if (err instanceof NoNodeError) return this.#reset(); // the latch path was wiped (CURATOR-724)
      throw err;
    }
    const sorted = await orderChildrenOf(this.#client, this.path, children, LATCH_ORDER);
    // Our node's deletion noticed meanwhile (its watcher cleared #ourPath): the next check joins again.
    if (this.#ourPath !== ours) return;
    const index = sorted.indexOf(ours.slice(this.path.length + 1));
    if (index < 0) return this.#reset();
    if (index === 0) {
      const { stat } = await this.#client.exists(ours);
      if (this.#ourPath !== ours) return;
      if (stat && stat.ephemeralOwner === this.#client.sessionId) {
        await this.#unwatch();
        if (this.#ourPath === ours) this.#setLeader(true, stat.czxid);
        return;
      }
      return this.#reset();
    }
    this.#setLeader(false);
    const predecessor = `${this.path}/${sorted[index - 1]}`;
    await this.#unwatch();
    const watcher = (event: WatchEvent) => {
      if (this.#watched?.watcher === watcher) this.#watched = undefined;
      if (event.type !== 'SessionExpired' && event.type !== 'Closed') this.#background(() => this.#check());
    };
    try {
      await this.#client.getData(predecessor, { watch: watcher });
      this.#watched = { path: predecessor, watcher };
    } catch (err) {
      if (err instanceof NoNodeError) return this.#check();
      throw err;
    }
  }

  /**
   * Sets a data watch on our node `path`; false if it is gone. Its deletion while we still own
   * it (by an operator, or anyone) ends leadership at once, in the watch callback rather than
   * after the round trips of a check, so an old leader never overlaps the next one longer than
   * the event takes to arrive; then the latch joins again. getData, not exists: on a node
   * already gone, exists would leave a watch for its creation.
   */
  async #watchOwn(path: string): Promise<boolean> {
    const watcher: Watcher = (event) => {
      if (this.#ownWatch?.watcher === watcher) this.#ownWatch = undefined;
      if (this.#state !== 'started' || this.#ourPath !== path) return;
      if (event.type === 'NodeDeleted') {
        this.#ourPath = undefined; // nothing left to delete; a check in flight sees it and stops
        this.#setLeader(false);
        this.#background(() => this.#check());
      } else if (event.type === 'NodeDataChanged') {
        this.#background(() => this.#check()); // a data change is not an end: watch again
      }
    };
    try {
      await this.#client.getData(path, { watch: watcher });
    } catch (err) {
      if (err instanceof NoNodeError) return false;
      throw err;
    }
    this.#ownWatch = { path, watcher };
    return true;
  }

  /**
   * Deletes our node, if any. Our delete also ends our own watch: the server fires it (its
   * callback finds #ourPath cleared) before it answers. A node left in place keeps the watch,
   * so it is removed.
   */
  async #leaveNode(): Promise<void> {
    const path = this.#ourPath;
    const own = this.#ownWatch;
    this.#ourPath = undefined;
    this.#ownWatch = undefined;
    if (!path || (await deleteQuietly(this.#client, path)) || own?.path !== path) return;
    await this.#client.removeWatches(path, { type: 'data', watcher: own.watcher }).catch(() => undefined);
  }

  async #unwatch(): Promise<void> {
    const watched = this.#watched;
    this.#watched = undefined;
    if (watched)
      await this.#client.removeWatches(watched.path, { type: 'data', watcher: watched.watcher }).catch(() => undefined);
  }

  /** Changes leadership, telling listeners unless `notify` is false (a silent close). */
  #setLeader(leader: boolean, token?: bigint, notify = true): void {
    if (leader === (this.#leadership !== undefined)) return;
    if (leader) {
      this.#leadership = { token: token as bigint, path: this.#ourPath as string, controller: new AbortController() };
      for (const wake of [...this.#waiters]) wake();
    } else {
      this.#leadership?.controller.abort(new Error(`leadership of ${this.path} ended`));
      this.#leadership = undefined;
    }
    publishLeadership({ event: leader ? 'granted' : 'lost', recipe: 'LeaderLatch', path: this.path, id: this.id });
    if (!notify) return;
    for (const listener of [...this.#listeners]) {
      try {
        listener(leader);
      } catch {
        // A listener's failure must not stop the others or the latch.
      }
    }
  }
}
