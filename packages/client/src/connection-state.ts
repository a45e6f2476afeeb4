/**
 * The connection states a client reports, in the order they happen. What a recipe must do:
 * - `connected`: the first session is established. Safe to act.
 * - `suspended`: the connection broke or nothing was heard for 2/3 of the session timeout. The
 *   session may still be alive, but this client can no longer prove it: a lock holder or leader
 *   must stop acting as one until `reconnected` (Curator's standard error policy).
 * - `reconnected`: connected again. With `newSession: false` the session survived: ephemerals
 *   and watches are intact. With `newSession: true` (after `lost`) everything session-bound is gone
 *   and must be rebuilt.
 * - `lost`: the session expired (the server said so) or must be presumed expired (disconnected for
 *   a full session timeout). Every request pending at that moment failed with SessionExpired, every
 *   watch ended with a `SessionExpired` event. Locks and leadership are gone.
 * - `read-only`: connected to a server that lost its quorum and serves reads only.
 * - `auth-failed`: the server refused a credential (AuthFailed) and closed the connection. Terminal,
 *   as ZooKeeper's AUTH_FAILED: the client does not reconnect (it would only be anonymous), every
 *   pending and later request fails with AuthFailedError, and `closed` follows at once.
 * - `closed`: the client was closed; nothing more will happen.
 */
export type ConnectionState =
  | 'connected'
  | 'suspended'
  | 'reconnected'
  | 'lost'
  | 'read-only'
  | 'auth-failed'
  | 'closed';

/** One state change. */
export interface ConnectionStateEvent {
  readonly state: ConnectionState;
  /** The session the state applies to (for `lost`: the session that was lost; 0n before any session). */
  readonly sessionId: bigint;
  /** True on the first event of a session that replaced a lost one. */
  readonly newSession: boolean;
  /** Why the state changed, for logs (`"server expired the session"`, `"no reply for 2700 ms"`). */
  readonly reason?: string | undefined;
  /** The error that ended the client, on `auth-failed` (an AuthFailedError naming the scheme). */
  readonly error?: Error | undefined;
}

/** A state listener; its return value is ignored and its exceptions are reported, not rethrown. */
export type ConnectionStateListener = (event: ConnectionStateEvent) => void;

/**
 * Delivers state events to listeners and iterators strictly in order: an event raised while
 * listeners are being called (a listener that closes the client) waits until every listener
 * has seen the previous one.
 */
export class StateEmitter {
  readonly #listeners = new Set<ConnectionStateListener>();
  readonly #queue: ConnectionStateEvent[] = [];
  readonly #onListenerError: (err: unknown) => void;
  #delivering = false;

  constructor(onListenerError: (err: unknown) => void) {
    this.#onListenerError = onListenerError;
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }

  on(listener: ConnectionStateListener): () => void {
    if (typeof listener !== 'function') throw new TypeError('listener: expected a function');
    // Wrap so that the same function added twice is two subscriptions with two unsubscribes.
    const entry: ConnectionStateListener = (e) => listener(e);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  emit(event: ConnectionStateEvent): void {
    this.#queue.push(event);
    if (this.#delivering) return;
    this.#delivering = true;
    try {
      for (let e = this.#queue.shift(); e; e = this.#queue.shift()) {
        for (const listener of [...this.#listeners]) {
          try {
            listener(e);
          } catch (err) {
            this.#onListenerError(err);
          }
        }
      }
    } finally {
      this.#delivering = false;
    }
  }

  /**
   * Events from now on as an async iterable; it ends after `closed`, or when `signal` aborts
   * (then it rejects with the signal's reason). Events are buffered, never dropped.
   */
  iterate(signal?: AbortSignal): AsyncIterableIterator<ConnectionStateEvent> {
    const buffered: ConnectionStateEvent[] = [];
    let wake: (() => void) | undefined;
    let ended = false;
    const unsubscribe = this.on((e) => {
      buffered.push(e);
      wake?.();
    });
    const onAbort = () => wake?.();
    signal?.addEventListener('abort', onAbort, { once: true });
    const stop = () => {
      ended = true;
      unsubscribe();
      signal?.removeEventListener('abort', onAbort);
    };
    const iterator: AsyncIterableIterator<ConnectionStateEvent> = {
      [Symbol.asyncIterator]: () => iterator,
      next: async () => {
        for (;;) {
          const e = buffered.shift();
          if (e) {
            if (e.state === 'closed') stop();
            return { value: e, done: false };
          }
          if (ended) return { value: undefined, done: true };
          if (signal?.aborted) {
            stop();
            throw signal.reason;
          }
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = undefined;
        }
      },
      return: async () => {
        stop();
        return { value: undefined, done: true };
      },
    };
    return iterator;
  }
}
