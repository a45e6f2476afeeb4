import {
  ClientClosedError,
  ConnectionLossError,
  NoNodeError,
  SessionExpiredError,
  type ZooKeeperClient,
} from '@zookit/client';
import { CallScope } from '../barriers/call-scope.js';
import { EventChannel } from '../internal/event-channel.js';
import { checkPath } from '../internal/paths.js';
import { orderChildrenOf, type QueueOrder } from '../internal/sequence-order.js';
import { wakeOn } from '../locks/wake-on.js';
import { ChildrenWatch, waitForChildren } from './children-watch.js';
import { ITEM_PREFIX, type ItemNaming, itemOrder } from './item-naming.js';
import type { DistributedQueueOptions, QueueEvent, QueueMode } from './queue-types.js';
import { type TakeContext, takeAtMostOnce, takeSafely } from './take-item.js';

type RecipeState = 'latent' | 'started' | 'closed';

/** How long the consumer waits before looking again after an unexpected error. */
const ERROR_BACKOFF_MS = 1000;

/**
 * The engine of every distributed queue variant (Curator's DistributedQueue): puts
 * persistent-sequential items named by the variant's {@link ItemNaming}, and runs one consumer
 * loop that lists the items in order, takes the first it can (safe or at-most-once, see
 * take-item.ts) and otherwise waits on watches — the queue's children (a put), the locks'
 * children (a crashed consumer's lock vanishing) — or a timer for the next due item. Never polls.
 */
export class QueueEngine implements AsyncDisposable {
  readonly path: string;
  readonly lockPath: string;
  readonly #client: ZooKeeperClient;
  readonly #kind: string;
  readonly #naming: ItemNaming;
  readonly #order: QueueOrder;
  readonly #mode: QueueMode;
  readonly #maxItems: number | undefined;
  readonly #take: TakeContext | undefined;
  readonly #events = new EventChannel<QueueEvent>();
  readonly #calls = new CallScope();
  readonly #queueWatch: ChildrenWatch;
  readonly #lockWatch: ChildrenWatch;
  #state: RecipeState = 'latent';
  #loop: Promise<void> | undefined;
  /** Set by every watch event: the loop looks again before it sleeps. */
  #dirty = false;
  #kick: (() => void) | undefined;
  #unsubscribe: (() => void) | undefined;

  constructor(
    client: ZooKeeperClient,
    path: string,
    kind: string,
    naming: ItemNaming,
    options: DistributedQueueOptions,
  ) {
    this.path = checkPath('path', path);
    this.lockPath = checkPath('lockPath', options.lockPath ?? `${path}-locks`);
    if (this.lockPath === this.path || this.lockPath.startsWith(`${this.path}/`)) {
      throw new TypeError(`lockPath: must not be the queue path or under it, got ${JSON.stringify(this.lockPath)}`);
    }
    const { consumer, mode = 'safe', errorMode = 'requeue', maxItems, errorPolicy = 'standard' } = options;
    if (consumer !== undefined && typeof consumer !== 'function') throw new TypeError('consumer: expected a function');
    if (mode !== 'safe' && mode !== 'at-most-once') {
      throw new TypeError(`mode: expected 'safe' or 'at-most-once', got ${JSON.stringify(mode)}`);
    }
    if (errorMode !== 'requeue' && errorMode !== 'delete') {
      throw new TypeError(`errorMode: expected 'requeue' or 'delete', got ${JSON.stringify(errorMode)}`);
    }
    if (errorPolicy !== 'standard' && errorPolicy !== 'session') {
      throw new TypeError(`errorPolicy: expected 'standard' or 'session', got ${JSON.stringify(errorPolicy)}`);
    }
    if (maxItems !== undefined && (!Number.isSafeInteger(maxItems) || maxItems < 1)) {
      throw new RangeError(`maxItems: expected a positive integer, got ${String(maxItems)}`);
    }
    this.#client = client;
    this.#kind = kind;
    this.#naming = naming;
    this.#order = itemOrder(naming);
    this.#mode = mode;
    this.#maxItems = maxItems;
    this.#queueWatch = new ChildrenWatch(client, this.path, () => this.#poke());
    this.#lockWatch = new ChildrenWatch(client, this.lockPath, () => this.#poke());
    this.#take = consumer && {
      client,
      path: this.path,
      lockPath: this.lockPath,
      consumer,
      errorMode,
      errorPolicy,
      events: this.#events,
      requeueName: (name) => `${ITEM_PREFIX}${naming.parse(name)?.key ?? ''}`,
    };
  }

  get state(): RecipeState {
    return this.#state;
  }

  /** Creates the queue node (a container) if missing and starts consuming (with a consumer). */
  async start(options: { signal?: AbortSignal } = {}): Promise<void> {
    if (this.#state !== 'latent') throw new Error(`${this.#kind} ${this.path} cannot start: it is ${this.#state}`);
    this.#state = 'started';
    // The client's close ends the queue: its consumer stops, its iterators end.
    this.#unsubscribe = this.#client.onStateChange((e) => {
      if (e.state === 'closed') void this.close();
    });
    try {
      await this.#calls.run(options.signal, (signal) =>
        this.#client.ensurePath(this.path, { mode: 'container', signal }),
      );
    } catch (err) {
      await this.close();
      throw err;
    }
    if (this.#take) this.#loop = this.#consume(this.#take);
  }

  /** Puts `data` as `queue-<key><sequence>`; resolves with the item's name. */
  protected putItem(key: string, data: Uint8Array | string, options: { signal?: AbortSignal } = {}): Promise<string> {
    if (!(data instanceof Uint8Array) && typeof data !== 'string') {
      throw new TypeError(`item: expected bytes (Uint8Array) or a string, got ${data === null ? 'null' : typeof data}`);
    }
    if (this.#state !== 'started') throw new Error(`${this.#kind} ${this.path} cannot put: it is ${this.#state}`);
    return this.#calls.run(options.signal, async (signal) => {
      if (this.#maxItems !== undefined) await this.#waitForRoom(this.#maxItems, signal);
      for (let attempt = 0; ; attempt++) {
        try {
          const { path } = await this.#client.create(`${this.path}/${ITEM_PREFIX}${key}`, data, {
            mode: 'persistent-sequential',
            signal,
          });
          return path.slice(this.path.length + 1);
        } catch (err) {
          // The queue node is a container: the server reaps it once emptied.
          if (!(err instanceof NoNodeError) || attempt >= 3) throw err;
          await this.#client.ensurePath(this.path, { mode: 'container', signal });
        }
      }
    });
  }

  /** The item names in consumption order (due or not). */
  items(options: { signal?: AbortSignal } = {}): Promise<string[]> {
    return this.#calls.run(options.signal, (signal) => this.#list(signal, false));
  }

  /** Deletes the items whose key satisfies `match` and that no consumer holds; resolves with how many. */
  protected removeWhere(match: (key: string) => boolean, options: { signal?: AbortSignal } = {}): Promise<number> {
    return this.#calls.run(options.signal, async (signal) => {
      let count = 0;
      for (const name of await this.#list(signal, false)) {
        const item = this.#naming.parse(name);
        if (!item || !match(item.key)) continue;
        if (this.#mode === 'safe' && (await this.#client.exists(`${this.lockPath}/${name}`, { signal })).stat) continue;
        try {
          await this.#client.delete(`${this.path}/${name}`, { signal });
          count++;
        } catch (err) {
          if (!(err instanceof NoNodeError)) throw err;
        }
      }
      return count;
    });
  }

  /** Calls `listener` with what happens to each item this queue's consumer takes. Returns the unsubscribe function. */
  on(listener: (event: QueueEvent) => void): () => void {
    return this.#events.on(listener);
  }

  /** The same events as an async iterator; ends when the queue closes, rejects with `signal.reason`. */
  events(options: { signal?: AbortSignal } = {}): AsyncIterableIterator<QueueEvent> {
    return this.#events.iterate(options.signal);
  }

  /**
   * Stops: aborts the consumer's item signal and waits for the handler to return (the item then
   * stays in the queue, its lock deleted), rejects pending puts, removes the watches. Idempotent.
   * The client's close closes the queue.
   */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#unsubscribe?.();
    await this.#calls.close(new Error(`${this.#kind} ${this.path} closed`));
    await this.#loop;
    await Promise.all([this.#queueWatch.cancel(), this.#lockWatch.cancel()]);
    this.#events.end();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #list(signal: AbortSignal, watch: boolean): Promise<string[]> {
    let children = watch
      ? await this.#queueWatch.list(signal)
      : await this.#client.getChildren(this.path, { signal }).then(
          (r) => r.children,
          (err) => (err instanceof NoNodeError ? undefined : Promise.reject(err)),
        );
    if (children === undefined) {
      // Reaped while empty (CURATOR-308): create it again, so the watch has a node to be set on.
      await this.#client.ensurePath(this.path, { mode: 'container', signal });
      children = watch ? ((await this.#queueWatch.list(signal)) ?? []) : [];
    }
    const items = children.filter((c) => this.#naming.parse(c) !== undefined);
    return orderChildrenOf(this.#client, this.path, items, this.#order, signal);
  }

  #consume(take: TakeContext): Promise<void> {
    return this.#calls
      .run(undefined, async (closing) => {
        for (;;) {
          closing.throwIfAborted();
          try {
            const dueIn = await this.#consumeOnce(take, closing);
            if (dueIn !== 0) await this.#idle(closing, dueIn);
          } catch (err) {
            if (closing.aborted || err instanceof ClientClosedError) return;
            // The client waits for the next connection (or session) by itself: look again.
            if (err instanceof ConnectionLossError || err instanceof SessionExpiredError) continue;
            this.#events.emit({ type: 'error', error: err });
            await this.#idle(closing, ERROR_BACKOFF_MS);
          }
        }
      })
      .catch(() => undefined);
  }

  /**
   * Takes one item if it can: resolves 0 when it took one (look again at once), else the ms
   * until the next item is due (`undefined`: none is scheduled), with the watches armed.
   */
  async #consumeOnce(take: TakeContext, closing: AbortSignal): Promise<number | undefined> {
    this.#dirty = false;
    const sorted = await this.#list(closing, true);
    const now = Date.now();
    let nextDue: number | undefined;
    const locked: string[] = [];
    for (const name of sorted) {
      const dueAt = this.#naming.dueAt?.(this.#naming.parse(name)?.key ?? '');
      if (dueAt !== undefined && dueAt > now) {
        nextDue = Math.min(nextDue ?? dueAt, dueAt);
        continue;
      }
      const outcome =
        this.#mode === 'safe' ? await takeSafely(take, name, closing) : await takeAtMostOnce(take, name, closing);
      if (outcome === 'done') return 0;
      if (outcome === 'locked') locked.push(name);
    }
    if (locked.length > 0) {
      // Items held by other consumers: a lock that vanishes without its item (a crash, a lost
      // session) must wake us. One children watch on the locks covers them all.
      const locks = new Set((await this.#lockWatch.list(closing)) ?? []);
      if (locked.some((name) => !locks.has(name))) return 0;
    }
    return nextDue === undefined ? undefined : Math.max(1, nextDue - now);
  }

  /** Resolves on the next watch event (at once if one came since the last look) or after `ms`. */
  async #idle(signal: AbortSignal, ms: number | undefined): Promise<void> {
    if (this.#dirty) return;
    const wake = wakeOn(signal);
    this.#kick = wake.fire;
    const timer = ms === undefined ? undefined : setTimeout(wake.fire, ms);
    try {
      await wake.promise;
    } finally {
      clearTimeout(timer);
      this.#kick = undefined;
    }
  }

  #poke(): void {
    this.#dirty = true;
    this.#kick?.();
  }

  /** Waits until the queue holds fewer than `max` items (a children watch per wait, removed on every path). */
  async #waitForRoom(max: number, signal: AbortSignal): Promise<void> {
    await waitForChildren(this.#client, this.path, signal, (children) =>
      (children ?? []).filter((c) => this.#naming.parse(c) !== undefined).length < max ? 'done' : 'wait',
    );
  }
}
