// Decodes bytes the way ZooKeeper's server does (BinaryInputArchive + the generated jute
// records), independently of @zookit/protocol's decoder, so the oracle can tell which bodies
// ZooKeeper accepts. Read in apache/zookeeper master:
// - buffer/ustring: length -1 is null; any other negative length, or more bytes than are left,
//   fails (IOException, hence MarshallingError);
// - vector: count -1 is null; a count below -1 is an empty vector (BinaryIndex.done() is
//   `n <= 0`), not an error;
// - boolean: any non-zero byte is true;
// - bytes after the record are ignored (ByteBufferInputStream.byteBuffer2Record never checks);
// - MultiOperationRecord: an unknown op type, or reads mixed with writes, fails.
import {
  CheckVersionRequest,
  type Codec,
  CreateRequest,
  CreateTTLRequest,
  DeleteRequest,
  GetChildrenRequest,
  GetDataRequest,
  OpCode,
  type RecordCodec,
  SetDataRequest,
  type VectorCodec,
} from '@zookit/protocol';

/** What decoding one body the ZooKeeper way found. */
export interface ZkDecoded {
  /** The decoded value (jute nulls as `null`), or `undefined` when decoding failed. */
  readonly value: unknown;
  /** Why decoding failed (ZooKeeper answers MarshallingError), or `undefined`. */
  readonly malformed: string | undefined;
  /** A null ustring or vector was read: ZooKeeper's handlers may then throw (MarshallingError) or not. */
  readonly nulls: boolean;
  /** A vector count below -1 was read as an empty vector. */
  readonly negativeCount: boolean;
  /** Bytes left after the record (ignored by ZooKeeper). */
  readonly trailing: number;
}

class Malformed extends Error {}

class Cursor {
  pos = 0;
  nulls = false;
  negativeCount = false;
  constructor(readonly buf: Buffer) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  take(n: number, what: string): number {
    if (n > this.remaining) throw new Malformed(`truncated ${what}: need ${n}, ${this.remaining} left`);
    const at = this.pos;
    this.pos += n;
    return at;
  }

  int(): number {
    return this.buf.readInt32BE(this.take(4, 'int'));
  }

  long(): bigint {
    return this.buf.readBigInt64BE(this.take(8, 'long'));
  }

  bool(): boolean {
    return this.buf[this.take(1, 'boolean')] !== 0;
  }

  bytes(what: string): Buffer | null {
    const len = this.int();
    if (len === -1) return null;
    if (len < 0) throw new Malformed(`negative ${what} length ${len}`);
    const at = this.take(len, what);
    return this.buf.subarray(at, at + len);
  }
}

const multiOpCodecs = new Map<number, Codec<unknown>>([
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

function read(codec: Codec<unknown>, c: Cursor): unknown {
  switch (codec.kind) {
    case 'int':
      return c.int();
    case 'long':
      return c.long();
    case 'boolean':
      return c.bool();
    case 'optional-boolean':
      return c.remaining > 0 ? c.bool() : undefined;
    case 'buffer':
      return c.bytes('buffer');
    case 'ustring': {
      const b = c.bytes('ustring');
      if (b === null) c.nulls = true;
      return b === null ? null : b.toString('utf8');
    }
    case 'vector': {
      const n = c.int();
      if (n === -1) {
        c.nulls = true;
        return null;
      }
      if (n < -1) c.negativeCount = true;
      const element = (codec as VectorCodec<unknown>).element;
      const out: unknown[] = [];
      // Every element takes at least one byte, so this ends within the body.
      for (let i = 0; i < n; i++) out.push(read(element, c));
      return out;
    }
    case 'record': {
      const out: Record<string, unknown> = {};
      for (const [key, field] of (codec as RecordCodec<unknown>).fields) out[key] = read(field, c);
      return out;
    }
    case 'multi': {
      const ops: Array<{ type: number; request: unknown }> = [];
      let kind: 'read' | 'write' | undefined;
      for (;;) {
        const type = c.int();
        const done = c.bool();
        c.int();
        if (done) return { ops };
        const op = multiOpCodecs.get(type);
        if (!op) throw new Malformed(`invalid op type ${type} in multi`);
        const opKind = type === OpCode.getData || type === OpCode.getChildren ? 'read' : 'write';
        if (kind !== undefined && kind !== opKind) throw new Malformed('multi mixes reads and writes');
        kind = opKind;
        ops.push({ type, request: read(op, c) });
      }
    }
    default:
      throw new Error(`zk-decode: unsupported codec kind ${codec.kind}`);
  }
}

/** Decodes `body` as ZooKeeper's server would decode `codec`'s record. */
export function zkDecode(codec: Codec<unknown>, body: Buffer): ZkDecoded {
  const c = new Cursor(body);
  try {
    const value = read(codec, c);
    return { value, malformed: undefined, nulls: c.nulls, negativeCount: c.negativeCount, trailing: c.remaining };
  } catch (e) {
    if (!(e instanceof Malformed)) throw e;
    return { value: undefined, malformed: e.message, nulls: c.nulls, negativeCount: c.negativeCount, trailing: 0 };
  }
}
