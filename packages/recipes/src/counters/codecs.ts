/**
 * How a counter recipe stores its value in a znode. The formats are Curator's, so zookit and
 * Curator processes can share one counter: SharedCount = 4-byte big-endian int,
 * DistributedAtomicLong = 8-byte big-endian long, SharedValue/DistributedAtomicValue = raw bytes.
 */
export interface Codec<T> {
  encode(value: T): Uint8Array;
  /** Throws a RangeError for bytes that are not a value of this format. */
  decode(data: Uint8Array): T;
  equals(a: T, b: T): boolean;
  /** What a missing node (or one without data) reads as, where the recipe allows that. */
  readonly zero: T;
}

export const bytesCodec: Codec<Uint8Array> = {
  encode: (value) => value,
  decode: (data) => Buffer.from(data),
  equals: (a, b) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b),
  zero: Buffer.alloc(0),
};

export const int32Codec: Codec<number> = {
  encode(value) {
    if (!Number.isInteger(value) || value < -(2 ** 31) || value >= 2 ** 31) {
      throw new RangeError(`expected a 32-bit signed integer, got ${String(value)}`);
    }
    const out = Buffer.alloc(4);
    out.writeInt32BE(value);
    return out;
  },
  decode(data) {
    if (data.length !== 4) throw new RangeError(`not a 4-byte count (${data.length} bytes)`);
    return Buffer.from(data.buffer, data.byteOffset, data.byteLength).readInt32BE(0);
  },
  equals: (a, b) => a === b,
  zero: 0,
};

export const int64Codec: Codec<bigint> = {
  encode(value) {
    if (typeof value !== 'bigint' || BigInt.asIntN(64, value) !== value) {
      throw new RangeError(`expected a 64-bit signed bigint, got ${String(value)}`);
    }
    const out = Buffer.alloc(8);
    out.writeBigInt64BE(value);
    return out;
  },
  decode(data) {
    if (data.length === 0) return 0n;
    if (data.length !== 8) throw new RangeError(`not an 8-byte long (${data.length} bytes): corrupted value`);
    return Buffer.from(data.buffer, data.byteOffset, data.byteLength).readBigInt64BE(0);
  },
  equals: (a, b) => a === b,
  zero: 0n,
};

/** Bytes from a `Uint8Array` or a string (UTF-8). */
export function toBytes(value: Uint8Array | string): Uint8Array {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
}
