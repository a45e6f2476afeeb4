import { decode } from '@zookit/protocol';
import { LogEntry } from '../core/log-entry.js';
import type { Disk } from './disk.js';
import { hex16 } from './snapshot-file.js';
import {
  decodeSegmentHeader,
  findRecordAfter,
  firstNonZero,
  parseSegmentName,
  RECORD_HEADER_SIZE,
  readRecord,
  SEGMENT_HEADER_SIZE,
} from './wal-format.js';

/**
 * The data directory holds damage that recovery must not paper over (a bad record with valid
 * records after it, a gap in the log): the server refuses to start rather than lose
 * acknowledged writes. `path` and `offset` say where.
 */
export class CorruptDataError extends Error {
  override name = 'CorruptDataError';
  readonly path: string;
  readonly offset: number | undefined;

  constructor(path: string, offset: number | undefined, problem: string) {
    const where = offset === undefined ? path : `${path} at offset ${offset}`;
    super(
      `${where}: ${problem}; refusing to start rather than lose acknowledged writes ` +
        '(restore the data directory from a backup, or move the damaged file away knowingly)',
    );
    this.path = path;
    this.offset = offset;
  }
}

/** A WAL segment as the storage tracks it. */
export interface Segment {
  readonly seq: number;
  readonly name: string;
  /** The last zxid logged before this segment. */
  readonly prevZxid: bigint;
}

/** What the WAL held after `base` (the snapshot's lastZxid, or 0). */
export interface RecoveredWal {
  /** Every segment left, in order (the first ones may lie wholly at or before `base`). */
  readonly segments: Segment[];
  readonly entries: LogEntry[];
  /** The last zxid in the log, or `base` if none is after it. */
  readonly lastZxid: bigint;
}

/**
 * Reads the WAL segments among `names` (file names in `dir`) and returns the entries after
 * `base`. A segment's records end at the first slot that does not hold a valid record; zeros
 * there (a record's length is never 0) are the normal end of a preallocated segment. In the last
 * segment, a torn or checksum-bad tail (never fsynced, so never acknowledged: no valid record
 * after it) is cut off durably; a valid record after a bad slot, zeros included, is damage. Any
 * damage throws {@link CorruptDataError}. Only the segments from the newest one that starts at or
 * before `base` are read, one at a time and in pieces, an earlier segment only up to its end.
 */
export async function recoverWal(disk: Disk, dir: string, names: string[], base: bigint): Promise<RecoveredWal> {
  const found = names
    .map((name) => ({ name, seq: parseSegmentName(name) }))
    .filter((s): s is { name: string; seq: number } => s.seq !== undefined)
    .sort((a, b) => a.seq - b.seq);
  const segments: Segment[] = [];
  /** Index in `segments` of the first one needed: segments chain, so the ones before are covered. */
  let first = 0;
  for (const [k, { name, seq }] of found.entries()) {
    const path = `${dir}/${name}`;
    const header = decodeSegmentHeader(toBuffer(await disk.read(path, { offset: 0, length: SEGMENT_HEADER_SIZE })));
    if ('bad' in header) {
      if (k < found.length - 1) throw new CorruptDataError(path, 0, `${header.bad}, and later segments exist`);
      // The last segment's first write was cut short (maybe after its preallocation was made
      // durable: then the header reads as zeros): nothing in it was ever acknowledged.
      await disk.remove(path);
      await disk.syncDir(dir);
      break;
    }
    if (header.prevZxid <= base) first = segments.length;
    segments.push({ seq, name, prevZxid: header.prevZxid });
  }
  const needed = segments.slice(first);
  const start = needed[0];
  if (start && start.prevZxid > base) {
    throw new CorruptDataError(
      `${dir}/${start.name}`,
      undefined,
      `the log resumes after zxid 0x${hex16(start.prevZxid)}, but the newest valid snapshot ends at ` +
        `0x${hex16(base)}: the entries between are missing`,
    );
  }
  const entries: LogEntry[] = [];
  let last = base;
  for (const [i, segment] of needed.entries()) {
    const path = `${dir}/${segment.name}`;
    if (i > 0 && segment.prevZxid !== last) {
      throw new CorruptDataError(
        path,
        0,
        `the segment follows zxid 0x${hex16(segment.prevZxid)}, but the one before ends at 0x${hex16(last)}: ` +
          'entries are missing',
      );
    }
    const isLast = i === needed.length - 1;
    last = await readSegment(disk, path, segment.prevZxid, isLast, (entry) => {
      if (entry.zxid > base) entries.push(entry);
    });
  }
  return { segments, entries, lastZxid: last > base ? last : base };
}

/**
 * Checks every record of one segment; returns its last zxid. The records end at the first slot
 * without a valid one. In a segment that is not the last, that slot must be zeros or the end of
 * the file (what follows is not read: the next segment's prevZxid shows whether records are
 * missing). In the last one, the rest of the file is checked: only zeros is the normal end;
 * other bytes are a torn tail, cut off, unless a valid record follows.
 */
async function readSegment(
  disk: Disk,
  path: string,
  prevZxid: bigint,
  isLast: boolean,
  each: (entry: LogEntry) => void,
): Promise<bigint> {
  const file = new SegmentReader(disk, path);
  let last = prevZxid;
  let offset = SEGMENT_HEADER_SIZE;
  for (;;) {
    await file.fill(offset + RECORD_HEADER_SIZE);
    if (file.bytes.length >= offset + RECORD_HEADER_SIZE) {
      await file.fill(offset + RECORD_HEADER_SIZE + file.bytes.readUInt32BE(offset + 4));
    }
    const bytes = file.bytes;
    if (offset >= bytes.length) break;
    const record = readRecord(bytes, offset);
    if ('bad' in record) {
      const zeros = firstNonZero(bytes, offset) >= Math.min(offset + RECORD_HEADER_SIZE, bytes.length);
      if (!isLast) {
        if (zeros) break;
        throw new CorruptDataError(path, offset, `${record.bad}, and later segments exist`);
      }
      if (zeros && (await file.zerosFrom(offset))) break;
      // Something other than zeros from here on: all of it is needed to tell a torn tail from damage.
      await file.fill(Number.POSITIVE_INFINITY);
      const dirty = firstNonZero(file.bytes, offset);
      const next = findRecordAfter(file.bytes, offset + 1, last);
      if (next !== undefined) {
        const problem = zeros ? `the records end (zeros), but non-zero bytes follow at offset ${dirty}` : record.bad;
        throw new CorruptDataError(path, offset, `${problem}, and a valid record follows at offset ${next}`);
      }
      // A torn or never-synced tail: drop it for good before anything is appended after it.
      const handle = await disk.open(path, 'append');
      try {
        await handle.truncate(offset);
        await handle.sync();
      } finally {
        await handle.close();
      }
      break;
    }
    if (record.zxid <= last) {
      throw new CorruptDataError(path, offset, `zxid 0x${hex16(record.zxid)} does not follow 0x${hex16(last)}`);
    }
    let entry: LogEntry;
    try {
      entry = decode(LogEntry, record.payload);
    } catch (err) {
      throw new CorruptDataError(path, offset, `the record does not decode as a LogEntry (${(err as Error).message})`);
    }
    if (entry.zxid !== record.zxid)
      throw new CorruptDataError(path, offset, "the record's zxid differs from its entry's");
    each(entry);
    last = record.zxid;
    offset = record.end;
  }
  return last;
}

/** Pieces read at a time: growing with what was read, so that a large segment takes few reads. */
const FIRST_PIECE = 64 * 1024;
const ZERO_PIECE = 4 * 1024 * 1024;

/**
 * A segment file read from its start in growing pieces, so that the zeros of a preallocated
 * segment are read only where needed, and not held in memory.
 */
class SegmentReader {
  readonly #disk: Disk;
  readonly #path: string;
  /** The file's bytes from offset 0, as far as read. */
  bytes: Buffer = Buffer.alloc(0);
  #end = false;

  constructor(disk: Disk, path: string) {
    this.#disk = disk;
    this.#path = path;
  }

  /** Reads on until `bytes` reaches `length` or the end of the file. */
  async fill(length: number): Promise<void> {
    while (this.bytes.length < length && !this.#end) {
      const want = Math.max(FIRST_PIECE, this.bytes.length, Math.min(length, 2 ** 31) - this.bytes.length);
      const piece = toBuffer(await this.#disk.read(this.#path, { offset: this.bytes.length, length: want }));
      this.#end = piece.length < want;
      this.bytes = this.bytes.length === 0 ? piece : Buffer.concat([this.bytes, piece]);
    }
  }

  /** Whether the file holds only zeros from `offset` to its end; reads the rest piece by piece, keeping none. */
  async zerosFrom(offset: number): Promise<boolean> {
    if (firstNonZero(this.bytes, offset) < this.bytes.length) return false;
    for (let at = this.bytes.length; !this.#end; at += ZERO_PIECE) {
      const piece = toBuffer(await this.#disk.read(this.#path, { offset: at, length: ZERO_PIECE }));
      if (firstNonZero(piece, 0) < piece.length) return false;
      if (piece.length < ZERO_PIECE) return true;
    }
    return true;
  }
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
