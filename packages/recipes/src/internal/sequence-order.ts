/**
 * The order of sequential children (lock, latch and lease nodes), used by every recipe that
 * queues on them.
 *
 * ZooKeeper appends the parent's child-create counter, a signed 32-bit int, as Java's `%010d`:
 * `0000000000` … `2147483647`, then it wraps to `-2147483648`, `-2147483647`, … `-000000001`.
 * Curator (like ZooKeeper's own lock recipe and kazoo before #731) compares that text, which puts
 * every negative suffix before every positive one and orders negative suffixes backwards: after
 * the wrap a newcomer sorts before the holder and takes the lock beside it. Here suffixes are
 * compared as serial numbers (RFC 1982, see {@link compareSequences}). That is creation order as
 * long as the live children of one parent were created less than 2^31 creates apart, and it is
 * exactly Curator's order whenever no suffix is negative (the text order of 10-digit numbers is
 * their numeric order), so zookit and Curator nodes on one path queue in one order until the wrap.
 * Equal suffixes (ZooKeeper 3.8's saturated counter) are ordered by czxid: {@link orderChildren}.
 */

import type { ZooKeeperClient } from '@zookit/client';

const INT32_MIN = -0x8000_0000;
const INT32_MAX = 0x7fff_ffff;

/** What `%010d` makes of a 32-bit int: ten digits, or `-` and nine digits (not all zero), or `-` and ten (no leading zero). */
const ZOOKEEPER_SEQUENCE = /^(?:\d{10}|-(?!0{9}$)\d{9}|-[1-9]\d{9})$/;

/**
 * The counter a sequence suffix stands for, or `undefined` when `suffix` is not text ZooKeeper
 * makes for a signed 32-bit counter (`0000000042`, `-000000005`, `-2147483648`).
 */
export function sequenceOf(suffix: string): number | undefined {
  if (!ZOOKEEPER_SEQUENCE.test(suffix)) return undefined;
  const n = Number(suffix);
  return n >= INT32_MIN && n <= INT32_MAX ? n : undefined;
}

/**
 * Serial-number order of two 32-bit sequence numbers (RFC 1982): `a` comes first when
 * `a - b`, taken modulo 2^32 as a signed 32-bit int, is negative. Right across the wrap
 * (`2147483647` before `-2147483648`) as long as the two were created less than 2^31 creates
 * apart. Numbers exactly 2^31 apart have no serial order; they get their numeric order, so the
 * result is still antisymmetric.
 */
export function compareSequences(a: number, b: number): number {
  const d = (a - b) | 0;
  if (d === INT32_MIN) return a < b ? -1 : 1;
  return d < 0 ? -1 : d > 0 ? 1 : 0;
}

/**
 * Orders two suffixes (what follows the lock name): sequences by {@link compareSequences};
 * a suffix that is not a sequence after every sequence (where Curator's text order puts it too,
 * unless it starts with a character below `0`), and among those by text. 0 when equal.
 */
export function compareSuffixes(a: string, b: string): number {
  const sa = sequenceOf(a);
  const sb = sequenceOf(b);
  if (sa !== undefined && sb !== undefined) return compareSequences(sa, sb);
  if (sa !== undefined || sb !== undefined) return sa !== undefined ? -1 : 1;
  return textOrder(a, b);
}

/** Code-unit order of two strings (Java's `String.compareTo` for these names). */
export function textOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * How one kind of queue orders its children: `key` is what a child sorts by (its suffix), and
 * `sort` orders children by key, then by the czxid of tied children when `czxids` has both
 * (creation order: see {@link orderChildren}), then by whole name.
 */
export interface QueueOrder {
  key(child: string): string;
  sort(children: readonly string[], czxids?: ReadonlyMap<string, bigint>): string[];
}

/**
 * The order of nodes named `<prefix><lockName><sequence>`: by what follows the last occurrence
 * of `lockName` (so the `_c_<uuid>-` protection prefix never affects the order; a child without
 * `lockName` sorts by its whole name), with {@link compareSuffixes}: sequences in creation order
 * across the wrap, then children without a sequence. Children with equal suffixes are ordered
 * by czxid when it is given for both (creation order), else by whole name, so every process sees
 * one order whichever order the server listed them in.
 */
export function sequenceOrder(lockName: string): QueueOrder {
  const key = (child: string) => {
    const i = child.lastIndexOf(lockName);
    return i >= 0 ? child.slice(i + lockName.length) : child;
  };
  return {
    key,
    sort: (children, czxids) =>
      [...children].sort((a, b) => compareSuffixes(key(a), key(b)) || compareCzxids(a, b, czxids) || textOrder(a, b)),
  };
}

/** {@link sequenceOrder}'s sort without czxids (ties by whole name): the pure order of a listing. */
export function sortBySequence(children: readonly string[], lockName: string): string[] {
  return sequenceOrder(lockName).sort(children);
}

/** Creation order of two tied children whose czxids are both known; 0 otherwise. */
export function compareCzxids(a: string, b: string, czxids: ReadonlyMap<string, bigint> | undefined): number {
  const ca = czxids?.get(a);
  const cb = czxids?.get(b);
  if (ca === undefined || cb === undefined) return 0;
  return ca < cb ? -1 : ca > cb ? 1 : 0;
}

/** The children that share their key with another child (an empty list when every key is unique). */
export function tiedChildren(children: readonly string[], order: Pick<QueueOrder, 'key'>): string[] {
  const byKey = new Map<string, string[]>();
  for (const child of children) {
    const k = order.key(child);
    const group = byKey.get(k);
    if (group) group.push(child);
    else byKey.set(k, [child]);
  }
  return [...byKey.values()].filter((group) => group.length > 1).flat();
}

/**
 * Orders a listing for a decision, in creation order even where suffixes tie. ZooKeeper 3.8
 * never wraps a saturated counter: once it reached 2147483647 every later sequential child of
 * that parent is named `…2147483647` again (docs/compatibility.md), so live children can share
 * a suffix and no order by name is creation order. The czxid is (the zxid of the create). So
 * only when a tie exists, `readCzxid` is asked for the czxid of each tied child (one read each,
 * in parallel); a tied child it reports gone (`undefined`) is left out of the order, as a later
 * listing would. Without ties this is {@link QueueOrder.sort} of the listing, with no read.
 * Every process reads the same czxids (a node's czxid never changes), so all see one order.
 */
export async function orderChildren(
  children: readonly string[],
  order: QueueOrder,
  readCzxid: (child: string) => Promise<bigint | undefined>,
): Promise<string[]> {
  const tied = tiedChildren(children, order);
  if (tied.length === 0) return order.sort(children);
  const czxids = new Map<string, bigint>();
  const gone = new Set<string>();
  await Promise.all(
    tied.map(async (child) => {
      const czxid = await readCzxid(child);
      if (czxid === undefined) gone.add(child);
      else czxids.set(child, czxid);
    }),
  );
  return order.sort(
    children.filter((c) => !gone.has(c)),
    czxids,
  );
}

/** {@link orderChildren} for the children of `parent`, reading czxids with `exists`. */
export function orderChildrenOf(
  client: ZooKeeperClient,
  parent: string,
  children: readonly string[],
  order: QueueOrder,
  signal?: AbortSignal,
): Promise<string[]> {
  return orderChildren(children, order, async (child) => {
    const { stat } = await client.exists(`${parent}/${child}`, signal ? { signal } : {});
    return stat?.czxid;
  });
}
