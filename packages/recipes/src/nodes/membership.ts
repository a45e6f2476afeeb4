/**
 * Membership — a read-only view of a group's members: the children of the group node (the
 * ephemeral nodes of GroupMember, PersistentNode, or the PartitionAssigner's `members/`), each
 * with the data it had when it joined, and the zxid at which the set was observed.
 *
 * The view's `zxid` is the group node's pzxid (the zxid of its last child created or deleted)
 * as read together with the children, so two observers — on any servers of the ensemble —
 * holding views with the same zxid hold the same member set. 0n while the group node does not
 * exist.
 *
 * Failure semantics:
 * - suspended: the view is kept as it is, flagged `stale` (a `stale` event): a member leaves
 *   the view only when its node is deleted, never because we cannot see the server.
 * - reconnected (same session): the children are read again; changes are emitted, then `view`.
 * - lost / session expiry: the view is kept, flagged stale; on the new session the watch is
 *   set again and the children read again (members whose session ended meanwhile leave).
 * - close(): removes our watch (here and, while connected, on the server), ends iterators and
 *   drops listeners; idempotent. The client's close closes the view.
 *
 * Not guaranteed: a member's data is read once, when it joins; later changes to it are not
 * tracked (use a TreeCache for that). A member that joins and leaves between two reads may
 * never be seen.
 */
import { type ConnectionStateEvent, NoNodeError, type WatchEvent, type ZooKeeperClient } from '@zookit/client';
import { childPath } from '../cache/cache-node.js';
import { EventChannel } from '../internal/event-channel.js';
import { checkPath } from '../internal/paths.js';
import { Serial } from '../internal/serial.js';
import { removeOwnWatch } from './own-node.js';

/** The members (id → data at join; null without data) and the zxid of the observation. */
export interface MembershipView {
  readonly members: ReadonlyMap<string, Buffer | null>;
  /** The group node's pzxid when the member set was read (0n: no group node). */
  readonly zxid: bigint;
}

/**
 * What a {@link Membership} reports, in order: `joined`/`left` for each difference found by a
 * read, then `view` with the new view (also when only the zxid changed); `stale` on a
 * suspension or session loss, cleared by the next `view`.
 */
export type MembershipEvent =
  | { readonly type: 'joined'; readonly id: string; readonly data: Buffer | null }
  | { readonly type: 'left'; readonly id: string }
  | { readonly type: 'view'; readonly view: MembershipView }
  | { readonly type: 'stale'; readonly reason: 'suspended' | 'lost' };

type RecipeState = 'latent' | 'started' | 'closed';

const EMPTY: MembershipView = { members: new Map(), zxid: 0n };

export class Membership implements AsyncDisposable {
  readonly path: string;
  readonly #client: ZooKeeperClient;
  readonly #channel = new EventChannel<MembershipEvent>();
  readonly #serial = new Serial();
  /** Aborted by close(): reads in progress are abandoned. */
  readonly #reads = new AbortController();
  #state: RecipeState = 'latent';
  #view: MembershipView = EMPTY;
  #stale = false;
  #loaded = false;
  #unsubscribe: (() => void) | undefined;

  constructor(client: ZooKeeperClient, groupPath: string) {
    this.path = checkPath('groupPath', groupPath);
    this.#client = client;
  }

  get state(): RecipeState {
    return this.#state;
  }

  /** The last view read (empty before start). */
  get view(): MembershipView {
    return this.#view;
  }

  /** True from a suspension or session loss until the next read completes. */
  get stale(): boolean {
    return this.#stale;
  }

  /**
   * Sets the watch and reads the members. Resolves once the first view is loaded (the group
   * node may not exist: the view is then empty until it is created). Rejects with
   * `signal.reason`; the view is then closed.
   */
  async start(options: { signal?: AbortSignal } = {}): Promise<void> {
    if (this.#state !== 'latent') throw new Error(`Membership ${this.path} cannot start: it is ${this.#state}`);
    this.#state = 'started';
    this.#unsubscribe = this.#client.onStateChange((e) => this.#onState(e));
    const signal = options.signal ? AbortSignal.any([options.signal, this.#reads.signal]) : this.#reads.signal;
    try {
      await this.#serial.run(() => this.#read(signal));
    } catch (err) {
      await this.close();
      throw options.signal?.aborted ? options.signal.reason : err;
    }
  }

  /** Calls `listener` with every event. Returns the unsubscribe function. */
  on(listener: (event: MembershipEvent) => void): () => void {
    return this.#channel.on(listener);
  }

  /** Events from now on; ends when the view closes, rejects with `signal.reason`. */
  events(options: { signal?: AbortSignal } = {}): AsyncIterableIterator<MembershipEvent> {
    return this.#channel.iterate(options.signal);
  }

  /** Removes the watch, ends iterators, drops listeners. Idempotent. */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#unsubscribe?.();
    this.#channel.end();
    this.#reads.abort(new Error(`Membership ${this.path} is closed`));
    await this.#serial.run(async () => {
      // One watcher function, registered as a child watch or (no group node) an exists watch.
      await removeOwnWatch(this.#client, this.path, this.#onWatch, 'any');
    });
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #onState(e: ConnectionStateEvent): void {
    if (this.#state !== 'started') return;
    if (e.state === 'closed') {
      void this.close();
    } else if (e.state === 'suspended' || e.state === 'lost') {
      if (this.#stale) return;
      this.#stale = true;
      this.#channel.emit({ type: 'stale', reason: e.state });
    } else if (e.state === 'reconnected') {
      // Same session: the client set the watch again, but changes made meanwhile are read
      // now. New session: the watch ended with the old one and is set again by this read.
      this.#refresh();
    }
  }

  readonly #onWatch = (event: WatchEvent): void => {
    if (event.type === 'NodeChildrenChanged' || event.type === 'NodeCreated' || event.type === 'NodeDeleted') {
      this.#refresh();
    }
  };

  /** Reads again after the current read. A failure (connection or session loss) waits for the next reconnect. */
  #refresh(): void {
    if (this.#state !== 'started') return;
    this.#serial.run(() => this.#read(this.#reads.signal)).catch(() => undefined);
  }

  async #read(signal: AbortSignal): Promise<void> {
    for (;;) {
      if (this.#state !== 'started') return;
      let children: string[];
      let zxid: bigint;
      try {
        const read = await this.#client.getChildren(this.path, { watch: this.#onWatch, signal });
        children = read.children;
        zxid = read.stat.pzxid;
      } catch (err) {
        if (!(err instanceof NoNodeError)) throw err;
        // No group node: wait for its creation (an exists watch), unless it was just created.
        if ((await this.#client.exists(this.path, { watch: this.#onWatch, signal })).stat) continue;
        children = [];
        zxid = 0n;
      }
      await this.#apply(children.sort(), zxid, signal);
      return;
    }
  }

  async #apply(children: readonly string[], zxid: bigint, signal: AbortSignal): Promise<void> {
    const previous = this.#view;
    const before = previous.members;
    const members = new Map<string, Buffer | null>();
    const joined: string[] = [];
    for (const id of children) {
      if (before.has(id)) {
        members.set(id, before.get(id) ?? null);
        continue;
      }
      let data: Buffer | null = null;
      try {
        ({ data } = await this.#client.getData(childPath(this.path, id), { signal }));
      } catch (err) {
        // Gone already: it was a member at `zxid`; its leaving is the next read's news.
        if (!(err instanceof NoNodeError)) throw err;
      }
      members.set(id, data);
      joined.push(id);
    }
    if (this.#state !== 'started') return;
    const wasStale = this.#stale;
    this.#view = { members, zxid };
    this.#stale = false;
    for (const id of before.keys()) if (!members.has(id)) this.#channel.emit({ type: 'left', id });
    for (const id of joined) this.#channel.emit({ type: 'joined', id, data: members.get(id) ?? null });
    const first = !this.#loaded;
    this.#loaded = true;
    if (first || wasStale || zxid !== previous.zxid || joined.length > 0 || members.size !== before.size) {
      this.#channel.emit({ type: 'view', view: this.#view });
    }
  }
}
