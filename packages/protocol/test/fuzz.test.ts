// Decoder fuzzing: random frames and mutations of valid frames must either decode or fail with
// DecodeError/FrameError — never another exception, never a hang. The gate runs a bounded,
// seeded run; `pnpm fuzz` runs a long one (FUZZ_RUNS, FUZZ_SEED).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Codec,
  ConnectRequest,
  DecodeError,
  decode,
  encode,
  FrameDecoder,
  FrameError,
  JuteReader,
  opRecords,
  ReplyHeader,
  RequestHeader,
} from '../src/index.js';
import { allRecordCodecs } from './all-records.js';
import { arbitraryFor } from './arbitraries.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 20_000);
const SEED =
  process.env.FUZZ_SEED === 'random'
    ? Math.floor(Math.random() * 0x7fff_ffff)
    : Number(process.env.FUZZ_SEED ?? 20261126);

/** xorshift32: a tiny seeded generator so a failing run can be replayed from its seed. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x1_0000_0000;
  };
}

const corpus: Buffer[] = allRecordCodecs.flatMap(([, codec]) =>
  fc.sample(arbitraryFor(codec), { numRuns: 3, seed: SEED }).map((v) => encode(codec, v)),
);

const extremes = [0, -1, -2, 0x7fff_ffff, -0x8000_0000, 1, 0xfffff, 0x100000];

function mutate(next: () => number, input: Buffer): Buffer {
  const b = Buffer.from(input);
  const pick = (n: number) => Math.floor(next() * n);
  switch (pick(5)) {
    case 0: // flip bits
      for (let i = 0, n = 1 + pick(4); i < n && b.length > 0; i++) {
        const at = pick(b.length);
        b[at] = (b[at] as number) ^ (1 << pick(8));
      }
      return b;
    case 1: // truncate
      return b.subarray(0, pick(b.length + 1));
    case 2: // overwrite an aligned-ish int with an extreme value (lengths, counts)
      if (b.length >= 4) b.writeInt32BE(extremes[pick(extremes.length)] as number, pick(b.length - 3));
      return b;
    case 3: // insert random bytes
      return Buffer.concat([
        b.subarray(0, pick(b.length + 1)),
        randomBytes(next, 1 + pick(8)),
        b.subarray(pick(b.length + 1)),
      ]);
    default:
      return randomBytes(next, pick(64));
  }
}

function randomBytes(next: () => number, n: number): Buffer {
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(next() * 256);
  return out;
}

/** Decodes like a server would: a ConnectRequest, or a RequestHeader followed by the op's body. */
function decodeAsServer(frame: Buffer): void {
  tolerate(() => decode(ConnectRequest, frame));
  tolerate(() => {
    const r = new JuteReader(frame);
    const header = RequestHeader.decode(r);
    const codec = opRecords(header.type)?.request;
    if (codec) codec.decode(r);
  });
  tolerate(() => {
    const r = new JuteReader(frame);
    ReplyHeader.decode(r);
  });
}

function tolerate(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
  }
}

describe('decoder fuzz', () => {
  it(`${RUNS} mutated payloads decode or fail with DecodeError, for every record (seed ${SEED})`, () => {
    const next = rng(SEED);
    for (let i = 0; i < RUNS; i++) {
      const input = mutate(next, corpus[Math.floor(next() * corpus.length)] as Buffer);
      const [, codec] = allRecordCodecs[Math.floor(next() * allRecordCodecs.length)] as [string, Codec<unknown>];
      try {
        decode(codec, input);
      } catch (e) {
        if (!(e instanceof DecodeError)) throw new Error(`run ${i}: ${(e as Error).name} ${(e as Error).message}`);
      }
      decodeAsServer(input);
    }
    expect(corpus.length).toBeGreaterThan(100);
  });

  it('frame streams with random lengths fail with FrameError or yield bounded frames', () => {
    const next = rng(SEED + 1);
    const runs = Math.ceil(RUNS / 10);
    for (let i = 0; i < runs; i++) {
      const d = new FrameDecoder({ maxFrameSize: 4096 });
      const stream = randomBytes(next, Math.floor(next() * 200));
      if (next() < 0.7 && stream.length >= 4) stream.writeInt32BE(Math.floor(next() * 300), 0);
      let consumed = 0;
      try {
        for (let at = 0; at < stream.length; ) {
          const step = 1 + Math.floor(next() * 16);
          for (const f of d.push(stream.subarray(at, at + step))) {
            expect(f.length).toBeLessThanOrEqual(4096);
            consumed += 4 + f.length;
            decodeAsServer(f);
          }
          at += step;
        }
        expect(consumed + d.bufferedBytes).toBe(stream.length);
      } catch (e) {
        if (!(e instanceof FrameError)) throw e;
      }
    }
  });
});
