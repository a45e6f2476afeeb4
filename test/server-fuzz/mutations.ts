// Byte-level damage to one frame (length prefix + payload). Most mutators keep the prefix
// consistent with the payload, so the damage lands in the record; `lieAboutLength` and
// `badLength` break the framing itself.
import { JUTE_MAX_BUFFER, OpCode } from '@zookit/protocol';
import type { Prng } from './prng.js';

const INTERESTING_INTS = [
  0,
  1,
  -1,
  -2,
  2,
  4,
  8,
  16,
  0x7f,
  0x80,
  0xff,
  0x7fff,
  0xffff,
  0x7fffffff,
  -0x80000000,
  JUTE_MAX_BUFFER,
  JUTE_MAX_BUFFER + 1,
  0x100000,
  -0x100,
];

/** Length prefixes ZooKeeper refuses (negative or above jute.maxbuffer). */
export const BAD_LENGTHS = [-1, -2, -0x80000000, JUTE_MAX_BUFFER + 1, 0x100000, 0x7fffffff, 0x10000000];

const OP_CODES = Object.values(OpCode) as number[];

/** A frame around `payload`: its length, then it. */
export function frameOf(payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(4 + payload.length);
  out.writeInt32BE(payload.length, 0);
  out.set(payload, 4);
  return out;
}

function payloadOf(frame: Buffer): Buffer {
  return Buffer.from(frame.subarray(4));
}

type Mutator = (rng: Prng, frame: Buffer) => Buffer;

const flipBits: Mutator = (rng, frame) => {
  const p = payloadOf(frame);
  if (p.length === 0) return frame;
  for (let n = rng.between(1, 4); n > 0; n--) {
    const i = rng.below(p.length);
    p[i] = (p[i] as number) ^ (1 << rng.below(8));
  }
  return frameOf(p);
};

const setInt: Mutator = (rng, frame) => {
  const p = payloadOf(frame);
  if (p.length < 4) return frame;
  // Aligned offsets hit the header and most length fields of the records.
  const at = rng.chance(0.7) ? 4 * rng.below(Math.floor(p.length / 4)) : rng.below(p.length - 3);
  p.writeInt32BE(rng.chance(0.8) ? rng.pick(INTERESTING_INTS) : rng.int32(), at);
  return frameOf(p);
};

const setByte: Mutator = (rng, frame) => {
  const p = payloadOf(frame);
  if (p.length === 0) return frame;
  p[rng.below(p.length)] = rng.pick([0x00, 0x01, 0x7f, 0x80, 0xff, rng.below(256)]);
  return frameOf(p);
};

const truncate: Mutator = (rng, frame) => frameOf(payloadOf(frame).subarray(0, rng.below(frame.length - 3)));

const appendGarbage: Mutator = (rng, frame) =>
  frameOf(Buffer.concat([payloadOf(frame), rng.bytes(rng.between(1, 32))]));

const insertBytes: Mutator = (rng, frame) => {
  const p = payloadOf(frame);
  const at = rng.below(p.length + 1);
  return frameOf(Buffer.concat([p.subarray(0, at), rng.bytes(rng.between(1, 8)), p.subarray(at)]));
};

const deleteBytes: Mutator = (rng, frame) => {
  const p = payloadOf(frame);
  if (p.length === 0) return frame;
  const at = rng.below(p.length);
  return frameOf(Buffer.concat([p.subarray(0, at), p.subarray(at + rng.between(1, 8))]));
};

/** Replaces the op code of a request frame: one op's body read as another's. */
export const confuseType: Mutator = (rng, frame) => {
  if (frame.length < 12) return frame;
  const out = Buffer.from(frame);
  out.writeInt32BE(rng.chance(0.9) ? rng.pick(OP_CODES) : rng.int32(), 8);
  return out;
};

const setXid: Mutator = (rng, frame) => {
  if (frame.length < 8) return frame;
  const out = Buffer.from(frame);
  out.writeInt32BE(rng.pick([-1, -2, -4, -8, 0, 0x7fffffff, rng.int32()]), 4);
  return out;
};

/** Makes the length prefix disagree with the payload by a little: later frames are misread. */
export const lieAboutLength: Mutator = (rng, frame) => {
  const out = Buffer.from(frame);
  out.writeInt32BE(Math.max(0, frame.length - 4 + rng.pick([-8, -4, -3, -1, 1, 2, 4, 9])), 0);
  return out;
};

/** A refused length prefix (negative or above jute.maxbuffer), payload kept after it. */
export const badLength: Mutator = (rng, frame) => {
  const out = Buffer.from(frame);
  out.writeInt32BE(rng.chance(0.8) ? rng.pick(BAD_LENGTHS) : rng.between(JUTE_MAX_BUFFER + 1, 0x7fffffff), 0);
  return out;
};

const RECORD_MUTATORS: ReadonlyArray<readonly [number, Mutator]> = [
  [4, flipBits],
  [5, setInt],
  [2, setByte],
  [5, truncate],
  [3, appendGarbage],
  [2, insertBytes],
  [2, deleteBytes],
];

/** Damages a handshake frame (no RequestHeader). */
export function mutateConnect(rng: Prng, frame: Buffer): Buffer {
  let out = frame;
  for (let n = rng.between(1, 2); n > 0; n--) out = rng.weighted(RECORD_MUTATORS)(rng, out);
  if (rng.chance(0.05)) out = lieAboutLength(rng, out);
  return out;
}

/** Damages a request frame: its record, header, op code or (rarely) its framing. */
export function mutateRequest(rng: Prng, frame: Buffer): Buffer {
  let out = frame;
  for (let n = rng.between(1, 2); n > 0; n--) {
    const m = rng.weighted<Mutator>([
      [20, (r, f) => r.weighted(RECORD_MUTATORS)(r, f)],
      [4, confuseType],
      [2, setXid],
    ]);
    out = m(rng, out);
  }
  if (rng.chance(0.03)) out = lieAboutLength(rng, out);
  return out;
}
