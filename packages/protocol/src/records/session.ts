// Handshake, authentication and identity records of zookeeper.jute's `org.apache.zookeeper.proto` module.
import {
  buffer,
  int,
  long,
  optionalTrailingBoolean,
  type RecordCodec,
  record,
  ustring,
  vector,
} from '../jute/codec.js';
import { ClientInfo } from './data.js';

/**
 * The first frame a client sends (no RequestHeader). `passwd` is 16 bytes (zeros for a new
 * session). `readOnly` is absent from clients older than 3.4 and from node-zookeeper-client;
 * it decodes as `undefined` then, and the server must then omit it from its response too.
 */
export interface ConnectRequest {
  protocolVersion: number;
  lastZxidSeen: bigint;
  timeOut: number;
  sessionId: bigint;
  passwd: Uint8Array | null;
  readOnly?: boolean | undefined;
}
export const ConnectRequest: RecordCodec<ConnectRequest> = record<ConnectRequest>('ConnectRequest', {
  protocolVersion: int,
  lastZxidSeen: long,
  timeOut: int,
  sessionId: long,
  passwd: buffer,
  readOnly: optionalTrailingBoolean,
});

/**
 * The first frame a server sends (no ReplyHeader). `timeOut <= 0` means the session expired.
 * `readOnly` is present exactly when the request carried it.
 */
export interface ConnectResponse {
  protocolVersion: number;
  timeOut: number;
  sessionId: bigint;
  passwd: Uint8Array | null;
  readOnly?: boolean | undefined;
}
export const ConnectResponse: RecordCodec<ConnectResponse> = record<ConnectResponse>('ConnectResponse', {
  protocolVersion: int,
  timeOut: int,
  sessionId: long,
  passwd: buffer,
  readOnly: optionalTrailingBoolean,
});

/** Adds credentials to a session (xid -4, op auth). `type` is always 0. */
export interface AuthPacket {
  type: number;
  scheme: string;
  auth: Uint8Array | null;
}
export const AuthPacket: RecordCodec<AuthPacket> = record<AuthPacket>('AuthPacket', {
  type: int,
  scheme: ustring,
  auth: buffer,
});

/** A SASL token from the client (op sasl). zookit does not implement SASL; the record exists for completeness. */
export interface GetSASLRequest {
  token: Uint8Array | null;
}
export const GetSASLRequest: RecordCodec<GetSASLRequest> = record<GetSASLRequest>('GetSASLRequest', { token: buffer });

/** A SASL token (unused by the protocol's ops; kept because zookeeper.jute declares it). */
export interface SetSASLRequest {
  token: Uint8Array | null;
}
export const SetSASLRequest: RecordCodec<SetSASLRequest> = record<SetSASLRequest>('SetSASLRequest', { token: buffer });

/** A SASL token from the server (reply to op sasl). */
export interface SetSASLResponse {
  token: Uint8Array | null;
}
export const SetSASLResponse: RecordCodec<SetSASLResponse> = record<SetSASLResponse>('SetSASLResponse', {
  token: buffer,
});

/** Reply to whoAmI: every identity of the session (always includes its `ip`). */
export interface WhoAmIResponse {
  clientInfo: ClientInfo[];
}
export const WhoAmIResponse: RecordCodec<WhoAmIResponse> = record<WhoAmIResponse>('WhoAmIResponse', {
  clientInfo: vector(ClientInfo),
});
