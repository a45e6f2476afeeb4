const INT32_MIN = -0x8000_0000;
const INT32_MAX = 0x7fff_ffff;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/**
 * Growable big-endian writer of jute bytes. Values are checked before they are written:
 * an out-of-range int or long, or a wrongly typed value, throws a `TypeError`/`RangeError`
 * that names what was wrong; nothing partial is returned.
 */
export class JuteWriter {
  #buf: Buffer;
  #pos = 0;

  constructor(initialSize = 256) {
    this.#buf = Buffer.allocUnsafe(initialSize);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#pos;
  }

  /** Reserves `n` bytes and returns their offset. Callers must read `this.#buf` only after calling it: it may grow. */
  #ensure(n: number): number {
    const at = this.#pos;
    if (at + n > this.#buf.length) {
      const next = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, at + n));
      this.#buf.copy(next, 0, 0, at);
      this.#buf = next;
    }
    this.#pos = at + n;
    return at;
  }

  writeInt(value: number): void {
    if (!Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX) {
      throw new RangeError(`expected a 32-bit integer, got ${String(value)}`);
    }
    const at = this.#ensure(4);
    this.#buf.writeInt32BE(value, at);
  }

  writeLong(value: bigint): void {
    if (typeof value !== 'bigint') throw new TypeError(`expected a bigint, got ${typeof value}`);
    if (value < LONG_MIN || value > LONG_MAX) throw new RangeError(`expected a 64-bit integer, got ${value}`);
    const at = this.#ensure(8);
    this.#buf.writeBigInt64BE(value, at);
  }

  writeBool(value: boolean): void {
    if (typeof value !== 'boolean') throw new TypeError(`expected a boolean, got ${typeof value}`);
    const at = this.#ensure(1);
    this.#buf[at] = value ? 1 : 0;
  }

  /** Writes a length-prefixed buffer; `null` is written as length -1. */
  writeBuffer(value: Uint8Array | null): void {
    if (value === null) {
      this.writeInt(-1);
      return;
    }
    if (!(value instanceof Uint8Array)) throw new TypeError(`expected a Uint8Array or null, got ${typeof value}`);
    this.writeInt(value.length);
    const at = this.#ensure(value.length);
    this.#buf.set(value, at);
  }

  /** Writes a length-prefixed UTF-8 string. */
  writeUstring(value: string): void {
    if (typeof value !== 'string') throw new TypeError(`expected a string, got ${typeof value}`);
    const len = Buffer.byteLength(value, 'utf8');
    this.writeInt(len);
    const at = this.#ensure(len);
    this.#buf.write(value, at, len, 'utf8');
  }

  /** Overwrites 4 bytes at `offset` (used to patch a frame's length prefix). */
  patchInt(offset: number, value: number): void {
    this.#buf.writeInt32BE(value, offset);
  }

  /** The bytes written so far, as a view of the internal buffer; the writer must not be reused. */
  finish(): Buffer {
    return this.#buf.subarray(0, this.#pos);
  }
}
