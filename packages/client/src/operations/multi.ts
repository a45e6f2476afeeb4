import {
  type CreateRequest,
  type CreateTTLRequest,
  ErrorCode,
  type MultiOp,
  MultiOperationRecord,
  MultiResponse,
  OpCode,
  type Stat,
} from '@zookit/protocol';
import { stripChroot } from '../connect-string.js';
import { createZooKeeperError, ZooKeeperError } from '../errors.js';
import { type Request, throwIfError } from '../request.js';
import type { CreateOptions, Data } from '../types.js';
import { type OpContext, serverPath, toBytes, toVersion } from './context.js';
import { buildCreate } from './create.js';

/** One write of a transaction. */
export type TransactionOp =
  | {
      readonly type: 'create';
      readonly path: string;
      readonly data?: Data | undefined;
      readonly options?: CreateOptions;
    }
  | { readonly type: 'delete'; readonly path: string; readonly version?: number | undefined }
  | { readonly type: 'setData'; readonly path: string; readonly data: Data; readonly version?: number | undefined }
  | { readonly type: 'check'; readonly path: string; readonly version: number };

/**
 * The result of one op of a transaction, as the server sent it. In a failed transaction every
 * op has an `error`: the failing op its own code, the ops before it `Ok` (0), the ops after it
 * RuntimeInconsistency — nothing was applied.
 */
export type TransactionResult =
  | { readonly type: 'create'; readonly path: string; readonly stat?: Stat | undefined }
  | { readonly type: 'delete' }
  | { readonly type: 'setData'; readonly stat: Stat }
  | { readonly type: 'check' }
  | {
      readonly type: 'error';
      /** The code the server sent for this op: 0 (would have succeeded), the failure's code, or RuntimeInconsistency. */
      readonly code: number;
      /** The error of a non-zero `code`. */
      readonly error: ZooKeeperError | undefined;
    };

/** Rejection of a failed transaction: the first failing op's error, with every op's result. */
export class TransactionError extends ZooKeeperError {
  override name = 'TransactionError';
  readonly results: readonly TransactionResult[];
  /** Index of the op that failed. */
  readonly failedIndex: number;

  constructor(code: number, failedIndex: number, results: readonly TransactionResult[], path: string | undefined) {
    super(code, {
      path,
      message: `transaction failed at op ${failedIndex}: ${createZooKeeperError(code, { path }).message}`,
    });
    this.failedIndex = failedIndex;
    this.results = results;
  }
}

function toMultiOp(ctx: OpContext, op: TransactionOp, i: number): MultiOp {
  try {
    switch (op?.type) {
      case 'create': {
        if (op.options?.parents) throw new TypeError('parents: not supported in a transaction (call ensurePath first)');
        const spec = buildCreate(ctx, op.path, op.data, op.options ?? {});
        return spec.op === OpCode.createTTL
          ? { type: OpCode.createTTL, request: spec.request as CreateTTLRequest }
          : { type: spec.op, request: spec.request as CreateRequest };
      }
      case 'delete':
        return { type: OpCode.delete, request: { path: serverPath(ctx, op.path), version: toVersion(op.version) } };
      case 'setData':
        return {
          type: OpCode.setData,
          request: { path: serverPath(ctx, op.path), data: toBytes(op.data), version: toVersion(op.version) },
        };
      case 'check':
        return { type: OpCode.check, request: { path: serverPath(ctx, op.path), version: toVersion(op.version) } };
      default:
        throw new TypeError(
          `type: expected create, delete, setData or check, got ${JSON.stringify((op as { type?: unknown })?.type)}`,
        );
    }
  } catch (err) {
    if (err instanceof TypeError || err instanceof RangeError) err.message = `ops[${i}].${err.message}`;
    throw err;
  }
}

export function multiRequest(ctx: OpContext, ops: readonly TransactionOp[]): Request<TransactionResult[]> {
  if (!Array.isArray(ops)) throw new TypeError('ops: expected an array');
  const record = { ops: ops.map((op, i) => toMultiOp(ctx, op, i)) };
  const pathOf = (i: number) => ops[i]?.path;
  return {
    type: OpCode.multi,
    write: (w) => MultiOperationRecord.encode(w, record),
    decode: (header, reader) => {
      throwIfError(header, undefined);
      const { results } = MultiResponse.decode(reader);
      const out: TransactionResult[] = results.map((r, i): TransactionResult => {
        switch (r.type) {
          case OpCode.create:
            return { type: 'create', path: stripChroot(ctx.chroot, r.response.path) };
          case OpCode.create2:
            return { type: 'create', path: stripChroot(ctx.chroot, r.response.path), stat: r.response.stat };
          case OpCode.delete:
            return { type: 'delete' };
          case OpCode.setData:
            return { type: 'setData', stat: r.response.stat };
          case OpCode.check:
            return { type: 'check' };
          case OpCode.error:
            return {
              type: 'error',
              code: r.err,
              error: r.err === 0 ? undefined : createZooKeeperError(r.err, { path: pathOf(i) }),
            };
          default:
            throw new Error(`unexpected result type ${r.type} in a multi reply`);
        }
      });
      const failed = results.findIndex(
        (r) => r.type === OpCode.error && r.err !== ErrorCode.Ok && r.err !== ErrorCode.RuntimeInconsistency,
      );
      if (failed >= 0) {
        const code = (results[failed] as { err: number }).err;
        throw new TransactionError(code, failed, out, pathOf(failed));
      }
      return out;
    },
  };
}

/** One read of a multiRead. */
export type ReadOp = { readonly type: 'getData' | 'getChildren'; readonly path: string };

/** The result of one read: its value, or the error of that read alone (reads are independent). */
export type ReadResult =
  | { readonly type: 'getData'; readonly data: Buffer | null; readonly stat: Stat }
  | { readonly type: 'getChildren'; readonly children: string[] }
  | { readonly type: 'error'; readonly error: ZooKeeperError };

export function multiReadRequest(ctx: OpContext, ops: readonly ReadOp[]): Request<ReadResult[]> {
  if (!Array.isArray(ops)) throw new TypeError('ops: expected an array');
  const record: { ops: MultiOp[] } = {
    ops: ops.map((op, i): MultiOp => {
      if (op?.type !== 'getData' && op?.type !== 'getChildren') {
        throw new TypeError(`ops[${i}].type: expected getData or getChildren, got ${JSON.stringify(op?.type)}`);
      }
      const path = serverPath(ctx, op.path);
      return op.type === 'getData'
        ? { type: OpCode.getData, request: { path, watch: false } }
        : { type: OpCode.getChildren, request: { path, watch: false } };
    }),
  };
  return {
    type: OpCode.multiRead,
    write: (w) => MultiOperationRecord.encode(w, record),
    decode: (header, reader) => {
      throwIfError(header, undefined);
      return MultiResponse.decode(reader).results.map((r, i): ReadResult => {
        switch (r.type) {
          case OpCode.getData:
            return { type: 'getData', data: r.response.data as Buffer | null, stat: r.response.stat };
          case OpCode.getChildren:
            return { type: 'getChildren', children: r.response.children };
          case OpCode.error:
            return { type: 'error', error: createZooKeeperError(r.err, { path: ops[i]?.path }) };
          default:
            throw new Error(`unexpected result type ${r.type} in a multiRead reply`);
        }
      });
    },
  };
}
