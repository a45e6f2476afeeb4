import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { type ACL, ErrorCode, type Id, Perms } from '@zookit/protocol';

/** The digest id of `user:password`: `user:` + base64(SHA-1("user:password")), as ZooKeeper stores it. */
export function digestId(credentials: string): string {
  const user = credentials.split(':')[0];
  return `${user}:${createHash('sha1').update(credentials, 'utf8').digest('base64')}`;
}

/**
 * Whether identities `ids` may do `perm` on a node with `acl` (ZooKeeper's checkACL): an empty
 * ACL allows all; a `super` identity allows all; otherwise some entry granting `perm` must be
 * world:anyone or match one of the ids (digest by equality, ip by address or prefix).
 */
export function checkACL(acl: readonly ACL[], perm: number, ids: readonly Id[]): boolean {
  if (acl.length === 0) return true;
  if (ids.some((id) => id.scheme === 'super')) return true;
  for (const entry of acl) {
    if ((entry.perms & perm) === 0) continue;
    const { scheme, id } = entry.id;
    if (scheme === 'world' && id === 'anyone') return true;
    for (const mine of ids) {
      if (mine.scheme !== scheme) continue;
      if (scheme === 'ip' ? ipMatches(id, mine.id) : mine.id === id) return true;
    }
  }
  return false;
}

/**
 * Validates and expands an ACL list for create/setACL (ZooKeeper's fixupACL): duplicates
 * removed; `auth` entries replaced by every authenticated (non-ip) identity of the caller;
 * unknown schemes, malformed digest or ip ids, an empty list or an `auth` entry without
 * credentials → InvalidACL.
 */
export function fixupACL(acl: readonly ACL[], ids: readonly Id[]): ACL[] | typeof ErrorCode.InvalidACL {
  if (acl.length === 0) return ErrorCode.InvalidACL;
  const out: ACL[] = [];
  const seen = new Set<string>();
  const push = (entry: ACL) => {
    const key = `${entry.perms}|${entry.id.scheme}|${entry.id.id}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ perms: entry.perms, id: { scheme: entry.id.scheme, id: entry.id.id } });
    }
  };
  for (const entry of acl) {
    const { scheme, id } = entry.id;
    switch (scheme) {
      case 'world':
        if (id !== 'anyone') return ErrorCode.InvalidACL;
        push(entry);
        break;
      case 'auth': {
        const authenticated = ids.filter((i) => i.scheme !== 'ip' && i.scheme !== 'super');
        if (authenticated.length === 0) return ErrorCode.InvalidACL;
        for (const i of authenticated) push({ perms: entry.perms, id: i });
        break;
      }
      case 'digest':
        if (id.split(':').length !== 2) return ErrorCode.InvalidACL;
        push(entry);
        break;
      case 'ip':
        if (!validIpId(id)) return ErrorCode.InvalidACL;
        push(entry);
        break;
      default:
        return ErrorCode.InvalidACL;
    }
  }
  return out;
}

/** Whether every bit of permission set `perms` is a known permission. */
export function knownPerms(perms: number): boolean {
  return (perms & ~Perms.ALL) === 0;
}

function validIpId(id: string): boolean {
  const [addr, bits, extra] = id.split('/');
  if (extra !== undefined || addr === undefined) return false;
  const family = isIP(addr);
  if (family === 0) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return Number.isInteger(n) && n >= 0 && n <= (family === 4 ? 32 : 128);
}

function ipMatches(aclId: string, clientIp: string): boolean {
  const [addr, bitsText] = aclId.split('/');
  if (addr === undefined) return false;
  if (bitsText === undefined) return addr === clientIp;
  const a = ipv4ToInt(addr);
  const c = ipv4ToInt(clientIp);
  if (a === undefined || c === undefined) return false;
  const bits = Number(bitsText);
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (a & mask) >>> 0 === (c & mask) >>> 0;
}

function ipv4ToInt(ip: string): number | undefined {
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  if (isIP(v4) !== 4) return undefined;
  return v4.split('.').reduce((n, part) => ((n << 8) | Number(part)) >>> 0, 0);
}
