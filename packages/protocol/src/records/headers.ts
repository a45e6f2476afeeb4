// Frame headers of zookeeper.jute's `org.apache.zookeeper.proto` module.
import { boolean, int, long, type RecordCodec, record } from '../jute/codec.js';

/** Precedes every client request after the handshake: `xid` (see {@link Xid}) and op `type` (see {@link OpCode}). */
export interface RequestHeader {
  xid: number;
  type: number;
}
export const RequestHeader: RecordCodec<RequestHeader> = record<RequestHeader>('RequestHeader', {
  xid: int,
  type: int,
});

/**
 * Precedes every server frame after the handshake. `zxid` is the server's last applied zxid
 * (the write's own zxid for a write); `err` is an {@link ErrorCode}. On `err !== 0` no body follows.
 */
export interface ReplyHeader {
  xid: number;
  zxid: bigint;
  err: number;
}
export const ReplyHeader: RecordCodec<ReplyHeader> = record<ReplyHeader>('ReplyHeader', {
  xid: int,
  zxid: long,
  err: int,
});

/** Precedes each op and each result inside multi/multiRead; `done` marks the end (type -1, err -1). */
export interface MultiHeader {
  type: number;
  done: boolean;
  err: number;
}
export const MultiHeader: RecordCodec<MultiHeader> = record<MultiHeader>('MultiHeader', {
  type: int,
  done: boolean,
  err: int,
});

/** A bare error code: a failed op's body in a multi result, and addWatch's (always 0) reply body. */
export interface ErrorResponse {
  err: number;
}
export const ErrorResponse: RecordCodec<ErrorResponse> = record<ErrorResponse>('ErrorResponse', { err: int });
