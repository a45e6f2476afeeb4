import { buffer, type Id, Id as IdCodec, int, long, type RecordCodec, record, vector } from '@zookit/protocol';

/**
 * One write, as logged, replicated and applied: the request exactly as the client sent it
 * (`body`, decoded and validated when applied, so every replica reaches the same result), with
 * the zxid and time the leader assigned and the caller's identities at arrival. A failed write
 * is still an entry and consumes its zxid, as in ZooKeeper.
 */
export interface LogEntry {
  zxid: bigint;
  /** Leader wall clock in ms; becomes ctime/mtime. */
  time: bigint;
  sessionId: bigint;
  /** The client's xid (0 for internal entries). */
  cxid: number;
  /** OpCode of the request; createSession/closeSession/deleteContainer for internal entries. */
  type: number;
  body: Uint8Array | null;
  ids: Id[];
}

export const LogEntry: RecordCodec<LogEntry> = record<LogEntry>('LogEntry', {
  zxid: long,
  time: long,
  sessionId: long,
  cxid: int,
  type: int,
  body: buffer,
  ids: vector(IdCodec),
});

/** Body of a createSession entry: the negotiated timeout and the password the client must show. */
export interface CreateSessionBody {
  timeOut: number;
  passwd: Uint8Array | null;
}

export const CreateSessionBody: RecordCodec<CreateSessionBody> = record<CreateSessionBody>('CreateSessionBody', {
  timeOut: int,
  passwd: buffer,
});
