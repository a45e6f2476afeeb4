import { joinPath } from '@zookit/protocol';
import { NoNodeError, NotEmptyError } from '../errors.js';
import { checkPath, type OpContext } from './context.js';
import { deleteRequest, getChildrenRequest } from './node-ops.js';

/**
 * How many times one node's delete is tried again after NotEmpty (a child was added since its
 * children were listed and deleted): each round needs a concurrent create, so a bound only
 * stops a livelock.
 */
export const MAX_DELETE_ATTEMPTS = 10;

/**
 * Deletes `path` and everything under it, any version. A node that is already gone is success.
 * Not atomic: on failure part of the tree may be deleted. Refuses `/` (a TypeError).
 */
export function deleteRecursive(ctx: OpContext, path: string, signal: AbortSignal | undefined): Promise<void> {
  checkPath(path);
  if (path === '/') throw new TypeError('path: deleteRecursive refuses "/" (it would empty the whole tree)');
  return deleteTree(ctx, path, signal);
}

async function deleteTree(ctx: OpContext, path: string, signal: AbortSignal | undefined): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    // Delete first: a leaf (most nodes of a tree) then costs one round trip, not two.
    try {
      await ctx.session.submit(deleteRequest(ctx, path, -1), signal);
      return;
    } catch (err) {
      if (err instanceof NoNodeError) return; // deleted by someone else: the goal is reached
      if (!(err instanceof NotEmptyError) || attempt >= MAX_DELETE_ATTEMPTS) throw err;
    }
    let children: string[];
    try {
      ({ children } = await ctx.session.submit(getChildrenRequest(ctx, path, undefined), signal));
    } catch (err) {
      if (err instanceof NoNodeError) return;
      throw err;
    }
    // Siblings go in parallel (the requests are pipelined); wait for all before failing, so
    // nothing of this call is still running when it rejects.
    const outcomes = await Promise.allSettled(children.map((c) => deleteTree(ctx, joinPath(path, c), signal)));
    for (const outcome of outcomes) if (outcome.status === 'rejected') throw outcome.reason;
  }
}
