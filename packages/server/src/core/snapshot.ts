import type { ACL } from '@zookit/protocol';
import type { DataTree } from './data-tree.js';
import type { SessionRecord } from './sessions.js';
import type { ZNode } from './znode.js';

/** One znode in a snapshot: everything ZooKeeper persists (StatPersisted, stored cversion included). */
export interface SnapshotNode {
  readonly path: string;
  readonly data: Uint8Array | null;
  readonly acl: ACL[];
  readonly czxid: bigint;
  readonly mzxid: bigint;
  readonly ctime: bigint;
  readonly mtime: bigint;
  readonly version: number;
  readonly cversion: number;
  readonly aversion: number;
  readonly ephemeralOwner: bigint;
  readonly pzxid: bigint;
}

/** The applied state at an entry boundary: enough to restart without the log before `lastZxid`. */
export interface CoreSnapshot {
  readonly lastZxid: bigint;
  readonly nodes: readonly SnapshotNode[];
  readonly sessions: ReadonlyArray<Pick<SessionRecord, 'id' | 'timeout' | 'password'>>;
}

/** What a snapshot is taken from and restored into. */
export interface SnapshotState {
  readonly tree: DataTree;
  readonly sessions: Map<bigint, SessionRecord>;
  readonly lastZxid: bigint;
}

/** Copies the applied state (call between entries: it is then consistent, not fuzzy). */
export function takeSnapshot(state: SnapshotState): CoreSnapshot {
  const nodes: SnapshotNode[] = [];
  for (const path of state.tree.paths()) {
    const n = state.tree.get(path) as ZNode;
    nodes.push({
      path,
      data: n.data,
      acl: n.acl,
      czxid: n.czxid,
      mzxid: n.mzxid,
      ctime: n.ctime,
      mtime: n.mtime,
      version: n.version,
      cversion: n.cversion,
      aversion: n.aversion,
      ephemeralOwner: n.ephemeralOwner,
      pzxid: n.pzxid,
    });
  }
  const sessions = [...state.sessions.values()].map((s) => ({ id: s.id, timeout: s.timeout, password: s.password }));
  return { lastZxid: state.lastZxid, nodes, sessions };
}

/** Replaces the tree and the session table with a snapshot's. */
export function restoreSnapshot(state: Omit<SnapshotState, 'lastZxid'>, snapshot: CoreSnapshot): void {
  state.tree.load(snapshot.nodes);
  state.sessions.clear();
  for (const s of snapshot.sessions) state.sessions.set(s.id, { ...s, closing: false });
}
