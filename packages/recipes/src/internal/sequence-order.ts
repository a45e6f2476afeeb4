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
 */

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
 * Sorts children by what follows the last occurrence of `lockName` (so the `_c_<uuid>-`
 * protection prefix never affects the order; a child without `lockName` sorts by its whole
 * name), with {@link compareSuffixes}: sequences in creation order across the wrap, then
 * children without a sequence. Equal suffixes are ordered by whole name, so every process sees
 * one order whichever order the server listed them in; that order says nothing of creation (a
 * downgraded read shares its writer's sequence; ZooKeeper 3.8 hands out `2147483647` again
 * instead of wrapping when creates do not overlap: docs/compatibility.md).
 */
export function sortBySequence(children: readonly string[], lockName: string): string[] {
  const suffix = (child: string) => {
    const i = child.lastIndexOf(lockName);
    return i >= 0 ? child.slice(i + lockName.length) : child;
  };
  return [...children].sort((a, b) => compareSuffixes(suffix(a), suffix(b)) || textOrder(a, b));
}
