/**
 * PersistentNode — keeps one node existing, with the latest data, whatever happens to the
 * connection (Curator's PersistentNode). Modes: `ephemeral`, `ephemeral-sequential` (always
 * protected: `_c_<uuid>-<name>NNNNNNNNNN`), `persistent`, `persistent-with-ttl` (touched every
 * `touchInterval` so that the server never reaps it while we run).
 *
 * Failure semantics:
 * - suspended: nothing changes; an ephemeral lives as long as the session. Writes (`setData`,
 *   re-creations) wait for the next connection.
 * - reconnected (same session): the node is checked; if it was deleted meanwhile it is created
 *   again, and data set while disconnected is written.
 * - lost / session expiry: the ephemeral died with the session; on the new session it is
 *   created again, exactly once, with the latest data. Our nodes left by the old session (not
 *   reaped yet) are deleted first, so an ephemeral-sequential node is never duplicated.
 * - deleted by someone else: re-created at once (a data watch on our node).
 * - another session's ephemeral at our (non-sequential) path: left alone; ours is created when
 *   that one goes.
 * - close(): removes our watch and listeners and deletes our node (default for the ephemeral
 *   modes; `deleteOnClose`); idempotent. While disconnected it waits for the connection at most
 *   one session timeout (after that an ephemeral is gone with the session). The client's close
 *   closes the recipe.
 */

import { randomUUID } from 'node:crypto';
import {
  type ACL,
  ClientClosedError,
  type Data,
  isRetryable,
  NodeExistsError,
  NoNodeError,
  protectedPrefix,
  SessionExpiredError,
  type Stat,
  type WatchEvent,
  type ZooKeeperClient,
} from '@zookit/client';
import { Gate } from '../cache/gate.js';
import { checkPath, ensureParents } from '../internal/paths.js';
import { Serial } from '../internal/serial.js';
import { deleteOwnNode, findByPrefix, isConnected, removeDataWatch } from './own-node.js';

/** How a {@link PersistentNode} creates its node. */
export type PersistentNodeMode = 'ephemeral' | 'ephemeral-sequential' | 'persistent' | 'persistent-with-ttl';

/** Options of a {@link PersistentNode}. */
export interface PersistentNodeOptions {
  /** Default `'ephemeral'`. */
  readonly mode?: PersistentNodeMode;
  /** Initial data (default none); see {@link PersistentNode.setData}. */
  readonly data?: Data;
  /** Time to live in ms, required with `persistent-with-ttl` (the server must enable TTL nodes). */
  readonly ttl?: number;
  /** How often a TTL node is touched (its data written again), in ms. Default `ttl / 2`. */
  readonly touchInterval?: number;
  /** Create missing parents (as containers). Default true; when false, creation fails with NoNode. */
  readonly createParents?: boolean;
  /** Delete the node on close. Default true for the ephemeral modes, false for the persistent ones. */
  readonly deleteOnClose?: boolean;
  readonly acl?: readonly ACL[];
}

type RecipeState = 'latent' | 'started' | 'closed';

export class PersistentNode implements AsyncDisposable {
  /** The path asked for (for ephemeral-sequential: the prefix the name is made from). */
  readonly path: string;
  readonly mode: PersistentNodeMode;
  readonly #client: ZooKeeperClient;
  readonly #options: PersistentNodeOptions;
  readonly #serial = new Serial();
  readonly #created = new Gate<string>();
  readonly #createListeners = new Set<(path: string) => void>();
  readonly #dataWaiters = new Set<{ version: number; gate: Gate<void> }>();
  /** Fixed for the recipe's life: a create whose reply was lost is found again by it. */
  readonly #prefix = protectedPrefix(randomUUID());
  /** Aborted by close() while disconnected: requests still queued are then never sent. */
  readonly #queued = new AbortController();
  #state: RecipeState = 'latent';
  #data: Data;
  #dataVersion = 0;
  #appliedVersion = -1;
  #actualPath: string | undefined;
  #czxid: bigint | undefined;
  #createAttempted = false;
  #unsubscribe: (() => void) | undefined;
  #touchTimer: NodeJS.Timeout | undefined;
  #lastError: unknown;

  constructor(client: ZooKeeperClient, path: string, options: PersistentNodeOptions = {}) {
    this.path = checkPath('path', path);
    this.mode = options.mode ?? 'ephemeral';
    if (!['ephemeral', 'ephemeral-sequential', 'persistent', 'persistent-with-ttl'].includes(this.mode)) {
      throw new TypeError(`mode: unsupported PersistentNode mode ${JSON.stringify(this.mode)}`);
    }
    if (this.mode === 'persistent-with-ttl' && !(typeof options.ttl === 'number' && options.ttl > 0)) {
      throw new RangeError('ttl: persistent-with-ttl needs a positive ttl in ms');
    }
    this.#client = client;
    this.#options = options;
    this.#data = options.data ?? null;
  }

  get state(): RecipeState {
    return this.#state;
  }

  /** Our node's path while it is known to exist as ours (with the sequence suffix), else undefined. */
  get actualPath(): string | undefined {
    return this.#czxid === undefined ? undefined : this.#actualPath;
  }

  /** The data the node is kept with. */
  get data(): Data {
    return this.#data;
  }

  /** The last error, other than a connection or session loss, that stopped a creation (e.g. NoAuth). */
  get lastError(): unknown {
    return this.#lastError;
  }

  get #ephemeral(): boolean {
    return this.mode === 'ephemeral' || this.mode === 'ephemeral-sequential';
  }

  get #sequential(): boolean {
    return this.mode === 'ephemeral-sequential';
  }

  /** Starts keeping the node, in the background; see {@link waitForInitialCreate}. */
  start(): void {
    if (this.#state !== 'latent') throw new Error(`PersistentNode ${this.path} cannot start: it is ${this.#state}`);
    this.#state = 'started';
    this.#unsubscribe = this.#client.onStateChange((e) => {
      if (e.state === 'closed') void this.close();
      else if (e.state === 'reconnected' || e.state === 'connected') this.#background();
    });
    if (this.mode === 'persistent-with-ttl') {
      const every = this.#options.touchInterval ?? (this.#options.ttl as number) / 2;
      this.#touchTimer = setInterval(() => this.#background(true), every);
      this.#touchTimer.unref?.();
    }
    this.#background();
  }

  /**
   * Resolves with the node's path once it was first created (or found) as ours. Rejects with
   * `signal.reason`, when the recipe closes, or with the error that stopped a creation (then a
   * later wait may still succeed: creation is tried again on the next reconnection).
   */
  waitForInitialCreate(options: { signal?: AbortSignal } = {}): Promise<string> {
    if (this.#state === 'closed') return Promise.reject(this.#closedError());
    return this.#created.wait(options.signal);
  }

  /** Calls `listener(path)` each time this recipe (re)creates the node. Returns the unsubscribe function. */
  onCreate(listener: (path: string) => void): () => void {
    this.#createListeners.add(listener);
    return () => this.#createListeners.delete(listener);
  }

  /**
   * Sets the data the node is kept with: written to the current node and used by every later
   * re-creation, also when this write is cut by a disconnect (CURATOR-181). Resolves once the
   * node carries it (at once before start); rejects with `signal.reason` (the data stays set),
   * or when the recipe closes first.
   */
  setData(data: Data, options: { signal?: AbortSignal } = {}): Promise<void> {
    if (this.#state === 'closed') return Promise.reject(this.#closedError());
    this.#data = data;
    const version = ++this.#dataVersion;
    if (this.#state === 'latent') return Promise.resolve();
    const waiter = { version, gate: new Gate<void>() };
    this.#dataWaiters.add(waiter);
    this.#background();
    return waiter.gate.wait(options.signal).finally(() => this.#dataWaiters.delete(waiter));
  }

  /** Stops keeping the node: removes our watch and listeners, deletes the node (see `deleteOnClose`). Idempotent. */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    const wasStarted = this.#state === 'started';
    this.#state = 'closed';
    this.#unsubscribe?.();
    clearInterval(this.#touchTimer);
    const closed = this.#closedError();
    this.#created.rejectWaiters(closed);
    for (const { gate } of this.#dataWaiters) gate.fail(closed);
    this.#createListeners.clear();
    if (!isConnected(this.#client)) this.#queued.abort(closed);
    await this.#serial.run(async () => {
      const path = this.#sequential ? this.#actualPath : this.path;
      if (path) await removeDataWatch(this.#client, path, this.#onNodeEvent);
      if (wasStarted && (this.#options.deleteOnClose ?? this.#ephemeral)) {
        await this.#deleteOwn(AbortSignal.timeout(this.#client.sessionTimeout));
      }
      this.#czxid = undefined;
    });
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #closedError(): Error {
    return new Error(`PersistentNode ${this.path} is closed`);
  }

  /**
   * Checks the node (creating or touching it) after the current task. A failure is not fatal:
   * connection and session losses are retried on the next state event; anything else is kept
   * in `lastError` and rejects the current waiters.
   */
  #background(touch = false): void {
    this.#serial
      .run(async () => {
        if (touch && this.#czxid !== undefined) this.#appliedVersion = -1; // writing the data again is the touch
        await this.#ensure();
      })
      .catch((err) => {
        if (this.#state !== 'started' || isRetryable(err)) return;
        if (err instanceof SessionExpiredError || err instanceof ClientClosedError) return;
        this.#lastError = err;
        this.#created.rejectWaiters(err);
        for (const { gate } of this.#dataWaiters) gate.rejectWaiters(err);
      });
  }

  readonly #onNodeEvent = (event: WatchEvent): void => {
    if (event.type === 'NodeDeleted' || event.type === 'NodeDataChanged' || event.type === 'NodeCreated') {
      if (this.#state === 'started') this.#background();
    }
  };

  /** Reads our node (with a data watch) until it exists as ours with the latest data; bounded. */
  async #ensure(): Promise<void> {
    const signal = this.#queued.signal;
    for (let round = 0; round < 10 && this.#state === 'started'; round++) {
      const session = this.#client.sessionId;
      const path = this.#sequential ? this.#actualPath : this.path;
      if (path) {
        const stat = await this.#read(path);
        if (stat && (!this.#ephemeral || stat.ephemeralOwner === session)) {
          await this.#adopt(path, stat);
          return;
        }
        if (stat && stat.czxid === this.#czxid) {
          // Ours, left by an expired session and not reaped yet: it would outlive the new one's.
          await deleteOwnNode(this.#client, path, stat.czxid, signal);
          this.#czxid = undefined;
          continue;
        }
        // Another session's ephemeral holds our path: our watch on it wakes us when it goes.
        if (stat && !this.#sequential) return;
        this.#czxid = undefined;
        if (this.#sequential) await removeDataWatch(this.#client, path, this.#onNodeEvent);
      }
      await this.#create();
    }
  }

  async #read(path: string): Promise<Stat | null> {
    try {
      return (await this.#client.getData(path, { watch: this.#onNodeEvent, signal: this.#queued.signal })).stat;
    } catch (err) {
      if (err instanceof NoNodeError) return null; // no watch was set
      throw err;
    }
  }

  async #adopt(path: string, stat: Stat): Promise<void> {
    // A node this recipe did not create (a persistent one from an earlier run, or one whose
    // create reply was lost) gets our data.
    if (stat.czxid !== this.#czxid) this.#appliedVersion = -1;
    this.#actualPath = path;
    this.#czxid = stat.czxid;
    if (this.#appliedVersion !== this.#dataVersion) {
      const version = this.#dataVersion;
      await this.#client.setData(path, this.#data, { signal: this.#queued.signal });
      this.#applied(version);
    }
    this.#created.open(path);
  }

  /** One create attempt; the caller then reads what is there now. */
  async #create(): Promise<void> {
    const signal = this.#queued.signal;
    const version = this.#dataVersion;
    let path = this.path;
    if (this.#sequential) {
      const own = await this.#findOwn();
      if (own) {
        this.#actualPath = own;
        return;
      }
      const slash = this.path.lastIndexOf('/');
      path = `${this.path.slice(0, slash)}/${this.#prefix}${this.path.slice(slash + 1)}`;
    }
    const options = { mode: this.mode, ttl: this.#options.ttl, acl: this.#options.acl, signal };
    this.#createAttempted = true;
    let result: { path: string; stat: Stat };
    try {
      try {
        result = await this.#client.create(path, this.#data, options);
      } catch (err) {
        if (!(err instanceof NoNodeError) || this.#options.createParents === false) throw err;
        await ensureParents(this.#client, path, signal);
        result = await this.#client.create(path, this.#data, options);
      }
    } catch (err) {
      if (err instanceof NodeExistsError) return;
      throw err;
    }
    this.#actualPath = result.path;
    this.#czxid = result.stat.czxid;
    this.#applied(version);
    for (const listener of [...this.#createListeners]) {
      try {
        listener(result.path);
      } catch {
        // A listener's failure must not stop the recipe.
      }
    }
  }

  /**
   * After an earlier create attempt, looks for our nodes by the protection prefix: one owned by
   * the current session is ours (its create reply was lost); others were left by an expired
   * session and are deleted, so the node is never duplicated.
   */
  async #findOwn(): Promise<string | undefined> {
    if (!this.#createAttempted) return undefined;
    const signal = this.#queued.signal;
    let own: string | undefined;
    for (const { path, stat } of await findByPrefix(this.#client, this.#parent, this.#prefix, signal)) {
      if (!own && stat.ephemeralOwner === this.#client.sessionId) own = path;
      else await deleteOwnNode(this.#client, path, stat.czxid, signal);
    }
    return own;
  }

  /** On close: our node, and for ephemeral-sequential any node of ours whose create reply was lost. */
  async #deleteOwn(signal: AbortSignal): Promise<void> {
    try {
      if (this.#sequential) {
        if (!this.#createAttempted) return;
        for (const { path, stat } of await findByPrefix(this.#client, this.#parent, this.#prefix, signal)) {
          await deleteOwnNode(this.#client, path, stat.czxid, signal);
        }
      } else if (this.#czxid !== undefined) {
        await deleteOwnNode(this.#client, this.path, this.#czxid, signal);
      } else if (this.#createAttempted && this.#ephemeral) {
        const { stat } = await this.#client.exists(this.path, { signal });
        if (stat?.ephemeralOwner === this.#client.sessionId) {
          await deleteOwnNode(this.#client, this.path, stat.czxid, signal);
        }
      }
    } catch {
      // Out of time or session: an ephemeral goes with its session anyway.
    }
  }

  get #parent(): string {
    return this.path.slice(0, this.path.lastIndexOf('/')) || '/';
  }

  #applied(version: number): void {
    if (version > this.#appliedVersion) this.#appliedVersion = version;
    for (const waiter of [...this.#dataWaiters]) {
      if (waiter.version <= this.#appliedVersion) waiter.gate.open();
    }
  }
}
