import { ACL, buffer, decode, encode, int, long, type RecordCodec, record, ustring, vector } from '@zookit/protocol';
import type { CoreSnapshot, SnapshotNode } from '../core/snapshot.js';
import { crc32c } from './crc32c.js';

// A snapshot file: a 24-byte header, then the CoreSnapshot as jute (records below).
//   0  u32  crc32c of bytes [4, end)
//   4  u32  magic 'ZKSN'
//   8  u32  format version (1)
//  12  u32  payload length
//  16  i64  lastZxid (as in the name and the payload)
//  24  ...  payload
const MAGIC = 0x5a4b534e;
const VERSION = 1;
const HEADER_SIZE = 24;

const SNAPSHOT_NAME = /^snapshot-([0-9a-f]{16})\.snap$/;

/** `snapshot-<lastZxid as 16 hex digits>.snap`: names sort by zxid. */
export function snapshotName(lastZxid: bigint): string {
  return `snapshot-${hex16(lastZxid)}.snap`;
}

/** The lastZxid in a snapshot file name, or `undefined` for another file. */
export function parseSnapshotName(name: string): bigint | undefined {
  const m = SNAPSHOT_NAME.exec(name);
  return m ? BigInt(`0x${m[1]}`) : undefined;
}

export function hex16(zxid: bigint): string {
  return BigInt.asUintN(64, zxid).toString(16).padStart(16, '0');
}

interface SnapshotSessionRecord {
  id: bigint;
  timeout: number;
  password: Uint8Array | null;
}

const SnapshotNodeRecord: RecordCodec<SnapshotNode> = record<SnapshotNode>('SnapshotNode', {
  path: ustring,
  data: buffer,
  acl: vector(ACL),
  czxid: long,
  mzxid: long,
  ctime: long,
  mtime: long,
  version: int,
  cversion: int,
  aversion: int,
  ephemeralOwner: long,
  pzxid: long,
});

const SnapshotSession: RecordCodec<SnapshotSessionRecord> = record<SnapshotSessionRecord>('SnapshotSession', {
  id: long,
  timeout: int,
  password: buffer,
});

interface SnapshotRecord {
  lastZxid: bigint;
  nodes: SnapshotNode[];
  sessions: SnapshotSessionRecord[];
}

const SnapshotRecord: RecordCodec<SnapshotRecord> = record<SnapshotRecord>('Snapshot', {
  lastZxid: long,
  nodes: vector(SnapshotNodeRecord),
  sessions: vector(SnapshotSession),
});

/** The bytes of a snapshot file. */
export function encodeSnapshot(snapshot: CoreSnapshot): Uint8Array {
  const payload = encode(SnapshotRecord, {
    lastZxid: snapshot.lastZxid,
    nodes: [...snapshot.nodes],
    sessions: snapshot.sessions.map((s) => ({ id: s.id, timeout: s.timeout, password: s.password })),
  });
  const out = Buffer.allocUnsafe(HEADER_SIZE + payload.length);
  out.writeUInt32BE(MAGIC, 4);
  out.writeUInt32BE(VERSION, 8);
  out.writeUInt32BE(payload.length, 12);
  out.writeBigInt64BE(snapshot.lastZxid, 16);
  out.set(payload, HEADER_SIZE);
  out.writeUInt32BE(crc32c(out.subarray(4)), 0);
  return out;
}

/** Decodes a snapshot file; throws an Error saying what is wrong if it does not verify. */
export function decodeSnapshot(bytes: Uint8Array): CoreSnapshot {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < HEADER_SIZE) throw new Error(`truncated: ${b.length} bytes, the header alone is ${HEADER_SIZE}`);
  if (b.readUInt32BE(4) !== MAGIC) throw new Error('not a snapshot file (bad magic)');
  if (b.readUInt32BE(8) !== VERSION) throw new Error(`unknown snapshot format version ${b.readUInt32BE(8)}`);
  const length = b.readUInt32BE(12);
  if (b.length !== HEADER_SIZE + length) {
    throw new Error(`length mismatch: header says ${length} payload bytes, file has ${b.length - HEADER_SIZE}`);
  }
  if (crc32c(b.subarray(4)) !== b.readUInt32BE(0)) throw new Error('checksum mismatch');
  const decoded = decode(SnapshotRecord, b.subarray(HEADER_SIZE));
  if (decoded.lastZxid !== b.readBigInt64BE(16)) throw new Error('header and payload disagree on lastZxid');
  return {
    lastZxid: decoded.lastZxid,
    nodes: decoded.nodes,
    sessions: decoded.sessions.map((s) => ({
      id: s.id,
      timeout: s.timeout,
      password: s.password ?? new Uint8Array(0),
    })),
  };
}
