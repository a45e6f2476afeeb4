import {
  type Codec,
  Create2Response,
  CreateResponse,
  DecodeError,
  DeleteContainerRequest,
  ErrorCode,
  JuteReader,
  type MultiOp,
  MultiOperationRecord,
  type MultiOpResult,
  MultiResponse,
  OpCode,
  opRecords,
  ReconfigRequest,
  SetACLResponse,
  SetDataResponse,
} from '@zookit/protocol';
import type { DataTree } from './data-tree.js';
import { CreateSessionBody, type LogEntry } from './log-entry.js';
import type { SessionRecord } from './sessions.js';
import { type Trigger, type WriteContext, WriteFailure } from './write-context.js';
import { applyCheck, applyCreate, applyDelete, applySetACL, applySetData, deleteEphemerals } from './write-ops.js';
import { isExtendedOwner } from './znode.js';

/** The replicated state a log entry is applied to. */
export interface ApplyState {
  readonly tree: DataTree;
  readonly sessions: Map<bigint, SessionRecord>;
  readonly extendedTypes: boolean;
}

/** What applying one entry produced. */
export interface Applied {
  /** Reply to the requesting client (absent for internal entries). */
  readonly err: number;
  readonly codec: Codec<unknown> | null;
  readonly body?: unknown;
  /** Watch triggers, in order (fired only if the write succeeded). */
  readonly triggers: readonly Trigger[];
  /** A session this entry created or closed. */
  readonly createdSession?: SessionRecord;
  readonly closedSession?: bigint;
}

/**
 * Applies one log entry deterministically: the same entry on the same state gives the same
 * result on every replica. Validation happens here, in ZooKeeper's order, so a failed write is
 * an entry whose result is an error (it still consumed its zxid). A failed multi is rolled back.
 */
export function applyEntry(state: ApplyState, entry: LogEntry): Applied {
  switch (entry.type) {
    case OpCode.createSession: {
      const body = CreateSessionBody.decode(new JuteReader(entry.body ?? new Uint8Array(0)));
      const record: SessionRecord = {
        id: entry.sessionId,
        timeout: body.timeOut,
        password: body.passwd ?? new Uint8Array(16),
        closing: false,
      };
      state.sessions.set(entry.sessionId, record);
      return { err: 0, codec: null, triggers: [], createdSession: record };
    }
    case OpCode.closeSession: {
      const ctx = context(state, entry);
      deleteEphemerals(ctx, entry.sessionId);
      state.sessions.delete(entry.sessionId);
      return { err: 0, codec: null, triggers: ctx.triggers, closedSession: entry.sessionId };
    }
    default:
      return applyRequest(state, entry);
  }
}

function context(state: ApplyState, entry: LogEntry): WriteContext {
  const session = state.sessions.get(entry.sessionId);
  return {
    tree: state.tree,
    zxid: entry.zxid,
    time: entry.time,
    sessionId: entry.sessionId,
    ids: entry.ids,
    extendedTypes: state.extendedTypes,
    sessionLive: session !== undefined && !session.closing,
    undo: [],
    triggers: [],
  };
}

function applyRequest(state: ApplyState, entry: LogEntry): Applied {
  const ctx = context(state, entry);
  try {
    // Bytes after the record are ignored, as ZooKeeper ignores them.
    const result = applyOne(ctx, entry.type, new JuteReader(entry.body ?? new Uint8Array(0)));
    return { ...result, triggers: ctx.triggers };
  } catch (e) {
    for (const undo of ctx.undo.reverse()) undo();
    if (e instanceof WriteFailure) return { err: e.err, codec: null, triggers: [] };
    if (e instanceof DecodeError) return { err: ErrorCode.MarshallingError, codec: null, triggers: [] };
    throw e;
  }
}

function applyOne(
  ctx: WriteContext,
  type: number,
  reader: JuteReader,
): { err: number; codec: Codec<unknown> | null; body?: unknown } {
  const decode = <T>(codec: Codec<T>) => codec.decode(reader);
  switch (type) {
    case OpCode.create: {
      const { path } = applyCreate(ctx, type, decode(opRecords(type)?.request as Codec<never>));
      return { err: 0, codec: CreateResponse, body: { path } };
    }
    case OpCode.create2:
    case OpCode.createContainer:
    case OpCode.createTTL:
      return {
        err: 0,
        codec: Create2Response,
        body: applyCreate(ctx, type, decode(opRecords(type)?.request as Codec<never>)),
      };
    case OpCode.delete:
      applyDelete(ctx, decode(opRecords(type)?.request as Codec<never>));
      return { err: 0, codec: null };
    case OpCode.deleteContainer: {
      const { path } = decode(DeleteContainerRequest);
      const node = ctx.tree.get(path);
      if (!node) throw new WriteFailure(ErrorCode.NoNode);
      if (!isExtendedOwner(node.ephemeralOwner)) throw new WriteFailure(ErrorCode.BadArguments);
      applyDelete(ctx, { path, version: -1 }, true);
      return { err: 0, codec: null };
    }
    case OpCode.setData:
      return {
        err: 0,
        codec: SetDataResponse,
        body: { stat: applySetData(ctx, decode(opRecords(type)?.request as Codec<never>)) },
      };
    case OpCode.setACL:
      return {
        err: 0,
        codec: SetACLResponse,
        body: { stat: applySetACL(ctx, decode(opRecords(type)?.request as Codec<never>)) },
      };
    case OpCode.reconfig:
      // ZooKeeper decodes the request before refusing it: a bad body is MarshallingError.
      decode(ReconfigRequest);
      throw new WriteFailure(ErrorCode.ReconfigDisabled);
    case OpCode.multi:
      return { err: 0, codec: MultiResponse, body: { results: applyMulti(ctx, decode(MultiOperationRecord).ops) } };
    default:
      throw new WriteFailure(ErrorCode.Unimplemented);
  }
}

/**
 * All or nothing. Each op sees the effects of the ones before it. On the first failure every
 * change is undone and the results are: Ok (0) for the ops before, the failure's code, then
 * RuntimeInconsistency for the ops after — exactly what ZooKeeper sends.
 */
function applyMulti(ctx: WriteContext, ops: readonly MultiOp[]): MultiOpResult[] {
  const results: MultiOpResult[] = [];
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i] as MultiOp;
    try {
      results.push(applyMultiOp(ctx, op));
    } catch (e) {
      if (!(e instanceof WriteFailure)) throw e;
      for (const undo of ctx.undo.splice(0).reverse()) undo();
      ctx.triggers.length = 0;
      return ops.map((_, j) => ({
        type: OpCode.error,
        err: j < i ? ErrorCode.Ok : j === i ? e.err : ErrorCode.RuntimeInconsistency,
      }));
    }
  }
  return results;
}

function applyMultiOp(ctx: WriteContext, op: MultiOp): MultiOpResult {
  switch (op.type) {
    case OpCode.create:
      return { type: OpCode.create, response: { path: applyCreate(ctx, op.type, op.request).path } };
    case OpCode.create2:
    case OpCode.createContainer:
    case OpCode.createTTL:
      return { type: OpCode.create2, response: applyCreate(ctx, op.type, op.request) };
    case OpCode.delete:
      applyDelete(ctx, op.request);
      return { type: OpCode.delete };
    case OpCode.setData:
      return { type: OpCode.setData, response: { stat: applySetData(ctx, op.request) } };
    case OpCode.check:
      applyCheck(ctx, op.request);
      return { type: OpCode.check };
    default:
      // Reads inside a write multi: ZooKeeper refuses the request as undecodable.
      throw new DecodeError(`op ${op.type} cannot appear in a multi`, 0);
  }
}
