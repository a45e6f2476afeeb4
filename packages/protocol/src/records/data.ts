// Records of zookeeper.jute's `org.apache.zookeeper.data` module.
import { int, long, type RecordCodec, record, ustring } from '../jute/codec.js';

/** An identity: `scheme` (world, digest, ip, auth, super, ...) and the scheme-specific `id`. */
export interface Id {
  scheme: string;
  id: string;
}
export const Id: RecordCodec<Id> = record<Id>('Id', { scheme: ustring, id: ustring });

/** A permission grant: `perms` is a bit set of {@link Perms} for identity `id`. */
export interface ACL {
  perms: number;
  id: Id;
}
export const ACL: RecordCodec<ACL> = record<ACL>('ACL', { perms: int, id: Id });

/**
 * A znode's metadata as clients see it (68 bytes on the wire). zxids and times are `bigint`:
 * zxids use the full 64 bits. `ephemeralOwner` is the owning session for ephemerals, 0 otherwise.
 */
export interface Stat {
  czxid: bigint;
  mzxid: bigint;
  ctime: bigint;
  mtime: bigint;
  version: number;
  cversion: number;
  aversion: number;
  ephemeralOwner: bigint;
  dataLength: number;
  numChildren: number;
  pzxid: bigint;
}
export const Stat: RecordCodec<Stat> = record<Stat>('Stat', {
  czxid: long,
  mzxid: long,
  ctime: long,
  mtime: long,
  version: int,
  cversion: int,
  aversion: int,
  ephemeralOwner: long,
  dataLength: int,
  numChildren: int,
  pzxid: long,
});

/** The server-side persisted form of {@link Stat}: no dataLength or numChildren. */
export interface StatPersisted {
  czxid: bigint;
  mzxid: bigint;
  ctime: bigint;
  mtime: bigint;
  version: number;
  cversion: number;
  aversion: number;
  ephemeralOwner: bigint;
  pzxid: bigint;
}
export const StatPersisted: RecordCodec<StatPersisted> = record<StatPersisted>('StatPersisted', {
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

/** One authenticated identity of a session, as returned by whoAmI. */
export interface ClientInfo {
  authScheme: string;
  user: string;
}
export const ClientInfo: RecordCodec<ClientInfo> = record<ClientInfo>('ClientInfo', {
  authScheme: ustring,
  user: ustring,
});
