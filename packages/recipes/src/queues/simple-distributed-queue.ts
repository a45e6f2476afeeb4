/**
 * SimpleDistributedQueue — ZooKeeper's plain queue recipe (Curator's SimpleDistributedQueue,
 * with its node names `qn-<sequence>`): `offer` creates a persistent-sequential child; `poll`
 * / `take` list the children in order and race to delete the head — the consumer whose delete
 * succeeds owns the item. At most once: an item is gone before its taker processes it.
 *
 * Failure semantics:
 * - suspended / lost / session expiry: items are persistent and no call holds anything of the
 *   session; a call cut off by a connection loss is asked again once reconnected. A delete cut
 *   off that way may have been applied: its item is then lost (at most once).
 * - `take` waits with a children watch. When the queue node (a container) is reaped while a
 *   consumer waits (CURATOR-308), the watch fires, the node is created again and the wait goes
 *   on with a watch on it: no hang.
 * - close(): pending calls reject with an error naming the queue, their watches removed;
 *   idempotent. The queue holds nothing between calls, so it needs no start().
 * - cancelled call (`signal`): rejects with `signal.reason`, its watch removed.
 */
import { NoNodeError, type ZooKeeperClient } from '@zookit/client';
import { CallScope } from '../barriers/call-scope.js';
import { checkPath } from '../internal/paths.js';
import { orderChildrenOf, sequenceOrder } from '../internal/sequence-order.js';
import { waitForChildren } from './children-watch.js';

const PREFIX = 'qn-';
const order = sequenceOrder(PREFIX);

/** Rejection of `remove` / `element` on an empty queue (Java's NoSuchElementException). */
export class QueueEmptyError extends Error {
  override readonly name = 'QueueEmptyError';
  constructor(path: string) {
    super(`queue ${path} is empty`);
  }
}

export class SimpleDistributedQueue implements AsyncDisposable {
  readonly path: string;
  readonly #client: ZooKeeperClient;
  readonly #calls = new CallScope();

  constructor(client: ZooKeeperClient, path: string) {
    this.path = checkPath('path', path);
    this.#client = client;
  }

  /** Appends `data` (missing parents are created as containers). */
  offer(data: Uint8Array | string, options: { signal?: AbortSignal } = {}): Promise<void> {
    if (!(data instanceof Uint8Array) && typeof data !== 'string') {
      throw new TypeError(`data: expected bytes (Uint8Array) or a string, got ${data === null ? 'null' : typeof data}`);
    }
    return this.#calls.run(options.signal, async (signal) => {
      await this.#client.create(`${this.path}/${PREFIX}`, data, {
        mode: 'persistent-sequential',
        parents: 'container',
        signal,
      });
    });
  }

  /** The head's data without removing it, or `null` when empty. */
  peek(options: { signal?: AbortSignal } = {}): Promise<Buffer | null> {
    return this.#calls.run(options.signal, (signal) => this.#head(signal, false));
  }

  /** The head's data without removing it; rejects with QueueEmptyError when empty. */
  element(options: { signal?: AbortSignal } = {}): Promise<Buffer> {
    return this.#orThrow(this.peek(options));
  }

  /** Removes and returns the head's data, or `null` when empty. */
  poll(options: { signal?: AbortSignal } = {}): Promise<Buffer | null> {
    return this.#calls.run(options.signal, (signal) => this.#head(signal, true));
  }

  /** Removes and returns the head's data; rejects with QueueEmptyError when empty. */
  remove(options: { signal?: AbortSignal } = {}): Promise<Buffer> {
    return this.#orThrow(this.poll(options));
  }

  /** Removes and returns the head's data, waiting (with a watch, never polling) until there is one. */
  take(options: { signal?: AbortSignal } = {}): Promise<Buffer> {
    return this.#calls.run(options.signal, async (signal) => {
      for (;;) {
        const children = await waitForChildren(this.#client, this.path, signal, async (listed) => {
          if (listed !== undefined) return listed.length > 0 ? 'done' : 'wait';
          // Never created, or reaped while empty (CURATOR-308): create it so that the next
          // listing can set its watch. A fresh container is not reaped before it had a child.
          await this.#client.ensurePath(this.path, { mode: 'container', signal });
          return 'again';
        });
        const data = await this.#head(signal, true, children);
        if (data !== null) return data;
      }
    });
  }

  /** Rejects pending calls (after removing their watches); later calls reject. Idempotent. */
  close(): Promise<void> {
    return this.#calls.close(new Error(`SimpleDistributedQueue ${this.path} closed`));
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** The head's data (deleted when `take`): tries the children in order; a NoNode means another consumer won it. */
  async #head(signal: AbortSignal, take: boolean, listed?: string[]): Promise<Buffer | null> {
    for (;;) {
      let children: string[];
      try {
        children = listed ?? (await this.#client.getChildren(this.path, { signal })).children;
      } catch (err) {
        if (err instanceof NoNodeError) return null;
        throw err;
      }
      listed = undefined;
      const sorted = await orderChildrenOf(
        this.#client,
        this.path,
        children.filter((c) => c.startsWith(PREFIX)),
        order,
        signal,
      );
      if (sorted.length === 0) return null;
      for (const name of sorted) {
        const path = `${this.path}/${name}`;
        try {
          const { data } = await this.#client.getData(path, { signal });
          if (take) await this.#client.delete(path, { signal });
          return data ?? Buffer.alloc(0);
        } catch (err) {
          if (!(err instanceof NoNodeError)) throw err;
        }
      }
      // Every listed item went to other consumers: list again.
    }
  }

  async #orThrow(value: Promise<Buffer | null>): Promise<Buffer> {
    const data = await value;
    if (data === null) throw new QueueEmptyError(this.path);
    return data;
  }
}
