// One connection's worth of fuzz input: the bytes, how they are split into writes, and the
// generator that made them. Every script is reproducible from its seed.
import { encodeRequestFrame, JUTE_MAX_BUFFER, OpCode, SetDataRequest } from '@zookit/protocol';
import { badLength, confuseType, frameOf, mutateConnect, mutateRequest } from './mutations.js';
import { planFor } from './oracle.js';
import { Prng } from './prng.js';
import { connectRequestFrame, FUZZ_ROOT, requestFrame, XidCounter } from './valid-frames.js';

export type ScriptKind =
  | 'random-bytes'
  | 'mutated-handshake'
  | 'mutated-requests'
  | 'truncated'
  | 'bad-length'
  | 'garbage-after-handshake'
  | 'type-confusion'
  | 'unknown-op'
  | 'valid'
  | 'max-frame'
  | 'handmade';

export interface Script {
  readonly kind: ScriptKind;
  /** Seed of the generator that made it: `scriptFor(kind, new Prng(seed))` makes it again. */
  readonly seed: number;
  /** Every byte the client sends, in order. */
  readonly stream: Buffer;
  /** Offsets where one write ends and the next begins (ascending, inside the stream). */
  readonly cuts: readonly number[];
  /** Pause between writes, in ms (0: next turn of the event loop). */
  readonly pauseMs: number;
  /** Frames (whole or damaged) the generator put in, the sentinel included. */
  readonly frames: number;
}

/** xid of the closeSession appended to a script that leaves the connection open. */
export const SENTINEL_XID = 0x5e_47_1e_00;

const UNKNOWN_OPS = [0, 10, 23, 99, 108, 200, -1, -10, -12, 0x7fffffff, -0x80000000];

const LENIENT = {
  minSessionTimeout: 0,
  maxSessionTimeout: Number.MAX_SAFE_INTEGER,
  zxidBefore: undefined,
  zxidAfter: undefined,
  sessionExists: () => undefined,
};

function requests(rng: Prng, xids: XidCounter, n: number, damage: number): Buffer[] {
  return Array.from({ length: n }, () => {
    const frame = requestFrame(rng, xids);
    return rng.chance(damage) ? mutateRequest(rng, frame) : frame;
  });
}

function randomFrame(rng: Prng): Buffer {
  return frameOf(
    rng.bytes(
      rng.weighted([
        [3, rng.below(8)],
        [3, rng.between(8, 64)],
        [1, rng.between(64, 512)],
      ]),
    ),
  );
}

/** A setData frame of exactly `payloadLength` bytes after the prefix. */
function setDataOfSize(xids: XidCounter, payloadLength: number): Buffer {
  const path = `${FUZZ_ROOT}/big`;
  const data = Buffer.alloc(payloadLength - 8 - (4 + path.length) - 4 - 4, 0x61);
  return encodeRequestFrame({ xid: xids.next(), type: OpCode.setData }, SetDataRequest, { path, data, version: -1 });
}

function framesFor(kind: ScriptKind, rng: Prng): Buffer[] {
  const xids = new XidCounter();
  const hello = connectRequestFrame(rng);
  switch (kind) {
    case 'random-bytes':
      return rng.chance(0.3)
        ? [rng.bytes(rng.between(1, 64))]
        : Array.from({ length: rng.between(1, 4) }, () => randomFrame(rng));
    case 'mutated-handshake':
      return [rng.chance(0.8) ? mutateConnect(rng, hello) : hello, ...requests(rng, xids, rng.below(5), 0)];
    case 'mutated-requests':
      return [hello, ...requests(rng, xids, rng.between(1, 30), 0.5)];
    case 'truncated': {
      const frames = rng.chance(0.2) ? [hello] : [hello, ...requests(rng, xids, rng.between(1, 8), 0.2)];
      const last = frames.pop() as Buffer;
      return [...frames, last.subarray(0, rng.below(last.length))];
    }
    case 'bad-length': {
      const before = rng.chance(0.2) ? [] : [hello, ...requests(rng, xids, rng.below(6), 0.1)];
      const after = rng.chance(0.3) ? [rng.bytes(rng.between(1, 64))] : [];
      return [...before, badLength(rng, requestFrame(rng, xids)), ...after];
    }
    case 'garbage-after-handshake':
      return [
        hello,
        ...Array.from({ length: rng.between(1, 6) }, () =>
          rng.chance(0.8) ? randomFrame(rng) : rng.bytes(rng.between(1, 64)),
        ),
      ];
    case 'type-confusion':
      return [hello, ...Array.from({ length: rng.between(1, 12) }, () => confuseType(rng, requestFrame(rng, xids)))];
    case 'unknown-op': {
      const op = rng.chance(0.8) ? rng.pick(UNKNOWN_OPS) : rng.int32();
      const header = Buffer.alloc(8);
      header.writeInt32BE(xids.next(), 0);
      header.writeInt32BE(op, 4);
      const bad = frameOf(Buffer.concat([header, rng.bytes(rng.below(24))]));
      const after = rng.chance(0.3) ? requests(rng, xids, rng.between(1, 3), 0) : [];
      return [hello, ...requests(rng, xids, rng.below(4), 0), bad, ...after];
    }
    case 'valid':
      return [hello, ...requests(rng, xids, rng.between(5, 40), 0)];
    case 'max-frame':
      return [hello, setDataOfSize(xids, rng.chance(0.5) ? JUTE_MAX_BUFFER : JUTE_MAX_BUFFER + 1)];
    case 'handmade':
      throw new Error('handmade scripts come from handmadeScript()');
  }
}

function cutsFor(rng: Prng, stream: Buffer, frames: readonly Buffer[]): number[] {
  const strategy = rng.weighted<'whole' | 'frames' | 'random' | 'bytes'>([
    [8, 'whole'],
    [6, 'frames'],
    [5, 'random'],
    [1, 'bytes'],
  ]);
  if (strategy === 'whole' || stream.length < 2) return [];
  if (strategy === 'bytes' && stream.length <= 96) return Array.from({ length: stream.length - 1 }, (_, i) => i + 1);
  if (strategy === 'frames') {
    const cuts: number[] = [];
    let at = 0;
    for (const f of frames.slice(0, -1)) {
      at += f.length;
      cuts.push(at);
    }
    return cuts.filter((c) => c > 0 && c < stream.length);
  }
  const set = new Set<number>();
  for (let n = rng.between(1, 8); n > 0; n--) set.add(rng.between(1, stream.length - 1));
  return [...set].sort((a, b) => a - b);
}

/**
 * Appends a closeSession when the server should leave the connection open after `frames`: its
 * reply proves every earlier frame was answered, in order, and the close that follows ends the
 * observation at once.
 */
function withSentinel(frames: Buffer[]): Buffer[] {
  const plan = planFor(Buffer.concat(frames), LENIENT);
  const last = plan.steps.at(-1);
  if (plan.fourLetterWord || plan.tail || !last || last.alternatives.every((a) => a.close)) return frames;
  return [...frames, encodeRequestFrame({ xid: SENTINEL_XID, type: OpCode.closeSession })];
}

/** Makes one script of `kind` from `rng` (which it consumes). */
export function scriptFor(kind: ScriptKind, rng: Prng): Script {
  const seed = rng.seed;
  const frames = withSentinel(framesFor(kind, rng));
  const stream = Buffer.concat(frames);
  return {
    kind,
    seed,
    stream,
    cuts: cutsFor(rng, stream, frames),
    pauseMs: rng.chance(0.1) ? 1 : 0,
    frames: frames.length,
  };
}

/** A script of given frames (plus the closeSession sentinel), sent in one write: inputs written by hand. */
export function handmadeScript(frames: readonly Buffer[]): Script {
  const all = withSentinel([...frames]);
  return { kind: 'handmade', seed: 0, stream: Buffer.concat(all), cuts: [], pauseMs: 0, frames: all.length };
}

/** The default mix of script kinds. */
export const SCRIPT_MIX: ReadonlyArray<readonly [number, ScriptKind]> = [
  [30, 'mutated-requests'],
  [10, 'mutated-handshake'],
  [8, 'random-bytes'],
  [8, 'truncated'],
  [8, 'bad-length'],
  [10, 'garbage-after-handshake'],
  [8, 'type-confusion'],
  [6, 'unknown-op'],
  [6, 'valid'],
];

/** A random script from `mix`, reproducible from the returned script's seed and kind. */
export function randomScript(rng: Prng, mix: ReadonlyArray<readonly [number, ScriptKind]> = SCRIPT_MIX): Script {
  const kind = rng.weighted(mix);
  return scriptFor(kind, new Prng(rng.uint32()));
}
