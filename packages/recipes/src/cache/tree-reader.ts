import { NoAuthError, NoNodeError, type ZooKeeperClient } from '@zookit/client';
import { type CachedNode, childPath } from './cache-node.js';

/** Reads in flight at once while loading a tree (the client pipelines them on one connection). */
const BATCH = 256;

/** A node read, with its child names when asked. */
export interface NodeRead {
  readonly node: CachedNode;
  readonly children: readonly string[];
}

/**
 * Reads one node (and its child names if `withChildren`). `null` when it does not exist, or
 * when we may not read it (NoAuth: it is left out of the cache). Connection and session errors
 * are thrown.
 */
export async function readNode(
  client: ZooKeeperClient,
  path: string,
  withChildren: boolean,
  signal?: AbortSignal,
): Promise<NodeRead | null> {
  try {
    const [{ data, stat }, list] = await Promise.all([
      client.getData(path, { signal }),
      withChildren ? client.getChildren(path, { signal }) : undefined,
    ]);
    return { node: { path, data, stat }, children: list?.children ?? [] };
  } catch (err) {
    if (err instanceof NoNodeError || err instanceof NoAuthError) return null;
    throw err;
  }
}

/**
 * Reads `paths` with {@link readNode}, at most {@link BATCH} at a time, and returns the results
 * in the order of `paths` — which is the order the server answered them in.
 */
export async function readNodes(
  client: ZooKeeperClient,
  paths: readonly string[],
  withChildren: (path: string) => boolean,
  signal?: AbortSignal,
): Promise<Array<NodeRead | null>> {
  const out: Array<NodeRead | null> = [];
  for (let i = 0; i < paths.length; i += BATCH) {
    const chunk = paths.slice(i, i + BATCH);
    out.push(...(await Promise.all(chunk.map((p) => readNode(client, p, withChildren(p), signal)))));
  }
  return out;
}

/**
 * Reads the tree under `root` breadth first, down to `maxDepth` levels below it. The result
 * lists parents before children. Nodes that vanish while being read are left out; the caller's
 * watch reports changes made after each read.
 */
export async function readTree(
  client: ZooKeeperClient,
  root: string,
  maxDepth: number,
  signal?: AbortSignal,
): Promise<Map<string, CachedNode>> {
  const tree = new Map<string, CachedNode>();
  let level = [root];
  for (let depth = 0; level.length > 0; depth++) {
    const reads = await readNodes(client, level, () => depth < maxDepth, signal);
    const next: string[] = [];
    for (const read of reads) {
      if (!read) continue;
      tree.set(read.node.path, read.node);
      for (const name of read.children) next.push(childPath(read.node.path, name));
    }
    level = next;
  }
  return tree;
}
