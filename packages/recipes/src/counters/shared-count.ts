/**
 * SharedCount — a shared 32-bit integer (Curator's SharedCount: a SharedValue holding a 4-byte
 * big-endian int, so zookit and Curator share counts). Compare-and-set on the node's version.
 *
 * Failure semantics (as SharedValue):
 * - suspended: `count` keeps the last value read; writes wait for the connection or reject with
 *   ConnectionLossError (then possibly applied: read `count` after the reconnect).
 * - reconnected / lost: the node is persistent; after every reconnect the count is read again
 *   and the watch set again, and listeners hear of changes made meanwhile.
 * - A node whose data is not a 4-byte int is ignored (the last good count stays); start()
 *   rejects if the node holds one from the beginning.
 * - close(): removes the watch and every listener; iterators finish. Idempotent.
 */
import type { ZooKeeperClient } from '@zookit/client';
import { checkPath } from '../internal/paths.js';
import { int32Codec } from './codecs.js';
import { type SharedCallOptions, SharedNode, type Versioned } from './shared-node.js';

export class SharedCount implements AsyncDisposable {
  readonly #node: SharedNode<number>;

  /** `seed` is written only if the node does not exist yet (the first seed wins). */
  constructor(client: ZooKeeperClient, path: string, seed: number) {
    this.#node = new SharedNode('SharedCount', client, checkPath('path', path), seed, int32Codec);
  }

  get path(): string {
    return this.#node.path;
  }

  get state(): 'latent' | 'started' | 'closed' {
    return this.#node.state;
  }

  /** The last count read (throws before start()). */
  get count(): number {
    return this.#node.current.value;
  }

  /** The node version `count` was read at. */
  get version(): number {
    return this.#node.current.version;
  }

  /** `count` and `version` read together, for {@link trySetCount}. */
  get versioned(): Versioned<number> {
    return this.#node.current;
  }

  start(options: SharedCallOptions = {}): Promise<void> {
    return this.#node.start(options);
  }

  /**
   * Sets `newCount` only if the node is still at `expectedVersion`. False when another write
   * came first; `count`/`version` are then refreshed for the next attempt.
   */
  trySetCount(newCount: number, expectedVersion: number, options: SharedCallOptions = {}): Promise<boolean> {
    return this.#node.trySet(newCount, expectedVersion, options);
  }

  /** Sets `newCount` unconditionally. */
  setCount(newCount: number, options: SharedCallOptions = {}): Promise<void> {
    return this.#node.set(newCount, options);
  }

  /** Calls `listener` with each new count seen, ours included. Returns the unsubscribe function. */
  onChange(listener: (change: Versioned<number>) => void): () => void {
    return this.#node.onChange(listener);
  }

  /** The new counts seen from now on; finishes at close(), rejects with `signal.reason`. */
  changes(options: SharedCallOptions = {}): AsyncIterableIterator<Versioned<number>> {
    return this.#node.changes(options);
  }

  close(): Promise<void> {
    return this.#node.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
