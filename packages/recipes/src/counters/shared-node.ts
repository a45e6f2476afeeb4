import {
  BadVersionError,
  NodeExistsError,
  NoNodeError,
  type Stat,
  type Watcher,
  type ZooKeeperClient,
} from '@zookit/client';
import { EventChannel } from '../internal/event-channel.js';
import { ensureParents } from '../internal/paths.js';
import { Serial } from '../internal/serial.js';
import type { Codec } from './codecs.js';

/** A value with the znode version it was read at (pass the version to a compare-and-set). */
export interface Versioned<T> {
  readonly value: T;
  readonly version: number;
}

/** Options of one call of a shared value. */
export interface SharedCallOptions {
  readonly signal?: AbortSignal;
}

type SharedState = 'latent' | 'started' | 'closed';

/**
 * The engine of SharedValue and SharedCount: one persistent node holds the value, a data watch
 * keeps a local copy current, writes compare-and-set on the node's version. Freshness is
 * decided by mzxid, never by version: a version restarts at 0 when the node is re-created and
 * wraps after 2^31 sets (CURATOR-688), an mzxid only grows.
 */
export class SharedNode<T> {
  readonly path: string;
  readonly #kind: string;
  readonly #client: ZooKeeperClient;
  readonly #codec: Codec<T>;
  readonly #seed: T;
  readonly #serial = new Serial();
  readonly #feed = new EventChannel<Versioned<T>>();
  readonly #closing = new AbortController();
  #state: SharedState = 'latent';
  #current: { value: T; version: number; mzxid: bigint } | undefined;
  #unsubscribe: (() => void) | undefined;
  #closed: Promise<void> | undefined;
  readonly #watcher: Watcher = (event) => {
    // SessionExpired/Closed end the watch without news; a new session triggers a re-read.
    if (this.#state !== 'started' || event.type === 'SessionExpired' || event.type === 'Closed') return;
    if (event.type.endsWith('WatchRemoved')) return;
    this.#refreshInBackground();
  };

  constructor(kind: string, client: ZooKeeperClient, path: string, seed: T, codec: Codec<T>) {
    this.#kind = kind;
    this.path = path;
    this.#client = client;
    this.#codec = codec;
    this.#seed = seed;
    codec.encode(seed); // reject a bad seed now, not at start()
  }

  get state(): SharedState {
    return this.#state;
  }

  get current(): Versioned<T> {
    if (!this.#current) throw new Error(`${this.#kind} ${this.path} is not started`);
    return { value: this.#current.value, version: this.#current.version };
  }

  /** Creates the node with the seed unless it exists, reads it and starts following it. */
  async start(options: SharedCallOptions = {}): Promise<void> {
    if (this.#state !== 'latent') throw new Error(`${this.#kind} ${this.path} cannot start: it is ${this.#state}`);
    this.#state = 'started';
    this.#unsubscribe = this.#client.onStateChange((e) => {
      // Also after a reconnect with the same session: the read is cheap and closes any gap (CURATOR-311).
      if (e.state === 'reconnected') this.#refreshInBackground();
    });
    const signal = options.signal ? AbortSignal.any([options.signal, this.#closing.signal]) : this.#closing.signal;
    try {
      await ensureParents(this.#client, this.path, signal);
      try {
        await this.#client.create(this.path, this.#codec.encode(this.#seed), { signal });
      } catch (err) {
        if (!(err instanceof NodeExistsError)) throw err;
      }
      await this.#serial.run(() => this.#read(signal));
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  /** Writes `value` if the node is still at `expectedVersion`; false (and a refreshed copy) if not. */
  async trySet(value: T, expectedVersion: number, options: SharedCallOptions = {}): Promise<boolean> {
    this.#assertStarted();
    if (!Number.isInteger(expectedVersion) || expectedVersion < -(2 ** 31) || expectedVersion >= 2 ** 31) {
      throw new RangeError(`expectedVersion: expected a 32-bit integer, got ${String(expectedVersion)}`);
    }
    // ZooKeeper reads version -1 as "any": that would be a blind write, not a compare-and-set.
    if (expectedVersion === -1) throw new RangeError('expectedVersion: -1 matches any version; use set()');
    const data = this.#codec.encode(value);
    try {
      const stat = await this.#client.setData(this.path, data, { version: expectedVersion, signal: options.signal });
      this.#apply(data, stat);
      return true;
    } catch (err) {
      if (!(err instanceof BadVersionError)) throw err;
    }
    // Another writer was first: refresh, so the caller's next attempt starts from the current value.
    await this.#serial.run(() => this.#read(options.signal));
    return false;
  }

  /** Writes `value` whatever the current version. */
  async set(value: T, options: SharedCallOptions = {}): Promise<void> {
    this.#assertStarted();
    const data = this.#codec.encode(value);
    this.#apply(data, await this.#client.setData(this.path, data, { signal: options.signal }));
  }

  onChange(listener: (change: Versioned<T>) => void): () => void {
    return this.#feed.on(listener);
  }

  changes(options: SharedCallOptions = {}): AsyncIterableIterator<Versioned<T>> {
    return this.#feed.iterate(options.signal);
  }

  /** Stops following the node: removes the watch, the state listener and every listener. Idempotent. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.#state = 'closed';
      this.#unsubscribe?.();
      this.#closing.abort(new Error(`${this.#kind} ${this.path} closed`));
      // After any read in progress, so that no watch is set behind our back.
      await this.#serial.run(() =>
        this.#client
          .removeWatches(this.path, { type: 'data', watcher: this.#watcher, local: !this.#client.connectedServer })
          .catch(() => undefined),
      );
      this.#feed.end();
    })();
    return this.#closed;
  }

  #assertStarted(): void {
    if (this.#state !== 'started') throw new Error(`${this.#kind} ${this.path} is ${this.#state}`);
  }

  /**
   * A failed background read (connection lost meanwhile) is not fatal: the reconnect that
   * follows starts another one.
   */
  #refreshInBackground(): void {
    this.#serial.run(() => this.#read(this.#closing.signal)).catch(() => undefined);
  }

  async #read(signal: AbortSignal | undefined): Promise<void> {
    while (this.#state === 'started') {
      try {
        const { data, stat } = await this.#client.getData(this.path, { watch: this.#watcher, signal });
        this.#apply(data ?? new Uint8Array(0), stat);
        return;
      } catch (err) {
        if (!(err instanceof NoNodeError)) throw err;
      }
      // Deleted: keep the last value and watch for the node to come back.
      const { stat } = await this.#client.exists(this.path, { watch: this.#watcher, signal });
      if (!stat) return;
    }
  }

  #apply(data: Uint8Array, stat: Stat): void {
    if (this.#current && stat.mzxid <= this.#current.mzxid) return;
    // A value that does not decode (written by something else) is skipped; the last good one stays.
    const value = this.#codec.decode(data);
    this.#current = { value, version: stat.version, mzxid: stat.mzxid };
    this.#feed.emit({ value, version: stat.version });
  }
}
