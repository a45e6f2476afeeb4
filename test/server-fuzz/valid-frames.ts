// Well-formed frames of every kind a client sends, with random but plausible contents, built with
// @zookit/protocol's codecs (the mutators then damage them).
import {
  type ACL,
  type Codec,
  ConnectRequest,
  encodeRecordFrame,
  encodeRequestFrame,
  type MultiOp,
  MultiOperationRecord,
  OpCode,
  opRecords,
  type RecordCodec,
  type VectorCodec,
  Xid,
} from '@zookit/protocol';
import type { Prng } from './prng.js';

/** The subtree fuzz requests mostly work in (created before a run). */
export const FUZZ_ROOT = '/fuzz';

const PATHS = [
  '/',
  FUZZ_ROOT,
  `${FUZZ_ROOT}/a`,
  `${FUZZ_ROOT}/a/b`,
  `${FUZZ_ROOT}/b`,
  `${FUZZ_ROOT}/seq-`,
  `${FUZZ_ROOT}/é`,
  '/zookeeper',
  '/zookeeper/config',
  '/zookeeper/quota',
  '',
  'fuzz',
  `${FUZZ_ROOT}/`,
  `${FUZZ_ROOT}//a`,
  `${FUZZ_ROOT}/.`,
  `${FUZZ_ROOT}/..`,
  `${FUZZ_ROOT}/\u0000`,
  `${FUZZ_ROOT}/\ud800`,
];

const SCHEMES = ['digest', 'ip', 'world', 'auth', 'super', 'sasl', 'x509', 'nope', ''];

/** Request ops with their xid convention; `weight` shapes the mix. */
const OPS: ReadonlyArray<readonly [number, number]> = [
  [6, OpCode.create],
  [3, OpCode.create2],
  [4, OpCode.delete],
  [5, OpCode.exists],
  [6, OpCode.getData],
  [5, OpCode.setData],
  [2, OpCode.getACL],
  [2, OpCode.setACL],
  [3, OpCode.getChildren],
  [3, OpCode.getChildren2],
  [2, OpCode.sync],
  [3, OpCode.ping],
  [1, OpCode.check],
  [4, OpCode.multi],
  [1, OpCode.reconfig],
  [1, OpCode.checkWatches],
  [1, OpCode.removeWatches],
  [2, OpCode.createContainer],
  [1, OpCode.deleteContainer],
  [2, OpCode.createTTL],
  [3, OpCode.multiRead],
  [2, OpCode.auth],
  [1, OpCode.setWatches],
  [1, OpCode.sasl],
  [1, OpCode.getEphemerals],
  [1, OpCode.getAllChildrenNumber],
  [1, OpCode.setWatches2],
  [2, OpCode.addWatch],
  [1, OpCode.whoAmI],
];

/** Every op a valid-frame generator can produce (for coverage checks). */
export const FUZZ_OPS: readonly number[] = OPS.map(([, op]) => op);

export function randomPath(rng: Prng): string {
  if (rng.chance(0.1)) return `/${rng.bytes(rng.below(12)).toString('latin1')}`;
  return rng.pick(PATHS);
}

function randomData(rng: Prng): Buffer | null {
  return rng.weighted<Buffer | null>([
    [1, null],
    [2, Buffer.alloc(0)],
    [10, rng.bytes(rng.below(64))],
    [1, rng.bytes(rng.between(512, 16_384))],
  ]);
}

function randomAcl(rng: Prng): ACL[] {
  const one = (): ACL => ({
    perms: rng.chance(0.8) ? rng.below(32) : rng.int32(),
    id: {
      scheme: rng.pick(SCHEMES),
      id: rng.pick(['anyone', '', '127.0.0.1', '10.0.0.0/8', 'user:x', 'u:p', rng.bytes(6).toString('hex')]),
    },
  });
  if (rng.chance(0.6)) return [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
  return Array.from({ length: rng.below(3) }, one);
}

const intByField: Record<string, (rng: Prng) => number> = {
  flags: (rng) => (rng.chance(0.9) ? rng.below(7) : rng.between(-2, 9)),
  version: (rng) => rng.pick([-1, -1, 0, 1, 2, rng.int32()]),
  mode: (rng) => (rng.chance(0.9) ? rng.below(2) : rng.between(-1, 3)),
  type: (rng) => (rng.chance(0.9) ? rng.between(1, 5) : rng.between(-1, 7)),
  perms: (rng) => rng.below(32),
};

function randomValue(rng: Prng, codec: Codec<unknown>, field: string): unknown {
  switch (codec.kind) {
    case 'int':
      return (intByField[field] ?? ((r: Prng) => (r.chance(0.5) ? r.below(4) : r.int32())))(rng);
    case 'long':
      if (field === 'ttl') return rng.pick([-1n, 0n, 1n, 1000n, 60_000n, 1n << 40n, rng.int64()]);
      return rng.chance(0.7) ? 0n : rng.int64();
    case 'boolean':
      return rng.chance(0.5);
    case 'buffer':
      if (field === 'auth') return Buffer.from(rng.pick(['user:pw', 'super:secret', '', 'nocolon', '::']));
      return randomData(rng);
    case 'ustring':
      if (/path/i.test(field) || field.endsWith('Watches')) return randomPath(rng);
      if (field === 'scheme') return rng.pick(SCHEMES);
      return rng.bytes(rng.below(16)).toString('latin1');
    case 'vector': {
      if (field === 'acl') return randomAcl(rng);
      const element = (codec as VectorCodec<unknown>).element;
      return Array.from({ length: rng.below(4) }, () => randomValue(rng, element, field));
    }
    case 'record': {
      const out: Record<string, unknown> = {};
      for (const [key, c] of (codec as RecordCodec<unknown>).fields) out[key] = randomValue(rng, c, key);
      return out;
    }
    default:
      throw new Error(`valid-frames: no generator for ${codec.kind}`);
  }
}

const WRITE_OPS = [
  OpCode.create,
  OpCode.create2,
  OpCode.createContainer,
  OpCode.createTTL,
  OpCode.delete,
  OpCode.setData,
  OpCode.check,
];

function randomMulti(rng: Prng, read: boolean): MultiOperationRecord {
  const ops: MultiOp[] = [];
  for (let i = rng.below(5); i > 0; i--) {
    const type = read ? rng.pick([OpCode.getData, OpCode.getChildren]) : rng.pick(WRITE_OPS);
    const codec = opRecords(type)?.request as Codec<unknown>;
    ops.push({ type, request: randomValue(rng, codec, 'request') } as MultiOp);
  }
  return { ops };
}

/** A ConnectRequest frame: mostly a new session, sometimes odd but well-formed fields. */
export function connectRequestFrame(rng: Prng): Buffer {
  const request: ConnectRequest = {
    protocolVersion: rng.chance(0.9) ? 0 : rng.int32(),
    lastZxidSeen: rng.weighted<bigint>([
      [12, 0n],
      [1, -1n],
      [1, 1n << 62n],
      [1, rng.int64()],
    ]),
    timeOut: rng.weighted<number>([
      [8, 10_000],
      [1, 0],
      [1, -1],
      [1, 1],
      [1, rng.int32()],
    ]),
    sessionId: rng.chance(0.9) ? 0n : rng.int64(),
    passwd: rng.weighted<Uint8Array | null>([
      [10, new Uint8Array(16)],
      [1, null],
      [1, rng.bytes(rng.below(40))],
    ]),
    readOnly: rng.weighted<boolean | undefined>([
      [8, false],
      [1, true],
      [2, undefined],
    ]),
  };
  return encodeRecordFrame(ConnectRequest, request);
}

/** Per-connection request counter, so normal requests get increasing xids as clients send them. */
export class XidCounter {
  #next = 1;
  next(): number {
    return this.#next++;
  }
}

/** A well-formed request frame of `op` (random op when omitted). */
export function requestFrame(rng: Prng, xids: XidCounter, op = rng.weighted(OPS)): Buffer {
  switch (op) {
    case OpCode.ping:
      return encodeRequestFrame({ xid: Xid.PING, type: op });
    case OpCode.whoAmI:
    case OpCode.closeSession:
      return encodeRequestFrame({ xid: xids.next(), type: op });
    case OpCode.multi:
    case OpCode.multiRead:
      return encodeRequestFrame(
        { xid: xids.next(), type: op },
        MultiOperationRecord,
        randomMulti(rng, op !== OpCode.multi),
      );
  }
  const codec = opRecords(op)?.request as Codec<unknown>;
  const xid =
    op === OpCode.auth
      ? Xid.AUTH
      : op === OpCode.setWatches || op === OpCode.setWatches2
        ? Xid.SET_WATCHES
        : xids.next();
  return encodeRequestFrame({ xid, type: op }, codec, randomValue(rng, codec, 'request'));
}
