import { NoAuthError, NoNodeError, type ZooKeeperClient } from '@zookit/client';
import { type CachedNode, childPath } from './cache-node.js';

/** Reads in flight at once while loading a tree (the client pipelines them on one connection). */
const BATCH = 256;

/** A node read, with its child names when asked. */
export interface NodeRead {
  readonly node: CachedNode;
  readonly children: readonly string[];
}

/** What the reads of one cache fetch besides each node's Stat. */
export interface ReadPlan {
  /** Whether a node's child names are read (a getChildren beside its read). */
  readonly withChildren: (path: string) => boolean;
  /**
   * Whether data is read (getData); without it the Stat comes from `exists` and `data` is
   * `null`, which spares the transfer of data nobody keeps.
   */
  readonly withData: boolean;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Reads one node as `plan` says. `null` when it does not exist, or when we may not read it
 * (NoAuth: it is left out of the cache). Connection and session errors are thrown.
 */
export async function readNode(client: ZooKeeperClient, path: string, plan: ReadPlan): Promise<NodeRead | null> {
  const { signal } = plan;
  try {
    const [read, list] = await Promise.all([
      plan.withData ? client.getData(path, { signal }) : statOnly(client, path, signal),
      plan.withChildren(path) ? client.getChildren(path, { signal }) : undefined,
    ]);
    if (!read) return null;
    return { node: { path, data: read.data, stat: read.stat }, children: list?.children ?? [] };
  } catch (err) {
    if (err instanceof NoNodeError || err instanceof NoAuthError) return null;
    throw err;
  }
}

async function statOnly(client: ZooKeeperClient, path: string, signal: AbortSignal | undefined) {
  const { stat } = await client.exists(path, { signal });
  return stat && { data: null, stat };
}

/**
 * Reads `paths` with {@link readNode}, at most {@link BATCH} at a time, and returns the results
 * in the order of `paths` — which is the order the server answered them in.
 */
export async function readNodes(
  client: ZooKeeperClient,
  paths: readonly string[],
  plan: ReadPlan,
): Promise<Array<NodeRead | null>> {
  const out: Array<NodeRead | null> = [];
  for (let i = 0; i < paths.length; i += BATCH) {
    const chunk = paths.slice(i, i + BATCH);
    out.push(...(await Promise.all(chunk.map((p) => readNode(client, p, plan)))));
  }
  return out;
}

/**
 * Reads the tree under `root` breadth first, down to `maxDepth` levels below it (data as
 * `withData` says). The result lists parents before children, siblings in name order (the
 * server lists children in no set order; a cache's first events follow this one). Nodes that vanish while being
 * read are left out; the caller's watch reports changes made after each read.
 */
export async function readTree(
  client: ZooKeeperClient,
  root: string,
  maxDepth: number,
  plan: Omit<ReadPlan, 'withChildren'>,
): Promise<Map<string, CachedNode>> {
  const tree = new Map<string, CachedNode>();
  let level = [root];
  for (let depth = 0; level.length > 0; depth++) {
    const reads = await readNodes(client, level, { ...plan, withChildren: () => depth < maxDepth });
    const next: string[] = [];
    for (const read of reads) {
      if (!read) continue;
      tree.set(read.node.path, read.node);
      for (const name of [...read.children].sort()) next.push(childPath(read.node.path, name));
    }
    level = next;
  }
  return tree;
}
