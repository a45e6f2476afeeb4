import { AuthPacket, ErrorCode, type Id, JuteReader } from '@zookit/protocol';
import { digestId } from './acl.js';

/**
 * Applies an AuthPacket (`body`, without its RequestHeader) to a connection's identities `ids`,
 * in place, and returns the error code of the reply: 0 when the digest credentials were added
 * (with `super` too when they match `superDigest`), MarshallingError for a body that does not
 * decode (the connection stays), AuthFailed for any scheme but `digest` (ZooKeeper then closes
 * the connection; the caller does). Credentials are not checked against anything: as in
 * ZooKeeper, digest auth only asserts an identity. Identities already held are not added twice.
 */
export function authenticate(ids: Id[], body: Uint8Array, superDigest: string | undefined): number {
  let packet: AuthPacket;
  try {
    packet = AuthPacket.decode(new JuteReader(body));
  } catch {
    return ErrorCode.MarshallingError;
  }
  if (packet.scheme !== 'digest') return ErrorCode.AuthFailed;
  const id = digestId(Buffer.from(packet.auth ?? new Uint8Array(0)).toString('utf8'));
  if (!ids.some((i) => i.scheme === 'digest' && i.id === id)) ids.push({ scheme: 'digest', id });
  if (superDigest !== undefined && id === superDigest && !ids.some((i) => i.scheme === 'super')) {
    ids.push({ scheme: 'super', id: '' });
  }
  return 0;
}
