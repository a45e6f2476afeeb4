import { DecodeError } from './decode-error.js';
import { JuteReader } from './reader.js';
import { JuteWriter } from './writer.js';

/** The jute type a codec reads and writes. */
export type JuteKind =
  | 'int'
  | 'long'
  | 'boolean'
  | 'buffer'
  | 'ustring'
  | 'vector'
  | 'record'
  | 'optional-boolean'
  | 'multi';

/**
 * Reads and writes one jute type. Codecs are stateless and may be shared freely.
 * `minSize` is the fewest bytes an encoded value takes; readers use it to reject impossible
 * vector counts before looping.
 */
export interface Codec<T> {
  readonly kind: JuteKind;
  readonly minSize: number;
  encode(writer: JuteWriter, value: T): void;
  decode(reader: JuteReader): T;
}

/** A vector codec; `element` describes the elements. */
export interface VectorCodec<T> extends Codec<T[]> {
  readonly kind: 'vector';
  readonly element: Codec<T>;
}

/** A field list: one codec per property, in wire order (object key order). */
export type Fields<T> = { readonly [K in keyof T]-?: Codec<T[K]> };

/** A record codec: the fields of one zookeeper.jute class, in declaration order. */
export interface RecordCodec<T> extends Codec<T> {
  readonly kind: 'record';
  /** The class name in zookeeper.jute. */
  readonly name: string;
  readonly fields: ReadonlyArray<readonly [keyof T & string, Codec<unknown>]>;
}

/** jute `int`: 32-bit signed, big-endian. */
export const int: Codec<number> = {
  kind: 'int',
  minSize: 4,
  encode: (w, v) => w.writeInt(v),
  decode: (r) => r.readInt(),
};

/** jute `long`: 64-bit signed, big-endian, as a `bigint` (zxids and session ids exceed 2^53). */
export const long: Codec<bigint> = {
  kind: 'long',
  minSize: 8,
  encode: (w, v) => w.writeLong(v),
  decode: (r) => r.readLong(),
};

/** jute `boolean`: one byte. */
export const boolean: Codec<boolean> = {
  kind: 'boolean',
  minSize: 1,
  encode: (w, v) => w.writeBool(v),
  decode: (r) => r.readBool(),
};

/** jute `buffer`: int length then bytes; `null` is length -1 and differs from an empty buffer. */
export const buffer: Codec<Uint8Array | null> = {
  kind: 'buffer',
  minSize: 4,
  encode: (w, v) => w.writeBuffer(v),
  decode: (r) => r.readBuffer(),
};

/** jute `ustring`: int byte length then UTF-8. A null string (-1) decodes as `''`. */
export const ustring: Codec<string> = {
  kind: 'ustring',
  minSize: 4,
  encode: (w, v) => w.writeUstring(v),
  decode: (r) => r.readUstring(),
};

/**
 * A trailing boolean that older peers omit (the readOnly byte of ConnectRequest and
 * ConnectResponse): decodes as `undefined` when no bytes are left, and is not written when
 * `undefined`. Only meaningful as the last field of a record that fills its frame.
 */
export const optionalTrailingBoolean: Codec<boolean | undefined> = {
  kind: 'optional-boolean',
  minSize: 0,
  encode: (w, v) => {
    if (v !== undefined) w.writeBool(v);
  },
  decode: (r) => (r.remaining === 0 ? undefined : r.readBool()),
};

/** jute `vector<T>`: int count then elements. A null vector (-1) decodes as `[]`. */
export function vector<T>(element: Codec<T>): VectorCodec<T> {
  const minSize = Math.max(element.minSize, 1);
  return {
    kind: 'vector',
    minSize: 4,
    element,
    encode(w, values) {
      if (!Array.isArray(values)) throw new TypeError(`expected an array, got ${typeof values}`);
      w.writeInt(values.length);
      for (let i = 0; i < values.length; i++) {
        try {
          element.encode(w, values[i] as T);
        } catch (err) {
          throw rethrowAt(`[${i}]`, err);
        }
      }
    },
    decode(r) {
      const count = r.readCount(minSize);
      const out: T[] = [];
      for (let i = 0; i < count; i++) out.push(element.decode(r));
      return out;
    },
  };
}

/** Builds the codec of one zookeeper.jute class from its fields, in declaration order. */
export function record<T>(name: string, fields: Fields<T>): RecordCodec<T> {
  const list = Object.entries(fields) as Array<[keyof T & string, Codec<unknown>]>;
  const minSize = list.reduce((sum, [, c]) => sum + c.minSize, 0);
  return {
    kind: 'record',
    name,
    fields: list,
    minSize,
    encode(w, value) {
      if (value === null || typeof value !== 'object') {
        throw new TypeError(`${name}: expected an object, got ${value === null ? 'null' : typeof value}`);
      }
      for (const [key, codec] of list) {
        try {
          codec.encode(w, value[key]);
        } catch (err) {
          throw rethrowAt(`${name}.${key}`, err);
        }
      }
    },
    decode(r) {
      const out: Record<string, unknown> = {};
      for (const [key, codec] of list) out[key] = codec.decode(r);
      return out as T;
    },
  };
}

/** Prefixes a value error with where it happened ("CreateRequest.acl: [0]: ACL.perms: ..."). */
function rethrowAt(where: string, err: unknown): unknown {
  if (err instanceof RangeError) return new RangeError(`${where}: ${err.message}`, { cause: err });
  if (err instanceof TypeError) return new TypeError(`${where}: ${err.message}`, { cause: err });
  return err;
}

/** Encodes one value to a fresh buffer (no frame prefix). */
export function encode<T>(codec: Codec<T>, value: T): Buffer {
  const w = new JuteWriter();
  codec.encode(w, value);
  return w.finish();
}

/**
 * Decodes one value that must fill `bytes` exactly. Trailing bytes are a {@link DecodeError}:
 * they mean the peer and we disagree on the record.
 */
export function decode<T>(codec: Codec<T>, bytes: Uint8Array): T {
  const r = new JuteReader(bytes);
  const value = codec.decode(r);
  if (r.remaining !== 0)
    throw new DecodeError(`${r.remaining} unexpected trailing bytes after ${describe(codec)}`, r.offset);
  return value;
}

function describe(codec: Codec<unknown>): string {
  return codec.kind === 'record' ? (codec as RecordCodec<unknown>).name : codec.kind;
}
