/**
 * Sorts lock/latch children the way Curator does: by what follows the last occurrence of
 * `lockName` (the 10-digit sequence), so the `_c_<uuid>-` protection prefix never affects the
 * order; a child without `lockName` sorts by its whole name. Zookit and Curator nodes on the
 * same path therefore queue in one order.
 */
export function sortBySequence(children: readonly string[], lockName: string): string[] {
  const key = (child: string) => {
    const i = child.lastIndexOf(lockName);
    return i >= 0 ? child.slice(i + lockName.length) : child;
  };
  return [...children].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}
