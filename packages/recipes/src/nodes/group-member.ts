/**
 * GroupMember — membership in a group: an ephemeral `<group>/<id>` node holding the member's
 * data (a {@link PersistentNode}) and a view of every member (a {@link TreeCache} of the
 * group's children), as Curator's GroupMember and kazoo's Party.
 *
 * Failure semantics:
 * - suspended: our membership lives as long as the session; the view is kept, flagged `stale`.
 * - reconnected (same session): our node is checked (re-created if deleted) and the view is
 *   read again (`resynced`).
 * - lost / session expiry: our node died with the session; on the new session it is created
 *   again, exactly once, with the latest data, and the view is rebuilt (`resynced`).
 * - close(): deletes our node, removes every watch and listener; idempotent. The client's
 *   close closes the member.
 */
import type { Data, ZooKeeperClient } from '@zookit/client';
import type { TreeCacheEvent } from '../cache/cache-event.js';
import { childPath } from '../cache/cache-node.js';
import { TreeCache } from '../cache/tree-cache.js';
import { EventChannel } from '../internal/event-channel.js';
import { checkPath } from '../internal/paths.js';
import { PersistentNode } from './persistent-node.js';

/** A change of the group as this member sees it (`initialized` and `resynced` as the TreeCache's). */
export type GroupMemberEvent =
  | { readonly type: 'joined' | 'updated'; readonly id: string; readonly data: Buffer | null }
  | { readonly type: 'left'; readonly id: string }
  | { readonly type: 'initialized' | 'resynced' };

/** Options of a {@link GroupMember}. */
export interface GroupMemberOptions {
  /** This member's data. Default none. */
  readonly data?: Data;
}

type RecipeState = 'latent' | 'started' | 'closed';

export class GroupMember implements AsyncDisposable {
  readonly groupPath: string;
  readonly id: string;
  readonly #node: PersistentNode;
  readonly #cache: TreeCache;
  readonly #channel = new EventChannel<GroupMemberEvent>();
  readonly #client: ZooKeeperClient;
  #state: RecipeState = 'latent';
  #unsubscribe: (() => void) | undefined;

  constructor(client: ZooKeeperClient, groupPath: string, id: string, options: GroupMemberOptions = {}) {
    this.groupPath = checkPath('groupPath', groupPath);
    if (typeof id !== 'string' || id === '' || id.includes('/')) {
      throw new TypeError(`id: expected a node name, got ${JSON.stringify(id)}`);
    }
    this.id = id;
    this.#client = client;
    this.#node = new PersistentNode(client, childPath(groupPath, id), {
      mode: 'ephemeral',
      data: options.data ?? null,
    });
    this.#cache = new TreeCache(client, groupPath, { maxDepth: 1 });
    this.#cache.on((e) => this.#forward(e));
  }

  get state(): RecipeState {
    return this.#state;
  }

  /** Whether the view may be out of date (see TreeCache `stale`). */
  get stale(): boolean {
    return this.#cache.stale;
  }

  /**
   * Joins: resolves once our node exists and the view is loaded. Rejects with `signal.reason`
   * (the member is then closed, its node deleted).
   */
  async start(options: { signal?: AbortSignal } = {}): Promise<void> {
    if (this.#state !== 'latent') throw new Error(`GroupMember ${this.id} cannot start: it is ${this.#state}`);
    this.#state = 'started';
    // Its node and cache close with the client; the member must end its iterators too.
    this.#unsubscribe = this.#client.onStateChange((e) => {
      if (e.state === 'closed') void this.close();
    });
    try {
      this.#node.start();
      await this.#node.waitForInitialCreate(options);
      await this.#cache.start(options);
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  /**
   * The members (id → data) as last seen, always including this one with its latest data while
   * started (its own node may not have reached the view yet).
   */
  getCurrentMembers(): Map<string, Buffer | null> {
    const members = new Map<string, Buffer | null>();
    for (const name of this.#cache.children(this.groupPath) ?? []) {
      members.set(name, this.#cache.get(childPath(this.groupPath, name))?.data ?? null);
    }
    if (this.#state === 'started') {
      const data = this.#node.data;
      members.set(this.id, data === null ? null : typeof data === 'string' ? Buffer.from(data) : Buffer.from(data));
    }
    return members;
  }

  /** Changes this member's data (kept for re-creations); see PersistentNode `setData`. */
  setData(data: Data, options: { signal?: AbortSignal } = {}): Promise<void> {
    return this.#node.setData(data, options);
  }

  /** Calls `listener` with every change of the group. Returns the unsubscribe function. */
  on(listener: (event: GroupMemberEvent) => void): () => void {
    return this.#channel.on(listener);
  }

  /** Changes from now on; ends when the member closes, rejects with `signal.reason`. */
  events(options: { signal?: AbortSignal } = {}): AsyncIterableIterator<GroupMemberEvent> {
    return this.#channel.iterate(options.signal);
  }

  /** Leaves the group: deletes our node, removes watches and listeners. Idempotent. */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#unsubscribe?.();
    this.#channel.end();
    await Promise.all([this.#node.close(), this.#cache.close()]);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #forward(event: TreeCacheEvent): void {
    switch (event.type) {
      case 'created':
      case 'updated':
      case 'deleted': {
        if (event.path === this.groupPath) return;
        const id = event.path.slice(event.path.lastIndexOf('/') + 1);
        if (event.type === 'deleted') this.#channel.emit({ type: 'left', id });
        else this.#channel.emit({ type: event.type === 'created' ? 'joined' : 'updated', id, data: event.node.data });
        return;
      }
      case 'initialized':
      case 'resynced':
        this.#channel.emit({ type: event.type });
        return;
      default:
        return;
    }
  }
}
