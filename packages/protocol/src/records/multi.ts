// multi and multiRead bodies: hand-written records in ZooKeeper (MultiOperationRecord.java,
// MultiResponse.java), framed as MultiHeader + op record, ended by MultiHeader{-1, true, -1}.

import { OpCode } from '../constants/op-code.js';
import type { Codec } from '../jute/codec.js';
import { DecodeError } from '../jute/decode-error.js';
import type { JuteReader } from '../jute/reader.js';
import type { JuteWriter } from '../jute/writer.js';
import { ErrorResponse, MultiHeader } from './headers.js';
import {
  CheckVersionRequest,
  Create2Response,
  CreateRequest,
  CreateResponse,
  CreateTTLRequest,
  DeleteRequest,
  GetChildrenRequest,
  GetChildrenResponse,
  GetDataRequest,
  GetDataResponse,
  SetDataRequest,
  SetDataResponse,
} from './nodes.js';

/** One op of a multi (writes) or multiRead (reads). A request mixes no reads with writes. */
export type MultiOp =
  | { type: typeof OpCode.create | typeof OpCode.create2 | typeof OpCode.createContainer; request: CreateRequest }
  | { type: typeof OpCode.createTTL; request: CreateTTLRequest }
  | { type: typeof OpCode.delete; request: DeleteRequest }
  | { type: typeof OpCode.setData; request: SetDataRequest }
  | { type: typeof OpCode.check; request: CheckVersionRequest }
  | { type: typeof OpCode.getChildren; request: GetChildrenRequest }
  | { type: typeof OpCode.getData; request: GetDataRequest };

/** The body of a multi (op 14) or multiRead (op 22) request. */
export interface MultiOperationRecord {
  ops: MultiOp[];
}

/**
 * One result of a multi or multiRead. A failed op is `{ type: OpCode.error, err }`; in a failed
 * multi the ops before the failure report err 0 and the ops after it RuntimeInconsistency.
 */
export type MultiOpResult =
  | { type: typeof OpCode.create; response: CreateResponse }
  | { type: typeof OpCode.create2; response: Create2Response }
  | { type: typeof OpCode.delete }
  | { type: typeof OpCode.check }
  | { type: typeof OpCode.setData; response: SetDataResponse }
  | { type: typeof OpCode.getChildren; response: GetChildrenResponse }
  | { type: typeof OpCode.getData; response: GetDataResponse }
  | { type: typeof OpCode.error; err: number };

/** The body of a multi or multiRead reply. The reply header's err is 0 even when an op failed. */
export interface MultiResponse {
  results: MultiOpResult[];
}

const END: MultiHeader = { type: -1, done: true, err: -1 };

const opRequestCodecs = new Map<number, Codec<unknown>>([
  [OpCode.create, CreateRequest],
  [OpCode.create2, CreateRequest],
  [OpCode.createContainer, CreateRequest],
  [OpCode.createTTL, CreateTTLRequest],
  [OpCode.delete, DeleteRequest],
  [OpCode.setData, SetDataRequest],
  [OpCode.check, CheckVersionRequest],
  [OpCode.getChildren, GetChildrenRequest],
  [OpCode.getData, GetDataRequest],
]);

const readOps = new Set<number>([OpCode.getChildren, OpCode.getData]);

/** Codec of {@link MultiOperationRecord}. Decoding rejects unknown op types and mixed reads and writes. */
export const MultiOperationRecord: Codec<MultiOperationRecord> = {
  kind: 'multi',
  minSize: MultiHeader.minSize,
  encode(w: JuteWriter, value: MultiOperationRecord) {
    if (!value || !Array.isArray(value.ops)) throw new TypeError('MultiOperationRecord.ops: expected an array');
    value.ops.forEach((op, i) => {
      const codec = opRequestCodecs.get(op?.type);
      if (!codec)
        throw new TypeError(`MultiOperationRecord.ops[${i}].type: ${String(op?.type)} is not a multi op type`);
      MultiHeader.encode(w, { type: op.type, done: false, err: -1 });
      try {
        codec.encode(w, op.request);
      } catch (err) {
        if (err instanceof TypeError || err instanceof RangeError)
          err.message = `MultiOperationRecord.ops[${i}]: ${err.message}`;
        throw err;
      }
    });
    MultiHeader.encode(w, END);
  },
  decode(r: JuteReader) {
    const ops: MultiOp[] = [];
    let kind: 'read' | 'write' | undefined;
    for (;;) {
      const at = r.offset;
      const h = MultiHeader.decode(r);
      if (h.done) break;
      const codec = opRequestCodecs.get(h.type);
      if (!codec) throw new DecodeError(`invalid op type ${h.type} in multi`, at);
      const opKind = readOps.has(h.type) ? 'read' : 'write';
      if (kind !== undefined && kind !== opKind) throw new DecodeError('multi mixes read and write operations', at);
      kind = opKind;
      ops.push({ type: h.type, request: codec.decode(r) } as MultiOp);
    }
    return { ops };
  },
};

const resultCodecs = new Map<number, Codec<unknown> | null>([
  [OpCode.create, CreateResponse],
  [OpCode.create2, Create2Response],
  [OpCode.delete, null],
  [OpCode.check, null],
  [OpCode.setData, SetDataResponse],
  [OpCode.getChildren, GetChildrenResponse],
  [OpCode.getData, GetDataResponse],
]);

/** Codec of {@link MultiResponse}. */
export const MultiResponse: Codec<MultiResponse> = {
  kind: 'multi',
  minSize: MultiHeader.minSize,
  encode(w: JuteWriter, value: MultiResponse) {
    if (!value || !Array.isArray(value.results)) throw new TypeError('MultiResponse.results: expected an array');
    value.results.forEach((result, i) => {
      if (result?.type === OpCode.error) {
        MultiHeader.encode(w, { type: OpCode.error, done: false, err: result.err });
        ErrorResponse.encode(w, { err: result.err });
        return;
      }
      const codec = resultCodecs.get(result?.type);
      if (codec === undefined)
        throw new TypeError(`MultiResponse.results[${i}].type: ${String(result?.type)} is not a multi result type`);
      MultiHeader.encode(w, { type: result.type, done: false, err: 0 });
      if (codec) codec.encode(w, (result as { response: unknown }).response);
    });
    MultiHeader.encode(w, END);
  },
  decode(r: JuteReader) {
    const results: MultiOpResult[] = [];
    for (;;) {
      const at = r.offset;
      const h = MultiHeader.decode(r);
      if (h.done) break;
      if (h.type === OpCode.error) {
        results.push({ type: OpCode.error, err: ErrorResponse.decode(r).err });
        continue;
      }
      const codec = resultCodecs.get(h.type);
      if (codec === undefined) throw new DecodeError(`invalid result type ${h.type} in multi response`, at);
      results.push((codec ? { type: h.type, response: codec.decode(r) } : { type: h.type }) as MultiOpResult);
    }
    return { results };
  },
};
