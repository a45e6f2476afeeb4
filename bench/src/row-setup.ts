import { NodeExistsError, NoNodeError, type ZooKeeperClient } from '@zookit/client';
import { nodePath, type RowSpec } from './row-spec.js';

/** Runs fn(0) … fn(n-1) with at most `window` calls in flight. */
export async function inWindow(n: number, window: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const loop = async (): Promise<void> => {
    while (next < n) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(window, n) }, loop));
}

/** Indices of the nodes a row touches beyond its base node. */
function nodeCount(spec: RowSpec): number {
  return spec.op === 'create' || spec.op === 'delete' ? spec.warmup + spec.count : spec.readNodes;
}

/** Untimed: creates the row's base node and the nodes it reads, writes or deletes. */
export async function prepareRow(zk: ZooKeeperClient, spec: RowSpec): Promise<void> {
  await zk.create(spec.base, null);
  if (spec.op === 'create') return;
  const data = Buffer.alloc(spec.dataSize, 'x');
  await inWindow(nodeCount(spec), 64, (i) => zk.create(nodePath(spec, i), data));
}

/** Untimed: removes everything the row left, so the data tree stays the same size for every row. */
export async function cleanUpRow(zk: ZooKeeperClient, spec: RowSpec): Promise<void> {
  if (spec.op !== 'delete') {
    await inWindow(nodeCount(spec), 64, (i) => zk.delete(nodePath(spec, i)).catch(ignore(NoNodeError)));
  }
  await zk.delete(spec.base);
}

/** Creates `path` unless it exists. */
export async function ensureNode(zk: ZooKeeperClient, path: string): Promise<void> {
  await zk.create(path, null).catch(ignore(NodeExistsError));
}

function ignore(type: new (...args: never[]) => Error): (err: unknown) => void {
  return (err) => {
    if (!(err instanceof type)) throw err;
  };
}
