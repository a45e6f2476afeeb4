import type { DataTree } from './data-tree.js';
import { CONTAINER_OWNER, ownerTtl } from './znode.js';

/**
 * Container and TTL nodes due for deletion at `now` (ZooKeeper's ContainerManager): a container
 * with no children that has had one (its stored cversion > 0); a TTL node with no children not
 * modified for longer than its TTL.
 */
export function dueForReaping(tree: DataTree, now: number): string[] {
  const due: string[] = [];
  for (const path of tree.extendedNodes()) {
    const node = tree.get(path);
    if (!node || node.children.size > 0) continue;
    const ttl = ownerTtl(node.ephemeralOwner);
    const expired =
      node.ephemeralOwner === CONTAINER_OWNER ? node.cversion > 0 : ttl !== undefined && BigInt(now) - node.mtime > ttl;
    if (expired) due.push(path);
  }
  return due;
}
