import fc from 'fast-check';
import {
  CheckVersionRequest,
  type Codec,
  Create2Response,
  CreateRequest,
  CreateResponse,
  CreateTTLRequest,
  DeleteRequest,
  GetChildrenRequest,
  GetChildrenResponse,
  GetDataRequest,
  GetDataResponse,
  MultiOperationRecord,
  OpCode,
  type RecordCodec,
  SetDataRequest,
  SetDataResponse,
  type VectorCodec,
} from '../src/index.js';

const int32 = fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff });
const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
// Full code points (no lone surrogates): those are the strings UTF-8 can carry both ways.
const text = fc.string({ unit: 'binary', maxLength: 40 });
// Buffers, because decoding returns Buffers and toEqual compares constructors of typed arrays.
const bytes = fc.option(
  fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
  { nil: null },
);

/** An arbitrary of valid values for any codec of the package, derived from its field metadata. */
export function arbitraryFor(codec: Codec<unknown>): fc.Arbitrary<unknown> {
  switch (codec.kind) {
    case 'int':
      return int32;
    case 'long':
      return int64;
    case 'boolean':
      return fc.boolean();
    case 'buffer':
      return bytes;
    case 'ustring':
      return text;
    case 'optional-boolean':
      return fc.option(fc.boolean(), { nil: undefined });
    case 'vector':
      return fc.array(arbitraryFor((codec as VectorCodec<unknown>).element), { maxLength: 4 });
    case 'record':
      return fc.record(
        Object.fromEntries((codec as RecordCodec<unknown>).fields.map(([k, c]) => [k, arbitraryFor(c)])) as Record<
          string,
          fc.Arbitrary<unknown>
        >,
      );
    case 'multi':
      return codec === (MultiOperationRecord as Codec<unknown>) ? multiRequest : multiResponse;
  }
}

const writeOps = fc.oneof(
  fc.record({
    type: fc.constantFrom(OpCode.create, OpCode.create2, OpCode.createContainer),
    request: arbitraryFor(CreateRequest),
  }),
  fc.record({ type: fc.constant(OpCode.createTTL), request: arbitraryFor(CreateTTLRequest) }),
  fc.record({ type: fc.constant(OpCode.delete), request: arbitraryFor(DeleteRequest) }),
  fc.record({ type: fc.constant(OpCode.setData), request: arbitraryFor(SetDataRequest) }),
  fc.record({ type: fc.constant(OpCode.check), request: arbitraryFor(CheckVersionRequest) }),
);
const readOps = fc.oneof(
  fc.record({ type: fc.constant(OpCode.getChildren), request: arbitraryFor(GetChildrenRequest) }),
  fc.record({ type: fc.constant(OpCode.getData), request: arbitraryFor(GetDataRequest) }),
);
const multiRequest = fc.oneof(
  fc.record({ ops: fc.array(writeOps, { maxLength: 5 }) }),
  fc.record({ ops: fc.array(readOps, { maxLength: 5 }) }),
);
const multiResponse = fc.record({
  results: fc.array(
    fc.oneof(
      fc.record({ type: fc.constant(OpCode.create), response: arbitraryFor(CreateResponse) }),
      fc.record({ type: fc.constant(OpCode.create2), response: arbitraryFor(Create2Response) }),
      fc.record({ type: fc.constantFrom(OpCode.delete, OpCode.check) }),
      fc.record({ type: fc.constant(OpCode.setData), response: arbitraryFor(SetDataResponse) }),
      fc.record({ type: fc.constant(OpCode.getChildren), response: arbitraryFor(GetChildrenResponse) }),
      fc.record({ type: fc.constant(OpCode.getData), response: arbitraryFor(GetDataResponse) }),
      fc.record({ type: fc.constant(OpCode.error), err: int32 }),
    ),
    { maxLength: 5 },
  ),
});
