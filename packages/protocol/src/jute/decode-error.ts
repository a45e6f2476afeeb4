/**
 * Thrown when bytes cannot be decoded as the expected jute record: a read past the end of the
 * frame, a negative length other than -1, a count larger than the bytes left could hold, an
 * unknown op type inside a multi, or bytes left over after a record that must fill its frame.
 *
 * A decoder never throws anything else on bad input (no raw `RangeError`), never loops without
 * consuming bytes and never allocates more than the frame it was given.
 */
export class DecodeError extends Error {
  override readonly name = 'DecodeError';
  /** Byte offset in the input where decoding failed. */
  readonly offset: number;

  constructor(message: string, offset: number, options?: ErrorOptions) {
    super(`${message} (at byte ${offset})`, options);
    this.offset = offset;
  }
}
