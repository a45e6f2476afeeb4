import { randomUUID } from 'node:crypto';
import { nodeName, parentPath } from '@zookit/protocol';
import { ConnectionLossError } from '../errors.js';
import type { CreateOptions, CreateResult, Data } from '../types.js';
import { attempt, type OpContext } from './context.js';
import { buildCreate, createRequest } from './create.js';
import { syncRequest } from './misc-ops.js';
import { existsRequest, getChildrenRequest } from './node-ops.js';

/** The prefix Curator puts on protected node names: `_c_` + a UUID + `-`. */
export function protectedPrefix(uuid: string = randomUUID()): string {
  return `_c_${uuid}-`;
}

const MAX_ATTEMPTS = 10;

/**
 * Curator's protected create: the node name gets `_c_<uuid>-`; when a create fails with
 * ConnectionLoss (the reply was lost, the node may exist), the parent's children are searched
 * for that prefix, so the caller gets its own node back instead of leaving an orphan and
 * creating a second one. The search starts with a `sync` of the parent (as Curator does): the
 * client may have reconnected to a server that has not yet applied the create, and without it
 * would create a second node. Gives up after {@link MAX_ATTEMPTS} connection losses; other errors
 * (SessionExpired included: an ephemeral died with the session) are thrown as they are.
 */
export async function protectedCreate(
  ctx: OpContext,
  path: string,
  data: Data | undefined,
  options: CreateOptions,
): Promise<CreateResult> {
  const parent = parentPath(path);
  const prefix = protectedPrefix();
  const protectedPath = `${parent === '/' ? '' : parent}/${prefix}${nodeName(path)}`;
  const spec = buildCreate(ctx, protectedPath, data, options);
  const signal = options.signal;
  let lastError: unknown;
  for (let i = 0; i < MAX_ATTEMPTS; i++) {
    if (i > 0) {
      const found = await findOwn(ctx, parent, prefix, signal);
      if (found) return found;
    }
    try {
      return await ctx.session.submit(createRequest(ctx, spec, protectedPath), signal);
    } catch (err) {
      if (!(err instanceof ConnectionLossError)) throw err;
      lastError = err;
    }
  }
  throw lastError;
}

async function findOwn(
  ctx: OpContext,
  parent: string,
  prefix: string,
  signal: AbortSignal | undefined,
): Promise<CreateResult | undefined> {
  for (let i = 0; ; i++) {
    try {
      // After the sync the server has applied every write the leader had committed when the
      // sync reached it, the lost create included.
      await attempt(() => ctx.session.submit(syncRequest(ctx, parent), signal));
      const { children } = await ctx.session.submit(getChildrenRequest(ctx, parent, undefined), signal);
      const name = children.find((c) => c.startsWith(prefix));
      if (!name) return undefined;
      const path = `${parent === '/' ? '' : parent}/${name}`;
      const { stat } = await ctx.session.submit(existsRequest(ctx, path, undefined), signal);
      // Deleted between the two reads (by someone else): treat as not created, create again.
      return stat ? { path, stat } : undefined;
    } catch (err) {
      if (!(err instanceof ConnectionLossError) || i + 1 >= MAX_ATTEMPTS) throw err;
    }
  }
}
