import {
  type ACL,
  AddWatchMode,
  AddWatchRequest,
  CheckWatchesRequest,
  type Codec,
  ErrorCode,
  ErrorResponse,
  EventType,
  ExistsRequest,
  ExistsResponse,
  GetACLRequest,
  GetACLResponse,
  GetAllChildrenNumberRequest,
  GetAllChildrenNumberResponse,
  GetChildren2Request,
  GetChildren2Response,
  GetChildrenRequest,
  GetChildrenResponse,
  GetDataRequest,
  GetDataResponse,
  GetEphemeralsRequest,
  GetEphemeralsResponse,
  type Id,
  type JuteReader,
  MultiOperationRecord,
  type MultiOpResult,
  MultiResponse,
  OpCode,
  Perms,
  RemoveWatchesRequest,
  SetWatches,
  SetWatches2,
  SyncRequest,
  SyncResponse,
  WhoAmIResponse,
} from '@zookit/protocol';
import { checkACL } from './acl.js';
import type { DataTree } from './data-tree.js';
import type { WatchTable } from './watch-table.js';
import { statOf, type ZNode } from './znode.js';

/** The caller of a read. */
export interface Reader {
  readonly connection: number;
  readonly sessionId: bigint;
  readonly ids: readonly Id[];
}

/** A read's outcome: an error code, or a body to send with its codec. */
export type ReadResult = { err: number } | { err: 0; codec: Codec<unknown> | null; body?: unknown };

/** Read state and watches, and where immediate notifications (setWatches) go. */
export interface ReadState {
  readonly tree: DataTree;
  readonly watches: WatchTable;
  notify(connection: number, type: number, path: string): void;
}

class ReadFailure {
  constructor(readonly err: number) {}
}

function fail(err: number): never {
  throw new ReadFailure(err);
}

function existing(state: ReadState, path: string): ZNode {
  return state.tree.get(path) ?? fail(ErrorCode.NoNode);
}

function allow(reader: Reader, acl: readonly ACL[], perm: number): void {
  if (!checkACL(acl, perm, reader.ids)) fail(ErrorCode.NoAuth);
}

const ok = (codec: Codec<unknown> | null, body?: unknown): ReadResult => ({ err: 0, codec, body });

/**
 * Runs a read (or a watch or session-local op) the way ZooKeeper's FinalRequestProcessor does,
 * against the applied state. Undecodable bodies are MarshallingError. Returns `undefined` for an
 * op that is not a read.
 */
export function runRead(state: ReadState, reader: Reader, type: number, body: JuteReader): ReadResult | undefined {
  try {
    return dispatch(state, reader, type, body);
  } catch (e) {
    if (e instanceof ReadFailure) return { err: e.err };
    if (e instanceof Error && e.name === 'DecodeError') return { err: ErrorCode.MarshallingError };
    throw e;
  }
}

function dispatch(state: ReadState, reader: Reader, type: number, body: JuteReader): ReadResult | undefined {
  const { tree, watches } = state;
  switch (type) {
    case OpCode.exists: {
      const { path, watch } = ExistsRequest.decode(body);
      if (path.includes('\0')) fail(ErrorCode.BadArguments);
      // ZooKeeper 3.8.0 checks no permission for exists (ZOOKEEPER-2590 added a READ check in
      // later releases); we follow 3.8.0, the version the conformance suite runs against.
      const node = tree.get(path);
      if (watch) watches.addStandard(reader.connection, path, 'data');
      return node ? ok(ExistsResponse, { stat: statOf(node) }) : { err: ErrorCode.NoNode };
    }
    case OpCode.getData: {
      const { path, watch } = GetDataRequest.decode(body);
      const node = existing(state, path);
      allow(reader, node.acl, Perms.READ);
      if (watch) watches.addStandard(reader.connection, path, 'data');
      return ok(GetDataResponse, { data: node.data, stat: statOf(node) });
    }
    case OpCode.getChildren:
    case OpCode.getChildren2: {
      const { path, watch } = (type === OpCode.getChildren ? GetChildrenRequest : GetChildren2Request).decode(body);
      const node = existing(state, path);
      allow(reader, node.acl, Perms.READ);
      if (watch) watches.addStandard(reader.connection, path, 'child');
      const children = [...node.children];
      return type === OpCode.getChildren
        ? ok(GetChildrenResponse, { children })
        : ok(GetChildren2Response, { children, stat: statOf(node) });
    }
    case OpCode.getACL: {
      const { path } = GetACLRequest.decode(body);
      const node = existing(state, path);
      allow(reader, node.acl, Perms.READ | Perms.ADMIN);
      // Without ADMIN, digest ids are redacted to user:x (as ZooKeeper does since CVE-2019-0201).
      const acl = checkACL(node.acl, Perms.ADMIN, reader.ids)
        ? node.acl
        : node.acl.map((a) =>
            a.id.scheme === 'digest'
              ? { perms: a.perms, id: { scheme: 'digest', id: a.id.id.replace(/:.*/s, ':x') } }
              : a,
          );
      return ok(GetACLResponse, { acl, stat: statOf(node) });
    }
    case OpCode.sync:
      return ok(SyncResponse, { path: SyncRequest.decode(body).path });
    case OpCode.getAllChildrenNumber: {
      const { path } = GetAllChildrenNumberRequest.decode(body);
      const node = existing(state, path);
      allow(reader, node.acl, Perms.READ);
      return ok(GetAllChildrenNumberResponse, { totalNumber: tree.countDescendants(path) });
    }
    case OpCode.getEphemerals: {
      const prefix = GetEphemeralsRequest.decode(body).prefixPath.trim();
      const all = [...tree.ephemeralsOf(reader.sessionId)];
      const ephemerals = prefix === '' || prefix === '/' ? all : all.filter((p) => p.startsWith(prefix));
      return ok(GetEphemeralsResponse, { ephemerals });
    }
    case OpCode.whoAmI:
      return ok(WhoAmIResponse, {
        // Digest identities show the user name only, not the password hash (AuthUtil.getUser).
        clientInfo: reader.ids.map((id) => ({
          authScheme: id.scheme,
          user: id.scheme === 'digest' ? (id.id.split(':')[0] as string) : id.id,
        })),
      });
    case OpCode.multiRead:
      return ok(MultiResponse, { results: multiRead(state, reader, body) });
    case OpCode.addWatch: {
      const { path, mode } = AddWatchRequest.decode(body);
      if (mode !== AddWatchMode.persistent && mode !== AddWatchMode.persistentRecursive) fail(ErrorCode.BadArguments);
      watches.addPersistent(reader.connection, path, mode === AddWatchMode.persistentRecursive);
      return ok(ErrorResponse, { err: 0 });
    }
    case OpCode.checkWatches:
    case OpCode.removeWatches: {
      const { path, type: watcherType } = (
        type === OpCode.checkWatches ? CheckWatchesRequest : RemoveWatchesRequest
      ).decode(body);
      if (watcherType < 1 || watcherType > 5) fail(ErrorCode.BadArguments);
      const found =
        type === OpCode.checkWatches
          ? watches.has(reader.connection, path, watcherType)
          : watches.remove(reader.connection, path, watcherType);
      return found ? ok(null) : { err: ErrorCode.NoWatcher };
    }
    case OpCode.setWatches:
    case OpCode.setWatches2: {
      const v2 = type === OpCode.setWatches2;
      const w = v2
        ? SetWatches2.decode(body)
        : { ...SetWatches.decode(body), persistentWatches: [], persistentRecursiveWatches: [] };
      resetWatches(state, reader, w.relativeZxid, w);
      return ok(null);
    }
    default:
      return undefined;
  }
}

function multiRead(state: ReadState, reader: Reader, body: JuteReader): MultiOpResult[] {
  const { ops } = MultiOperationRecord.decode(body);
  return ops.map((op): MultiOpResult => {
    if (op.type !== OpCode.getData && op.type !== OpCode.getChildren) fail(ErrorCode.MarshallingError);
    const node = state.tree.get(op.request.path);
    if (!node) return { type: OpCode.error, err: ErrorCode.NoNode };
    if (!checkACL(node.acl, Perms.READ, reader.ids)) return { type: OpCode.error, err: ErrorCode.NoAuth };
    return op.type === OpCode.getData
      ? { type: OpCode.getData, response: { data: node.data, stat: statOf(node) } }
      : { type: OpCode.getChildren, response: { children: [...node.children] } };
  });
}

/**
 * setWatches/setWatches2 after a reconnect: fires at once what the client missed since
 * `relativeZxid` and re-registers the rest (DataTree.setWatches). Persistent watches are only
 * re-registered.
 */
function resetWatches(
  state: ReadState,
  reader: Reader,
  relativeZxid: bigint,
  w: {
    dataWatches: string[];
    existWatches: string[];
    childWatches: string[];
    persistentWatches: string[];
    persistentRecursiveWatches: string[];
  },
): void {
  const { tree, watches, notify } = state;
  const c = reader.connection;
  const visible = (node: ZNode | undefined) => node === undefined || checkACL(node.acl, Perms.READ, reader.ids);
  for (const path of w.dataWatches) {
    const node = tree.get(path);
    if (!node) notify(c, EventType.NodeDeleted, path);
    else if (node.mzxid > relativeZxid) {
      if (visible(node)) notify(c, EventType.NodeDataChanged, path);
    } else watches.addStandard(c, path, 'data');
  }
  for (const path of w.existWatches) {
    const node = tree.get(path);
    if (node) {
      if (visible(node)) notify(c, EventType.NodeCreated, path);
    } else watches.addStandard(c, path, 'data');
  }
  for (const path of w.childWatches) {
    const node = tree.get(path);
    if (!node) notify(c, EventType.NodeDeleted, path);
    else if (node.pzxid > relativeZxid) {
      if (visible(node)) notify(c, EventType.NodeChildrenChanged, path);
    } else watches.addStandard(c, path, 'child');
  }
  for (const path of w.persistentWatches) watches.addPersistent(c, path, false);
  for (const path of w.persistentRecursiveWatches) watches.addPersistent(c, path, true);
}
