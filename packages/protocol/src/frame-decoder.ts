/**
 * jute.maxbuffer's default (0xfffff bytes): ZooKeeper servers close a connection whose frame
 * length exceeds it, without a reply.
 */
export const JUTE_MAX_BUFFER = 0xfffff;

/**
 * The margin ZooKeeper allows above jute.maxbuffer inside records (BinaryInputArchive's
 * extraMaxBuffer default). A reply can exceed jute.maxbuffer by its headers and Stat when a
 * node holds nearly jute.maxbuffer bytes, so clients accept frames up to maxbuffer + margin.
 */
export const JUTE_EXTRA_MAX_BUFFER = 1024;

/** Thrown by {@link FrameDecoder} for a negative or oversized length prefix. The stream is unusable after it. */
export class FrameError extends Error {
  override readonly name = 'FrameError';
  /** The length prefix that was refused. */
  readonly length: number;
  /**
   * Complete frames that came before the refused length in the same `push`: a server still
   * executes them (ZooKeeper reads frame by frame) before it closes the connection.
   */
  readonly frames: Buffer[];

  constructor(message: string, length: number, frames: Buffer[] = []) {
    super(message);
    this.length = length;
    this.frames = frames;
  }
}

/** Options of {@link FrameDecoder}. */
export interface FrameDecoderOptions {
  /** Largest accepted payload length in bytes. Default {@link JUTE_MAX_BUFFER}. */
  maxFrameSize?: number;
}

/**
 * Splits a TCP byte stream into frames (a 4-byte big-endian length, then that many bytes).
 * Handles frames split at any byte and several frames in one chunk. A negative length or one
 * above `maxFrameSize` throws {@link FrameError} before anything is allocated for it (the
 * error carries the complete frames that preceded it in the same push); after that every `push`
 * throws (the connection must be closed).
 */
export class FrameDecoder {
  readonly maxFrameSize: number;
  #chunks: Buffer[] = [];
  #buffered = 0;
  #failure: FrameError | undefined;

  constructor(options: FrameDecoderOptions = {}) {
    const max = options.maxFrameSize ?? JUTE_MAX_BUFFER;
    if (!Number.isInteger(max) || max < 0 || max > 0x7fff_ffff) {
      throw new RangeError(`maxFrameSize must be an integer in [0, 2^31-1], got ${String(max)}`);
    }
    this.maxFrameSize = max;
  }

  /** Bytes received but not yet returned as a frame. */
  get bufferedBytes(): number {
    return this.#buffered;
  }

  /** Appends `chunk` and returns every frame payload it completes, in order. */
  push(chunk: Uint8Array): Buffer[] {
    if (this.#failure) throw this.#failure;
    if (chunk.length > 0) {
      this.#chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      this.#buffered += chunk.length;
    }
    const frames: Buffer[] = [];
    while (this.#buffered >= 4) {
      const len = this.#peekLength();
      if (len < 0 || len > this.maxFrameSize) {
        const message =
          len < 0
            ? `negative frame length ${len}`
            : `frame length ${len} exceeds the maximum of ${this.maxFrameSize} bytes`;
        this.#failure = new FrameError(message, len);
        this.#chunks = [];
        this.#buffered = 0;
        throw new FrameError(message, len, frames);
      }
      if (this.#buffered < 4 + len) break;
      this.#take(4);
      frames.push(this.#take(len));
    }
    return frames;
  }

  #peekLength(): number {
    const first = this.#chunks[0] as Buffer;
    if (first.length >= 4) return first.readInt32BE(0);
    return this.#take(4, true).readInt32BE(0);
  }

  /** Removes (or with `peek`, copies) the next `n` buffered bytes; avoids a copy when one chunk holds them. */
  #take(n: number, peek = false): Buffer {
    const first = this.#chunks[0];
    if (first && first.length >= n) {
      const out = first.subarray(0, n);
      if (!peek) {
        if (first.length === n) this.#chunks.shift();
        else this.#chunks[0] = first.subarray(n);
        this.#buffered -= n;
      }
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    let i = 0;
    while (filled < n) {
      const c = this.#chunks[i] as Buffer;
      const part = Math.min(c.length, n - filled);
      c.copy(out, filled, 0, part);
      filled += part;
      if (!peek) {
        if (part === c.length) {
          this.#chunks.shift();
        } else {
          this.#chunks[0] = c.subarray(part);
        }
      } else {
        i++;
      }
    }
    if (!peek) this.#buffered -= n;
    return out;
  }
}
