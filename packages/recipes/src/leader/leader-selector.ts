/**
 * LeaderSelector — leadership as a turn (Curator's LeaderSelector): every selector queues on a
 * Mutex at `path` (nodes `_c_<uuid>-lock-NNNNNNNNNN` holding the participant id, so zookit and
 * Curator selectors on one path share one queue). The selector holding the mutex runs
 * `takeLeadership`; leadership lasts until it returns, then the mutex is released and, with
 * `autoRequeue`, the selector queues again at the back.
 *
 * Failure semantics:
 * - suspended: a queued selector keeps its place (its node and watch survive a reconnect with
 *   the same session). The leader's `signal` aborts under the standard error policy (default):
 *   it must stop acting and return; under the session policy nothing happens.
 * - lost / session expiry: the server deletes the leader's node and the next selector leads;
 *   the old leader's `signal` aborts (`lost`). A queued selector whose node died with the
 *   session queues again under the new session.
 * - A grant is dispatched only if, right before `takeLeadership` is called, the lease is intact,
 *   its session is the client's current one and the connection is not in an error state for
 *   the policy: a loss between grant and dispatch never invokes `takeLeadership`; the selector
 *   releases that grant and queues again (the request was not served).
 * - close(): aborts the leader's signal (reason `closed`), waits for `takeLeadership` to return
 *   (it must honour the signal), deletes the node; a queued selector leaves the queue, its node
 *   deleted. Idempotent.
 * - `takeLeadership` throwing ends leadership like a return; the error goes to `onError`. An
 *   acquire failing other than by connection or session loss (e.g. NoAuth) ends the turn, also
 *   reported to `onError`; with `autoRequeue` the selector queues again after a pause.
 * Leadership carries a fencing token (the czxid of the mutex node): send it to resources.
 */
import { isRetryable, NoNodeError, type RetryPolicy, SessionExpiredError, type ZooKeeperClient } from '@zookit/client';
import { type ConnectionErrorPolicy, isErrorState } from '../connection-error-policy.js';
import { publishLeadership } from '../diagnostics.js';
import { checkPath } from '../internal/paths.js';
import { orderChildrenOf, sequenceOrder } from '../internal/sequence-order.js';
import { type Lease, LeaseLostError } from '../locks/lease.js';
import { Mutex } from '../locks/mutex.js';
import type { Leadership } from './leader-latch.js';

/** Options of a {@link LeaderSelector}. */
export interface LeaderSelectorOptions {
  /**
   * Runs while this selector leads; leadership ends when it settles. Stop and return as soon as
   * `leadership.signal` aborts, and pass `leadership.token` to every protected resource.
   */
  readonly takeLeadership: (leadership: Leadership) => Promise<void> | void;
  /** Queue again after each turn. Default false: one turn per start()/requeue(). */
  readonly autoRequeue?: boolean;
  /** Default `'standard'`: leadership ends on `suspended`. */
  readonly errorPolicy?: ConnectionErrorPolicy;
  /** Participant id stored in our node (see {@link LeaderSelector.participants}). Default ''. */
  readonly id?: string;
  /** Receives failures of `takeLeadership` and of queueing. Default: ignored. */
  readonly onError?: (error: unknown) => void;
}

/** One selector in the queue, as {@link LeaderSelector.participants} reports it. */
export interface Participant {
  readonly id: string;
  readonly isLeader: boolean;
}

/**
 * Internal option for tests (not exported from the package): `afterGrant(lease)` runs between
 * the grant and the dispatch checks, so a test can lose the session exactly there.
 */
const leaderSelectorHooks: unique symbol = Symbol.for('@zookit/recipes/leader-selector-hooks');
interface Hooks {
  readonly afterGrant?: (lease: Lease) => Promise<void>;
}

type SelectorState = 'latent' | 'started' | 'closed';

const LOCK_ORDER = sequenceOrder('lock-');
/** Between attempts to queue after a connection or session loss: 50 ms doubling to 2 s, forever. */
const REQUEUE_POLICY: RetryPolicy = { allowRetry: (n) => Math.min(2000, 50 * 2 ** Math.min(n, 6)) };
const PAUSE_AFTER_FAILURE_MS = 1000;

export class LeaderSelector implements AsyncDisposable {
  readonly path: string;
  readonly id: string;
  readonly #client: ZooKeeperClient;
  readonly #mutex: Mutex;
  readonly #policy: ConnectionErrorPolicy;
  readonly #options: LeaderSelectorOptions;
  readonly #hooks: Hooks | undefined;
  readonly #closing = new AbortController();
  readonly #listeners = new Set<(isLeader: boolean) => void>();
  #state: SelectorState = 'latent';
  #turn: Promise<void> | undefined;
  #leading: { leadership: Leadership; controller: AbortController } | undefined;
  #closed: Promise<void> | undefined;

  constructor(client: ZooKeeperClient, path: string, options: LeaderSelectorOptions) {
    this.path = checkPath('path', path);
    if (typeof options?.takeLeadership !== 'function') throw new TypeError('takeLeadership: expected a function');
    this.id = options.id ?? '';
    this.#client = client;
    this.#options = options;
    this.#policy = options.errorPolicy ?? 'standard';
    this.#hooks = (options as { [leaderSelectorHooks]?: Hooks })[leaderSelectorHooks];
    this.#mutex = new Mutex(client, path, { errorPolicy: this.#policy });
  }

  get state(): SelectorState {
    return this.#state;
  }

  /** Whether `takeLeadership` is running and its leadership has not ended. */
  get hasLeadership(): boolean {
    return this.#leading !== undefined && !this.#leading.leadership.signal.aborted;
  }

  /** Joins the queue (one turn, or every turn with `autoRequeue`). */
  start(): void {
    if (this.#state !== 'latent') throw new Error(`LeaderSelector ${this.path} cannot start: it is ${this.#state}`);
    this.#state = 'started';
    this.#enqueue();
  }

  /** Queues for one more turn; false if already queued or leading. */
  requeue(): boolean {
    if (this.#state !== 'started') throw new Error(`LeaderSelector ${this.path} is ${this.#state}`);
    return this.#enqueue();
  }

  /** Aborts the current leadership's signal (Curator's interruptLeadership); the turn ends when `takeLeadership` returns. */
  interruptLeadership(): void {
    this.#leading?.controller.abort(new Error(`leadership of ${this.path} interrupted`));
  }

  /** Calls `listener(true)` before `takeLeadership` runs and `listener(false)` after it settled. Returns the unsubscribe function. */
  onChange(listener: (isLeader: boolean) => void): () => void {
    const entry = (isLeader: boolean) => listener(isLeader);
    this.#listeners.add(entry);
    return () => this.#listeners.delete(entry);
  }

  /** The queue in order, the leader first (Curator's getParticipants). */
  async participants(options: { signal?: AbortSignal } = {}): Promise<Participant[]> {
    const { signal } = options;
    const { children } = await this.#client.getChildren(this.path, { signal }).catch((err: unknown) => {
      if (err instanceof NoNodeError) return { children: [] as string[] };
      throw err;
    });
    const out: Participant[] = [];
    for (const name of await orderChildrenOf(this.#client, this.path, children, LOCK_ORDER, signal)) {
      const read = await this.#client.getData(`${this.path}/${name}`, { signal }).catch(() => undefined);
      if (read) out.push({ id: read.data?.toString('utf8') ?? '', isLeader: out.length === 0 });
    }
    return out;
  }

  /** Leaves: ends leadership (waiting for `takeLeadership` to return) or the queue, deleting our node. Idempotent. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.#state = 'closed';
      this.#closing.abort(new Error(`LeaderSelector ${this.path} closed`));
      const leading = this.#leading;
      leading?.controller.abort(new LeaseLostError('closed', leading.leadership.path));
      await this.#turn;
      this.#listeners.clear();
    })();
    return this.#closed;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #enqueue(): boolean {
    if (this.#turn || this.#state !== 'started') return false;
    const turn = this.#takeTurn().then(async (outcome: 'led' | 'failed' | 'closed') => {
      this.#turn = undefined;
      if (!this.#options.autoRequeue || this.#state !== 'started') return;
      if (outcome === 'failed') await pause(PAUSE_AFTER_FAILURE_MS, this.#closing.signal);
      this.#enqueue();
    });
    this.#turn = turn;
    return true;
  }

  /** One turn: queue until a grant can be dispatched, lead, release. Never rejects. */
  async #takeTurn(): Promise<'led' | 'failed' | 'closed'> {
    try {
      return await this.#queueAndLead();
    } catch (err) {
      this.#report(err);
      return 'failed';
    }
  }

  async #queueAndLead(): Promise<'led' | 'failed' | 'closed'> {
    const closing = this.#closing.signal;
    for (let failures = 0; ; ) {
      let lease: Lease;
      try {
        // Not through retry(): an abandoned acquire would clean up after close() returned.
        lease = await this.#mutex.acquire({ signal: closing, data: this.id });
      } catch (err) {
        if (closing.aborted) return 'closed';
        if (!(err instanceof SessionExpiredError || isRetryable(err))) {
          this.#report(err);
          return 'failed';
        }
        await pause(REQUEUE_POLICY.allowRetry(failures++, 0) || 0, closing);
        continue;
      }
      try {
        await this.#hooks?.afterGrant?.(lease);
        if (!this.#dispatchable(lease)) continue; // the finally releases this grant
        await this.#lead(lease);
        return 'led';
      } finally {
        await lease.release();
      }
    }
  }

  #dispatchable(lease: Lease): boolean {
    const state = this.#client.state;
    return (
      this.#state === 'started' &&
      !lease.signal.aborted &&
      lease.sessionId === this.#client.sessionId &&
      state !== 'connecting' &&
      state !== 'read-only' &&
      !isErrorState(this.#policy, state)
    );
  }

  async #lead(lease: Lease): Promise<void> {
    const controller = new AbortController();
    const leadership: Leadership = {
      token: lease.token,
      path: lease.path,
      signal: AbortSignal.any([lease.signal, controller.signal]),
    };
    this.#leading = { leadership, controller };
    // Leadership is lost at the first of its signal aborting and takeLeadership settling.
    const publish = (event: 'granted' | 'lost') =>
      publishLeadership({ event, recipe: 'LeaderSelector', path: this.path, id: this.id });
    const lost = () => publish('lost');
    publish('granted');
    leadership.signal.addEventListener('abort', lost, { once: true });
    this.#notify(true);
    try {
      await this.#options.takeLeadership(leadership);
    } catch (err) {
      this.#report(err);
    } finally {
      this.#leading = undefined;
      if (!leadership.signal.aborted) {
        leadership.signal.removeEventListener('abort', lost);
        lost();
      }
      this.#notify(false);
    }
  }

  #notify(isLeader: boolean): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(isLeader);
      } catch {
        // A listener's failure must not stop the others or the selector.
      }
    }
  }

  #report(err: unknown): void {
    try {
      this.#options.onError?.(err);
    } catch {
      // The error sink's own failure has nowhere left to go.
    }
  }
}

/** Waits `ms`, or less if `signal` aborts (never rejects). */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
