/**
 * SharedValue — a value every process shares and sees change, kept in one persistent node
 * (Curator's SharedValue; same raw-bytes format). Writes are compare-and-set on the node's
 * version, so concurrent writers never lose each other's updates unknowingly.
 *
 * Failure semantics:
 * - suspended: `value` keeps the last value read (it may be stale until reconnected); writes
 *   wait for the connection (or reject with ConnectionLossError when it broke under them — the
 *   write may then have been applied: read `value` after the reconnect).
 * - reconnected (same or new session) and lost: the node is persistent, so nothing is lost;
 *   after every reconnect the value is read again and the watch set again (CURATOR-311), and
 *   listeners hear of any change made meanwhile.
 * - The node deleted by someone else: `value` keeps the last value; it follows the node again
 *   once it is re-created. trySetValue/setValue then reject with NoNodeError.
 * - close(): removes the watch, the state listener and every listener; iterators finish.
 *   Idempotent. A failed start() closes the object.
 */
import type { ZooKeeperClient } from '@zookit/client';
import { checkPath } from '../internal/paths.js';
import { bytesCodec, toBytes } from './codecs.js';
import { type SharedCallOptions, SharedNode, type Versioned } from './shared-node.js';

export class SharedValue implements AsyncDisposable {
  readonly #node: SharedNode<Uint8Array>;

  /** `seed` is written only if the node does not exist yet (the first seed wins). */
  constructor(client: ZooKeeperClient, path: string, seed: Uint8Array | string) {
    this.#node = new SharedNode('SharedValue', client, checkPath('path', path), toBytes(seed), bytesCodec);
  }

  get path(): string {
    return this.#node.path;
  }

  get state(): 'latent' | 'started' | 'closed' {
    return this.#node.state;
  }

  /** The last value read (throws before start()). */
  get value(): Uint8Array {
    return this.#node.current.value;
  }

  /** The node version `value` was read at. */
  get version(): number {
    return this.#node.current.version;
  }

  /** `value` and `version` read together, for {@link trySetValue}. */
  get versioned(): Versioned<Uint8Array> {
    return this.#node.current;
  }

  /** Creates the node with the seed unless it exists, reads it and starts following it. */
  start(options: SharedCallOptions = {}): Promise<void> {
    return this.#node.start(options);
  }

  /**
   * Sets `newValue` only if the node is still at `expectedVersion` (compare-and-set). False
   * when another write came first; `value`/`version` are then refreshed for the next attempt.
   */
  trySetValue(
    newValue: Uint8Array | string,
    expectedVersion: number,
    options: SharedCallOptions = {},
  ): Promise<boolean> {
    return this.#node.trySet(toBytes(newValue), expectedVersion, options);
  }

  /** Sets `newValue` unconditionally (last writer wins). */
  setValue(newValue: Uint8Array | string, options: SharedCallOptions = {}): Promise<void> {
    return this.#node.set(toBytes(newValue), options);
  }

  /** Calls `listener` with each new value seen, ours included. Returns the unsubscribe function. */
  onChange(listener: (change: Versioned<Uint8Array>) => void): () => void {
    return this.#node.onChange(listener);
  }

  /** The new values seen from now on; finishes at close(), rejects with `signal.reason`. */
  changes(options: SharedCallOptions = {}): AsyncIterableIterator<Versioned<Uint8Array>> {
    return this.#node.changes(options);
  }

  close(): Promise<void> {
    return this.#node.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
