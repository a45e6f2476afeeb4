import { type ACL, Ids, joinPath, nodeName, parentPath } from '@zookit/protocol';
import { CONTAINER_OWNER, ephemeralSession, nextVersion, ownerTtl, type ZNode } from './znode.js';

/** Undoes one mutation (used to roll back a failed multi). */
export type Undo = () => void;

/**
 * The znode tree: nodes by path, plus the indexes the server needs (ephemerals per session,
 * containers and TTL nodes for the reaper). Mutations do exactly what ZooKeeper's DataTree
 * does to Stat fields and return an {@link Undo}; they do no validation (callers check first).
 */
export class DataTree {
  readonly #nodes = new Map<string, ZNode>();
  readonly #ephemerals = new Map<bigint, Set<string>>();
  readonly #extended = new Set<string>();
  #dataBytes = 0;

  constructor() {
    const system = (acl: ACL[]): ZNode => ({
      data: new Uint8Array(0),
      acl,
      czxid: 0n,
      mzxid: 0n,
      ctime: 0n,
      mtime: 0n,
      version: 0,
      cversion: 0,
      aversion: 0,
      ephemeralOwner: 0n,
      pzxid: 0n,
      children: new Set(),
    });
    const open = () => Ids.OPEN_ACL_UNSAFE.map((a) => ({ perms: a.perms, id: { ...a.id } }));
    const root = system(open());
    this.#nodes.set('/', root);
    this.#index('/', root, true);
    this.#attach('/zookeeper', system(open()));
    this.#attach('/zookeeper/quota', system(open()));
    // ZooKeeper creates /zookeeper/config with aversion -1.
    const config = system(Ids.READ_ACL_UNSAFE.map((a) => ({ perms: a.perms, id: { ...a.id } })));
    config.aversion = -1;
    this.#attach('/zookeeper/config', config);
  }

  /**
   * Replaces every node with `nodes` (a snapshot; children are rebuilt from the paths, the
   * stored cversion is kept as is, so sequence numbers continue exactly where they were).
   */
  load(nodes: Iterable<Omit<ZNode, 'children'> & { readonly path: string }>): void {
    this.#nodes.clear();
    this.#ephemerals.clear();
    this.#extended.clear();
    this.#dataBytes = 0;
    const sorted = [...nodes].sort((a, b) => depth(a.path) - depth(b.path));
    for (const { path, ...fields } of sorted) {
      const node: ZNode = { ...fields, acl: [...fields.acl], children: new Set() };
      this.#nodes.set(path, node);
      if (path !== '/') this.#nodes.get(parentPath(path))?.children.add(nodeName(path));
      this.#index(path, node, true);
    }
  }

  #attach(path: string, node: ZNode): void {
    this.#nodes.set(path, node);
    this.#nodes.get(parentPath(path))?.children.add(nodeName(path));
    this.#index(path, node, true);
  }

  get(path: string): ZNode | undefined {
    return this.#nodes.get(path);
  }

  /** Number of znodes, the root included (srvr's "Node count"). */
  get size(): number {
    return this.#nodes.size;
  }

  /** Total data bytes plus path lengths (mntr's zk_approximate_data_size). */
  get approximateDataSize(): number {
    return this.#dataBytes;
  }

  /** All paths, in no particular order (for snapshots and 4lw). */
  paths(): IterableIterator<string> {
    return this.#nodes.keys();
  }

  /** Ephemeral paths of `sessionId`. */
  ephemeralsOf(sessionId: bigint): ReadonlySet<string> {
    return this.#ephemerals.get(sessionId) ?? new Set();
  }

  /** Sessions with ephemerals, and their paths. */
  ephemeralsBySession(): ReadonlyMap<bigint, ReadonlySet<string>> {
    return this.#ephemerals;
  }

  /** Container and TTL node paths (candidates for the reaper). */
  extendedNodes(): ReadonlySet<string> {
    return this.#extended;
  }

  /** Creates a node under an existing parent; bumps the parent's cversion and pzxid. */
  create(path: string, data: Uint8Array | null, acl: ACL[], owner: bigint, zxid: bigint, time: bigint): Undo {
    const parent = this.#nodes.get(parentPath(path)) as ZNode;
    const name = nodeName(path);
    const node: ZNode = {
      data,
      acl,
      czxid: zxid,
      mzxid: zxid,
      ctime: time,
      mtime: time,
      version: 0,
      cversion: 0,
      aversion: 0,
      ephemeralOwner: owner,
      pzxid: zxid,
      children: new Set(),
    };
    const saved = { cversion: parent.cversion, pzxid: parent.pzxid };
    parent.children.add(name);
    parent.cversion = (parent.cversion + 1) | 0;
    parent.pzxid = zxid;
    this.#nodes.set(path, node);
    this.#index(path, node, true);
    return () => {
      this.#index(path, node, false);
      this.#nodes.delete(path);
      parent.children.delete(name);
      parent.cversion = saved.cversion;
      parent.pzxid = saved.pzxid;
    };
  }

  /** Deletes a leaf node; the parent's pzxid moves forward (its stored cversion does not change). */
  delete(path: string, zxid: bigint): Undo {
    const node = this.#nodes.get(path) as ZNode;
    const parent = this.#nodes.get(parentPath(path)) as ZNode;
    const name = nodeName(path);
    const savedPzxid = parent.pzxid;
    this.#nodes.delete(path);
    this.#index(path, node, false);
    parent.children.delete(name);
    if (zxid > parent.pzxid) parent.pzxid = zxid;
    return () => {
      parent.pzxid = savedPzxid;
      parent.children.add(name);
      this.#nodes.set(path, node);
      this.#index(path, node, true);
    };
  }

  setData(path: string, data: Uint8Array | null, zxid: bigint, time: bigint): Undo {
    const node = this.#nodes.get(path) as ZNode;
    const saved = { data: node.data, mzxid: node.mzxid, mtime: node.mtime, version: node.version };
    this.#dataBytes += (data?.length ?? 0) - (node.data?.length ?? 0);
    node.data = data;
    node.mzxid = zxid;
    node.mtime = time;
    node.version = nextVersion(node.version);
    return () => {
      this.#dataBytes += (saved.data?.length ?? 0) - (node.data?.length ?? 0);
      Object.assign(node, saved);
    };
  }

  setACL(path: string, acl: ACL[]): Undo {
    const node = this.#nodes.get(path) as ZNode;
    const saved = { acl: node.acl, aversion: node.aversion };
    node.acl = acl;
    node.aversion = nextVersion(node.aversion);
    return () => Object.assign(node, saved);
  }

  /** Number of descendants of `path` (getAllChildrenNumber). */
  countDescendants(path: string): number {
    const node = this.#nodes.get(path);
    if (!node) return 0;
    let n = 0;
    for (const child of node.children) n += 1 + this.countDescendants(joinPath(path, child));
    return n;
  }

  #index(path: string, node: ZNode, add: boolean): void {
    const size = path.length + (node.data?.length ?? 0);
    this.#dataBytes += add ? size : -size;
    const session = ephemeralSession(node);
    if (session !== 0n) {
      const set = this.#ephemerals.get(session);
      if (add) {
        if (set) set.add(path);
        else this.#ephemerals.set(session, new Set([path]));
      } else if (set) {
        set.delete(path);
        if (set.size === 0) this.#ephemerals.delete(session);
      }
    } else if (node.ephemeralOwner === CONTAINER_OWNER || ownerTtl(node.ephemeralOwner) !== undefined) {
      if (add) this.#extended.add(path);
      else this.#extended.delete(path);
    }
  }
}

function depth(path: string): number {
  return path === '/' ? 0 : path.split('/').length - 1;
}
