import type { ACL, Stat } from '@zookit/protocol';

/**
 * A znode as the server stores it. `cversion` is ZooKeeper's stored counter: the number of
 * child creates (it never decreases); clients see `2 * cversion - numChildren`, the number of
 * child creates plus deletes. `ephemeralOwner` uses ZooKeeper's internal encoding: 0 for
 * persistent, the session id for ephemerals, {@link CONTAINER_OWNER} for containers and
 * `0xFF00…` | ttl for TTL nodes; clients see 0 for containers and TTL nodes.
 */
export interface ZNode {
  data: Uint8Array | null;
  acl: ACL[];
  czxid: bigint;
  mzxid: bigint;
  ctime: bigint;
  mtime: bigint;
  version: number;
  cversion: number;
  aversion: number;
  ephemeralOwner: bigint;
  pzxid: bigint;
  readonly children: Set<string>;
}

/** ephemeralOwner of a container node (EphemeralType.CONTAINER). */
export const CONTAINER_OWNER = -(2n ** 63n);

const TTL_MASK = 0xff00_0000_0000_0000n;

/** ephemeralOwner of a TTL node with `ttl` ms (EphemeralType.TTL: top byte 0xFF, ttl below). */
export function ttlOwner(ttl: bigint): bigint {
  return BigInt.asIntN(64, TTL_MASK | ttl);
}

/** The TTL of a node's owner value, or `undefined` if it is not a TTL node. */
export function ownerTtl(owner: bigint): bigint | undefined {
  const unsigned = BigInt.asUintN(64, owner);
  return (unsigned & TTL_MASK) === TTL_MASK ? unsigned & ~TTL_MASK : undefined;
}

/** Whether `owner` marks a container or TTL node (not an ephemeral session). */
export function isExtendedOwner(owner: bigint): boolean {
  return owner === CONTAINER_OWNER || ownerTtl(owner) !== undefined;
}

/** The session owning an ephemeral, or 0n. */
export function ephemeralSession(node: ZNode): bigint {
  return node.ephemeralOwner !== 0n && !isExtendedOwner(node.ephemeralOwner) ? node.ephemeralOwner : 0n;
}

/** The Stat clients see (DataNode.copyStat). */
export function statOf(node: ZNode): Stat {
  const numChildren = node.children.size;
  return {
    czxid: node.czxid,
    mzxid: node.mzxid,
    ctime: node.ctime,
    mtime: node.mtime,
    version: node.version,
    // Java int arithmetic: near and past the counter's wrap this overflows, as in ZooKeeper.
    cversion: (node.cversion * 2 - numChildren) | 0,
    aversion: node.aversion,
    ephemeralOwner: isExtendedOwner(node.ephemeralOwner) ? 0n : node.ephemeralOwner,
    dataLength: node.data === null ? 0 : node.data.length,
    numChildren,
    pzxid: node.pzxid,
  };
}

const INT_MAX = 0x7fff_ffff;

/** The next version after `v`: wraps from 2^31-1 to -2^31 and skips -1 ("any version"), as ZOOKEEPER-4743. */
export function nextVersion(v: number): number {
  if (v === INT_MAX) return -0x8000_0000;
  return v + 1 === -1 ? 0 : v + 1;
}
