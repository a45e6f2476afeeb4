import type { ACL, Stat } from '@zookit/protocol';
import type { WatchEvent, Watcher } from './watches/watch-event.js';

/** How a znode is created. TTL modes need the server's extended types (zookeeper.extendedTypesEnabled). */
export type CreateModeName =
  | 'persistent'
  | 'ephemeral'
  | 'persistent-sequential'
  | 'ephemeral-sequential'
  | 'container'
  | 'persistent-with-ttl'
  | 'persistent-sequential-with-ttl';

/** Node data as accepted by writes: bytes, a string (sent as UTF-8), or `null` (a node without data). */
export type Data = Uint8Array | string | null;

/** Options every operation takes. */
export interface OperationOptions {
  /** Aborting rejects the returned promise with `signal.reason`. A request already sent may still be applied. */
  readonly signal?: AbortSignal | undefined;
}

export interface CreateOptions extends OperationOptions {
  /** Default `'persistent'`. */
  readonly mode?: CreateModeName | undefined;
  /** Default world:anyone with all permissions (OPEN_ACL_UNSAFE). */
  readonly acl?: readonly ACL[] | undefined;
  /** Time to live in ms, required by (and only allowed for) the TTL modes. */
  readonly ttl?: number | bigint | undefined;
  /**
   * Curator's protected mode: the name gets a `_c_<uuid>-` prefix, and after a connection loss
   * the client looks for its own node instead of creating a second one.
   */
  readonly protected?: boolean | undefined;
  /**
   * Create missing ancestors first (kazoo's `makepath`, Curator's `creatingParentsIfNeeded` /
   * `creatingParentContainersIfNeeded`): `true` or `'persistent'` for persistent parents,
   * `'container'` for container parents (the server deletes them once they had children and have
   * none left). Parents get no data (zero bytes) and this create's `acl`; they are never
   * ephemeral or TTL nodes, whatever `mode` is. Missing nodes of the chroot are created too.
   * A parent created meanwhile by someone else is fine; if one is deleted before the node could
   * be created, the client starts over (at most 10 times, then NoNodeError). Not allowed in
   * `multi()`/transactions. Default `false`: a missing parent rejects with NoNodeError.
   */
  readonly parents?: boolean | ParentsMode | undefined;
}

/** The kind of node created for a missing parent: see {@link CreateOptions.parents}. */
export type ParentsMode = 'persistent' | 'container';

/** Options of `ensurePath`. */
export interface EnsurePathOptions extends OperationOptions {
  /** The kind of every node created (the path and its missing ancestors). Default `'persistent'`. */
  readonly mode?: ParentsMode | undefined;
  /** The ACL of every node created. Default world:anyone with all permissions (OPEN_ACL_UNSAFE). */
  readonly acl?: readonly ACL[] | undefined;
}

/** Result of a create: the actual path (with sequence suffix, without chroot) and the new node's Stat. */
export interface CreateResult {
  readonly path: string;
  readonly stat: Stat;
}

export interface VersionOptions extends OperationOptions {
  /** Expected version; -1 (default) matches any. */
  readonly version?: number | undefined;
}

/**
 * A one-shot watch: a callback, or `true` for a promise of the event in the result. It fires at
 * most once; it ends with a `SessionExpired` or `Closed` event if the session is lost or the
 * client closes first.
 */
export type WatchOption = Watcher | true;

export interface ReadOptions extends OperationOptions {
  readonly watch?: WatchOption | undefined;
}

/** The promise of a one-shot watch's event, present when `watch: true` was asked. */
export interface Watched {
  readonly watch?: Promise<WatchEvent> | undefined;
}

export interface NodeData extends Watched {
  readonly data: Buffer | null;
  readonly stat: Stat;
}

export interface NodeChildren extends Watched {
  /** Child names (not paths), unsorted as the server sends them. */
  readonly children: string[];
  readonly stat: Stat;
}

export interface NodeStat extends Watched {
  /** `null` when the node does not exist (an exists watch then waits for its creation). */
  readonly stat: Stat | null;
}

export interface NodeACL {
  readonly acl: ACL[];
  readonly stat: Stat;
}

/** The ensemble configuration (`/zookeeper/config`): its text and Stat. */
export interface EnsembleConfig {
  readonly config: string;
  readonly stat: Stat;
}

/** What kind of watch `removeWatches`/`checkWatches` address. */
export type WatcherTypeName = 'data' | 'children' | 'any' | 'persistent' | 'persistent-recursive';

/** The mode of a persistent watch set with `watch()`. */
export type PersistentWatchMode = 'persistent' | 'persistent-recursive';
