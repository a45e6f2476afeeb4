import type { ACL, Id } from '@zookit/protocol';
import type { DataTree, Undo } from './data-tree.js';

/** A watch trigger a write produced: fired only once the whole write (a multi included) succeeded. */
export interface Trigger {
  readonly kind: 'created' | 'deleted' | 'dataChanged' | 'childrenChanged';
  readonly path: string;
  /** The ACL that decides who may see the event (READ needed), taken when the event happened. */
  readonly acl: readonly ACL[];
}

/** Everything one write (or one op of a multi) needs, plus what it produced. */
export interface WriteContext {
  readonly tree: DataTree;
  readonly zxid: bigint;
  /** The entry's time (ms since the epoch), the same on every replica. */
  readonly time: bigint;
  readonly sessionId: bigint;
  /** The caller's identities when the request arrived (ip, digest, super). */
  readonly ids: readonly Id[];
  readonly extendedTypes: boolean;
  /** Whether the session may still write (exists and is not closing). */
  readonly sessionLive: boolean;
  /** Undo log of this write, newest last. */
  readonly undo: Undo[];
  readonly triggers: Trigger[];
}

/** A failed check: the ZooKeeper error code (a subclass of KeeperException on the Java side). */
export class WriteFailure {
  constructor(readonly err: number) {}
}

/** Throws the failure for `err`. */
export function fail(err: number): never {
  throw new WriteFailure(err);
}
