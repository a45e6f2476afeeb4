import { DecodeError } from './decode-error.js';

/**
 * Bounds-checked big-endian reader over one frame of jute bytes.
 *
 * Every read checks that the bytes it needs are inside `[offset, end)` and throws
 * {@link DecodeError} otherwise, so a lying length prefix can never make the reader
 * allocate or scan past the frame.
 */
export class JuteReader {
  readonly #buf: Buffer;
  readonly #end: number;
  #pos: number;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    this.#buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (start < 0 || end > bytes.length || start > end) {
      throw new RangeError(`JuteReader: window [${start}, ${end}) is outside a buffer of ${bytes.length} bytes`);
    }
    this.#pos = start;
    this.#end = end;
  }

  /** Current read position. */
  get offset(): number {
    return this.#pos;
  }

  /** Bytes left before the end of the window. */
  get remaining(): number {
    return this.#end - this.#pos;
  }

  #need(n: number, what: string): number {
    const at = this.#pos;
    if (n > this.#end - at) {
      throw new DecodeError(`truncated ${what}: need ${n} bytes, ${this.#end - at} left`, at);
    }
    this.#pos = at + n;
    return at;
  }

  readInt(): number {
    return this.#buf.readInt32BE(this.#need(4, 'int'));
  }

  readLong(): bigint {
    return this.#buf.readBigInt64BE(this.#need(8, 'long'));
  }

  /** Any non-zero byte is true, as in Java's DataInput.readBoolean. */
  readBool(): boolean {
    return this.#buf[this.#need(1, 'boolean')] !== 0;
  }

  /** Reads a length (-1 = null) and checks it against the bytes left. */
  #readLength(what: string): number {
    const at = this.#pos;
    const len = this.readInt();
    if (len < -1) throw new DecodeError(`negative ${what} length ${len}`, at);
    if (len > this.#end - this.#pos) {
      throw new DecodeError(`${what} length ${len} exceeds the ${this.#end - this.#pos} bytes left`, at);
    }
    return len;
  }

  /** A jute `buffer`: length -1 is null, distinct from an empty buffer. Returns a copy. */
  readBuffer(): Uint8Array | null {
    const len = this.#readLength('buffer');
    if (len === -1) return null;
    const at = this.#need(len, 'buffer');
    return Buffer.from(this.#buf.subarray(at, at + len));
  }

  /**
   * A jute `ustring` (UTF-8, invalid sequences replaced). A null string (length -1) reads as
   * `''`: ZooKeeper rejects a null path and an empty one with the same error, and no record a
   * server or client sends carries a meaningful null string.
   */
  readUstring(): string {
    const len = this.#readLength('ustring');
    if (len <= 0) return '';
    const at = this.#need(len, 'ustring');
    return this.#buf.toString('utf8', at, at + len);
  }

  /**
   * A jute vector count: -1 (null) and, as in ZooKeeper's BinaryInputArchive, any other
   * negative count read as 0 (an empty vector). `minElementSize` bounds the count by the bytes
   * left so that a huge count fails at once instead of after a long loop.
   */
  readCount(minElementSize: number): number {
    const at = this.#pos;
    const count = this.readInt();
    if (count < 0) return 0;
    if (count * minElementSize > this.#end - this.#pos) {
      throw new DecodeError(`vector count ${count} cannot fit in the ${this.#end - this.#pos} bytes left`, at);
    }
    return count;
  }
}
