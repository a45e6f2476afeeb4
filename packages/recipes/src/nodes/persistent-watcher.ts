/**
 * PersistentWatcher — a persistent (or persistent-recursive) watch kept as a recipe across
 * sessions (Curator's PersistentWatcher). Events reach listeners and async iterators in the
 * order the server sent them.
 *
 * Failure semantics:
 * - suspended: no events arrive while disconnected; the server keeps the watch for the session.
 * - reconnected (same session): the client re-registered the watch before any request, but
 *   ZooKeeper 3.8 does not replay to persistent watches the changes made meanwhile, so the
 *   watcher emits `{ type: 'Reset', newSession: false }`: re-read what you depend on.
 * - lost / session expiry: the watch died with the session (`SessionExpired` is emitted); on
 *   the new session it is added again and `{ type: 'Reset', newSession: true }` is emitted once
 *   the server accepted it.
 * - close(): removes the watch (here and on the server), ends iterators, drops listeners;
 *   idempotent. The client's close emits `Closed` and closes the watcher.
 */
import {
  ConnectionLossError,
  type PersistentWatch,
  SessionExpiredError,
  type WatchEvent,
  type ZooKeeperClient,
} from '@zookit/client';
import { Gate } from '../cache/gate.js';
import { EventChannel } from '../internal/event-channel.js';
import { checkPath } from '../internal/paths.js';
import { Serial } from '../internal/serial.js';
import { isConnected, whileConnected } from './own-node.js';

/** The watch was (re-)established after a gap in which events may have been missed. */
export interface PersistentWatcherReset {
  readonly type: 'Reset';
  readonly path: string;
  /** True when the watch was added again on a new session (after `SessionExpired`). */
  readonly newSession: boolean;
}

/** What a {@link PersistentWatcher} delivers: the server's events, `SessionExpired`, `Closed`, and resets. */
export type PersistentWatcherEvent = WatchEvent | PersistentWatcherReset;

/** Options of a {@link PersistentWatcher}. */
export interface PersistentWatcherOptions {
  /** Watch the whole subtree (persistent-recursive). Default false (the node itself, and its children list). */
  readonly recursive?: boolean;
}

type RecipeState = 'latent' | 'started' | 'closed';

export class PersistentWatcher implements AsyncDisposable {
  readonly path: string;
  readonly recursive: boolean;
  readonly #client: ZooKeeperClient;
  readonly #serial = new Serial();
  readonly #channel = new EventChannel<PersistentWatcherEvent>();
  readonly #added = new Gate<void>();
  #state: RecipeState = 'latent';
  #watch: PersistentWatch | undefined;
  /** Aborts the add in progress, if any. */
  #adding: AbortController | undefined;
  #unsubscribe: (() => void) | undefined;

  constructor(client: ZooKeeperClient, path: string, options: PersistentWatcherOptions = {}) {
    this.path = checkPath('path', path);
    this.recursive = options.recursive ?? false;
    this.#client = client;
  }

  get state(): RecipeState {
    return this.#state;
  }

  /**
   * Adds the watch. Resolves once the server accepted it (events from then on are delivered);
   * rejects with `signal.reason` (the watcher is then closed) or with the server's refusal.
   */
  async start(options: { signal?: AbortSignal } = {}): Promise<void> {
    if (this.#state !== 'latent') throw new Error(`PersistentWatcher ${this.path} cannot start: it is ${this.#state}`);
    this.#state = 'started';
    this.#unsubscribe = this.#client.onStateChange((e) => {
      if (this.#state !== 'started') return;
      if (e.state === 'lost') {
        this.#watch = undefined; // the client ended it
        this.#channel.emit({ type: 'SessionExpired', path: this.path });
      } else if (e.state === 'closed') {
        this.#channel.emit({ type: 'Closed', path: this.path });
        void this.close();
      } else if (e.state === 'reconnected' || e.state === 'read-only') {
        if (!e.newSession && this.#watch) this.#channel.emit({ type: 'Reset', path: this.path, newSession: false });
        else this.#add(e.newSession);
      }
    });
    this.#add(undefined);
    try {
      await this.#added.wait(options.signal);
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  /** Calls `listener` with every event. Returns the unsubscribe function. */
  on(listener: (event: PersistentWatcherEvent) => void): () => void {
    return this.#channel.on(listener);
  }

  /** Events from now on; ends when the watcher closes, rejects with `signal.reason`. */
  events(options: { signal?: AbortSignal } = {}): AsyncIterableIterator<PersistentWatcherEvent> {
    return this.#channel.iterate(options.signal);
  }

  /** Removes the watch, ends iterators and drops listeners. Idempotent. */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#unsubscribe?.();
    this.#channel.end();
    const closed = new Error(`PersistentWatcher ${this.path} is closed`);
    this.#added.fail(closed);
    // An add waiting for a connection was never sent: drop it rather than wait (and leave no
    // watch anywhere). One already sent is awaited, so that its registration is removed too.
    if (!isConnected(this.#client)) this.#adding?.abort(closed);
    await this.#serial.run(async () => {
      const watch = this.#watch;
      this.#watch = undefined;
      // Removed here at once; the server's copy only while connected (it dies with the session).
      if (watch) await whileConnected(this.#client, watch.close());
    });
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * Adds the watch (after the task in progress) and emits a reset once the server accepted it,
   * unless this is the first add. A failed add (connection lost) is retried on the next
   * reconnection; a refusal fails `start()`.
   */
  #add(newSession: boolean | undefined): void {
    this.#serial
      .run(async () => {
        if (this.#state !== 'started') return;
        const previous = this.#watch;
        this.#watch = undefined;
        await previous?.close();
        const adding = new AbortController();
        this.#adding = adding;
        const mode = this.recursive ? 'persistent-recursive' : 'persistent';
        const watch = this.#client.watch(this.path, { mode, signal: adding.signal });
        void this.#pump(watch);
        try {
          await watch.ready;
        } finally {
          this.#adding = undefined;
        }
        if (this.#state !== 'started') return void (await whileConnected(this.#client, watch.close()));
        this.#watch = watch;
        if (newSession !== undefined && this.#added.settled) {
          this.#channel.emit({ type: 'Reset', path: this.path, newSession });
        }
        this.#added.open();
      })
      .catch((err: unknown) => {
        if (this.#state !== 'started') return;
        if (err instanceof ConnectionLossError || err instanceof SessionExpiredError) return;
        if (!this.#added.settled) this.#added.fail(err);
      });
  }

  /** Forwards one watch's events; the state listener reports its end (SessionExpired, Closed). */
  async #pump(watch: PersistentWatch): Promise<void> {
    try {
      for await (const event of watch) {
        if (event.type === 'SessionExpired' || event.type === 'Closed') break;
        if (this.#state === 'started') this.#channel.emit(event);
      }
    } catch {
      // The add was refused or the connection lost before it was accepted: reported by #add.
    }
  }
}
