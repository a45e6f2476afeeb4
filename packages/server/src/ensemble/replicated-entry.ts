import { buffer, type Id, Id as IdCodec, int, long, type RecordCodec, record, vector } from '@zookit/protocol';
import { LogEntry } from '../core/log-entry.js';
import type { EntryDraft } from '../core/pending-log.js';

/**
 * What an ensemble's Raft log carries for one ZooKeeper write: the entry as every replica applies
 * it (zxid and time given by the leader), and who submitted it — the server (`originServer`) and
 * that server's token for the waiting client (`token`, 0 for none), so that the origin, and only
 * it, replies when it applies the entry.
 */
export interface ReplicatedEntry {
  originServer: number;
  token: number;
  entry: LogEntry;
}

export const ReplicatedEntry: RecordCodec<ReplicatedEntry> = record<ReplicatedEntry>('ReplicatedEntry', {
  originServer: int,
  token: int,
  entry: LogEntry,
});

/**
 * A write a follower or observer sends to its leader to be proposed: addressed to the leader of
 * `term`, numbered `seq` (1, 2, … per origin and term) so that the leader proposes each origin's
 * writes once and in the order they were submitted, whatever the network does to the messages.
 */
export interface Forward {
  term: number;
  seq: number;
  originServer: number;
  token: number;
  draft: DraftRecord;
}

/** An {@link EntryDraft} as sent between servers. */
export interface DraftRecord {
  type: number;
  sessionId: bigint;
  cxid: number;
  body: Uint8Array | null;
  ids: Id[];
}

const DraftRecord: RecordCodec<DraftRecord> = record<DraftRecord>('DraftRecord', {
  type: int,
  sessionId: long,
  cxid: int,
  body: buffer,
  ids: vector(IdCodec),
});

export const Forward: RecordCodec<Forward> = record<Forward>('Forward', {
  term: int,
  seq: int,
  originServer: int,
  token: int,
  draft: DraftRecord,
});

/** A draft as a record (its identities copied). */
export function draftRecord(draft: EntryDraft): DraftRecord {
  return { type: draft.type, sessionId: draft.sessionId, cxid: draft.cxid, body: draft.body, ids: [...draft.ids] };
}
