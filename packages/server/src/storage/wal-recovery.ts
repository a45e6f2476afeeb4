import { decode } from '@zookit/protocol';
import { LogEntry } from '../core/log-entry.js';
import type { Disk } from './disk.js';
import { hex16 } from './snapshot-file.js';
import {
  decodeSegmentHeader,
  findRecordAfter,
  parseSegmentName,
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
 * `base`. A torn or checksum-bad tail of the last segment (never fsynced, so never acknowledged)
 * is cut off durably; any other damage throws {@link CorruptDataError}.
 */
export async function recoverWal(disk: Disk, dir: string, names: string[], base: bigint): Promise<RecoveredWal> {
  const found = names
    .map((name) => ({ name, seq: parseSegmentName(name) }))
    .filter((s): s is { name: string; seq: number } => s.seq !== undefined)
    .sort((a, b) => a.seq - b.seq);
  const segments: Array<Segment & { bytes: Buffer | undefined }> = [];
  for (const [k, { name, seq }] of found.entries()) {
    const path = `${dir}/${name}`;
    const bytes = toBuffer(await disk.read(path));
    const header = decodeSegmentHeader(bytes);
    if ('bad' in header) {
      if (k < found.length - 1) throw new CorruptDataError(path, 0, `${header.bad}, and later segments exist`);
      // The last segment's first write was cut short: nothing in it was ever acknowledged.
      await disk.remove(path);
      await disk.syncDir(dir);
      break;
    }
    // Segments chain, so everything before one that starts at or before `base` is covered.
    if (header.prevZxid <= base) for (const s of segments) s.bytes = undefined;
    segments.push({ seq, name, prevZxid: header.prevZxid, bytes });
  }
  const needed = segments.filter((s) => s.bytes !== undefined);
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
    last = await readSegment(disk, path, segment.bytes as Buffer, segment.prevZxid, isLast, (entry) => {
      if (entry.zxid > base) entries.push(entry);
    });
  }
  return {
    segments: segments.map(({ seq, name, prevZxid }) => ({ seq, name, prevZxid })),
    entries,
    lastZxid: last > base ? last : base,
  };
}

/** Checks every record of one segment; returns its last zxid. Cuts a bad tail off the last segment. */
async function readSegment(
  disk: Disk,
  path: string,
  bytes: Buffer,
  prevZxid: bigint,
  isLast: boolean,
  each: (entry: LogEntry) => void,
): Promise<bigint> {
  let last = prevZxid;
  let offset = SEGMENT_HEADER_SIZE;
  while (offset < bytes.length) {
    const record = readRecord(bytes, offset);
    if ('bad' in record) {
      const next = findRecordAfter(bytes, offset + 1, last);
      if (!isLast || next !== undefined) {
        const after = isLast ? `a valid record follows at offset ${next}` : 'later segments exist';
        throw new CorruptDataError(path, offset, `${record.bad}, and ${after}`);
      }
      // A torn or never-synced tail: drop it for good before anything is appended after it.
      const file = await disk.open(path, 'append');
      try {
        await file.truncate(offset);
        await file.sync();
      } finally {
        await file.close();
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

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
