import { crc32c } from './crc32c.js';

// A WAL segment: a 20-byte header, then records back to back, then (when preallocated) zeros.
// Header:   0 u32 crc32c of bytes [4, 20) | 4 u32 magic 'ZKWL' | 8 u32 version (1) | 12 i64 prevZxid
// Record:   0 u32 crc32c of bytes [4, 16 + length) | 4 u32 length | 8 i64 zxid | 16 payload (LogEntry)
// prevZxid is the last zxid logged before the segment's first record: consecutive segments must
// chain (each one's prevZxid is its predecessor's last zxid), so a missing segment is detected.
// A record's length is never 0, so the zeros of preallocated space never read as a record: a
// segment's records end at the first slot that is not a valid record, normally the zeros.
const MAGIC = 0x5a4b574c;
const VERSION = 1;

export const SEGMENT_HEADER_SIZE = 20;
export const RECORD_HEADER_SIZE = 16;
/** The smallest LogEntry: zxid, time, sessionId (3 × 8), cxid, type, body, ids (4 × 4). */
const MIN_PAYLOAD = 40;

const SEGMENT_NAME = /^wal-(\d{10})\.log$/;

/** `wal-<sequence number, 10 digits>.log`: names sort in write order. */
export function segmentName(seq: number): string {
  return `wal-${String(seq).padStart(10, '0')}.log`;
}

/** The sequence number in a segment file name, or `undefined` for another file. */
export function parseSegmentName(name: string): number | undefined {
  const m = SEGMENT_NAME.exec(name);
  return m ? Number(m[1]) : undefined;
}

export function encodeSegmentHeader(prevZxid: bigint): Buffer {
  const out = Buffer.alloc(SEGMENT_HEADER_SIZE);
  out.writeUInt32BE(MAGIC, 4);
  out.writeUInt32BE(VERSION, 8);
  out.writeBigInt64BE(prevZxid, 12);
  out.writeUInt32BE(crc32c(out.subarray(4)), 0);
  return out;
}

/** The prevZxid of a segment header, or a reason why the header is not valid. */
export function decodeSegmentHeader(bytes: Buffer): { prevZxid: bigint } | { bad: string } {
  if (bytes.length < SEGMENT_HEADER_SIZE) return { bad: `header truncated (${bytes.length} bytes)` };
  if (crc32c(bytes.subarray(4, SEGMENT_HEADER_SIZE)) !== bytes.readUInt32BE(0))
    return { bad: 'header checksum mismatch' };
  if (bytes.readUInt32BE(4) !== MAGIC) return { bad: 'not a WAL segment (bad magic)' };
  if (bytes.readUInt32BE(8) !== VERSION) return { bad: `unknown WAL format version ${bytes.readUInt32BE(8)}` };
  return { prevZxid: bytes.readBigInt64BE(12) };
}

/** One record's bytes. */
export function encodeRecord(zxid: bigint, payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(RECORD_HEADER_SIZE + payload.length);
  out.writeUInt32BE(payload.length, 4);
  out.writeBigInt64BE(zxid, 8);
  out.set(payload, RECORD_HEADER_SIZE);
  out.writeUInt32BE(crc32c(out.subarray(4)), 0);
  return out;
}

/** A record read at some offset: its zxid, payload and where the next one starts. */
export interface WalRecord {
  readonly zxid: bigint;
  readonly payload: Buffer;
  readonly end: number;
}

/** Reads the record at `offset`, or says why there is no valid record there. */
export function readRecord(bytes: Buffer, offset: number): WalRecord | { bad: string } {
  const left = bytes.length - offset;
  if (left < RECORD_HEADER_SIZE) return { bad: `record header truncated (${left} bytes left)` };
  const length = bytes.readUInt32BE(offset + 4);
  if (length < MIN_PAYLOAD) return { bad: `impossible record length ${length}` };
  const end = offset + RECORD_HEADER_SIZE + length;
  if (end > bytes.length)
    return { bad: `record truncated (length ${length}, ${left - RECORD_HEADER_SIZE} bytes left)` };
  if (crc32c(bytes.subarray(offset + 4, end)) !== bytes.readUInt32BE(offset))
    return { bad: 'record checksum mismatch' };
  return { zxid: bytes.readBigInt64BE(offset + 8), payload: bytes.subarray(offset + RECORD_HEADER_SIZE, end), end };
}

/**
 * Where a valid record starts in `bytes` after `from` with a zxid above `after`, if anywhere: what
 * tells a torn tail (nothing valid follows) from damage in the middle of the log. Runs of zeros
 * (preallocated space) are skipped quickly.
 */
export function findRecordAfter(bytes: Buffer, from: number, after: bigint): number | undefined {
  for (let at = from; at + RECORD_HEADER_SIZE + MIN_PAYLOAD <= bytes.length; at++) {
    const length = bytes.readUInt32BE(at + 4);
    if (length === 0) {
      // A record's length field holds a non-zero byte: the next candidate ends its 4 bytes there.
      at = Math.max(at, firstNonZero(bytes, at + 8) - 8);
      continue;
    }
    if (length < MIN_PAYLOAD || at + RECORD_HEADER_SIZE + length > bytes.length) continue;
    if (bytes.readBigInt64BE(at + 8) <= after) continue;
    if (!('bad' in readRecord(bytes, at))) return at;
  }
  return undefined;
}

const ZEROS = Buffer.alloc(64 * 1024);

/** The offset of the first non-zero byte of `bytes` at or after `from`, or `bytes.length` if none. */
export function firstNonZero(bytes: Buffer, from: number): number {
  for (let at = from; at < bytes.length; at += ZEROS.length) {
    const end = Math.min(at + ZEROS.length, bytes.length);
    if (bytes.compare(ZEROS, 0, end - at, at, end) === 0) continue;
    for (let i = at; i < end; i++) if (bytes[i] !== 0) return i;
  }
  return bytes.length;
}
