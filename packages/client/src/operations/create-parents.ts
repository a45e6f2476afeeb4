import type { ACL } from '@zookit/protocol';
import { addChroot, stripChroot } from '../connect-string.js';
import { NodeExistsError, NoNodeError } from '../errors.js';
import type { CreateOptions, ParentsMode } from '../types.js';
import { checkPath, type OpContext } from './context.js';
import { buildCreate, createRequest } from './create.js';
import { existsRequest } from './node-ops.js';

/**
 * How many times a create (or ensurePath) starts over after someone deleted a parent it had
 * just made: each round needs a concurrent delete, so a bound only stops a livelock.
 */
export const MAX_PARENT_ATTEMPTS = 10;

const EMPTY = Buffer.alloc(0);

/** The mode of the parents a create asked for, or `undefined` when it asked for none. */
export function parentsMode(parents: CreateOptions['parents']): ParentsMode | undefined {
  if (parents === undefined || parents === false) return undefined;
  if (parents === true || parents === 'persistent') return 'persistent';
  if (parents === 'container') return 'container';
  throw new TypeError(`parents: expected true, false, 'persistent' or 'container', got ${JSON.stringify(parents)}`);
}

/**
 * Runs `create`; if it fails with NoNode, creates the missing ancestors of `path` (see
 * {@link createMissing}) and runs it again, at most {@link MAX_PARENT_ATTEMPTS} times.
 * Any other error of `create` is thrown as it is.
 */
export async function withParents<T>(
  ctx: OpContext,
  path: string,
  mode: ParentsMode,
  acl: readonly ACL[] | undefined,
  signal: AbortSignal | undefined,
  create: () => Promise<T>,
): Promise<T> {
  const ancestors = ancestorsOf(addChroot(ctx.chroot, path));
  for (let attempt = 1; ; attempt++) {
    try {
      return await create();
    } catch (err) {
      if (!(err instanceof NoNodeError) || ancestors.length === 0 || attempt >= MAX_PARENT_ATTEMPTS) throw err;
    }
    await createMissing(ctx, ancestors, mode, acl, signal);
  }
}

/** Creates `path` and its missing ancestors; an existing node is success. */
export async function ensurePath(
  ctx: OpContext,
  path: string,
  mode: ParentsMode,
  acl: readonly ACL[] | undefined,
  signal: AbortSignal | undefined,
): Promise<void> {
  checkPath(path);
  const full = addChroot(ctx.chroot, path);
  const nodes = full === '/' ? [] : [...ancestorsOf(full), full];
  for (let attempt = 1; ; attempt++) {
    try {
      await createMissing(ctx, nodes, mode, acl, signal);
      return;
    } catch (err) {
      // NoNode: an ancestor found (or made) a moment ago was deleted before its child was created.
      if (!(err instanceof NoNodeError) || attempt >= MAX_PARENT_ATTEMPTS) throw err;
    }
  }
}

/**
 * Creates whichever of `serverPaths` (server paths, top-down) do not exist, with no data, as
 * `mode` with `acl`. The chroot's own missing nodes are among them, as Curator creates its
 * namespace. Two pipelined rounds: `exists` for all (it needs no permission, so an existing
 * ancestor under which we may not create costs nothing), then the creates of the missing ones,
 * in order. NodeExists is success (someone else made it meanwhile); the first other failure, in
 * path order, is thrown (NoNode when a node was deleted under us: the caller starts over).
 */
async function createMissing(
  ctx: OpContext,
  serverPaths: readonly string[],
  mode: ParentsMode,
  acl: readonly ACL[] | undefined,
  signal: AbortSignal | undefined,
): Promise<void> {
  // Server paths are addressed from the real root so the chroot's own nodes can be made too.
  const root: OpContext = { session: ctx.session, chroot: undefined };
  const stats = await Promise.all(
    serverPaths.map((p) => ctx.session.submit(existsRequest(root, p, undefined), signal)),
  );
  const missing = serverPaths.filter((_, i) => stats[i]?.stat === null);
  const outcomes = await Promise.allSettled(
    missing.map((p) =>
      ctx.session.submit(
        createRequest(root, buildCreate(root, p, EMPTY, { mode, acl }), stripChroot(ctx.chroot, p)),
        signal,
      ),
    ),
  );
  for (const outcome of outcomes) {
    if (outcome.status === 'rejected' && !(outcome.reason instanceof NodeExistsError)) throw outcome.reason;
  }
}

/** `/a/b/c` → `/a`, `/a/b`; `/a/b/` (a sequential create's path) → `/a`, `/a/b`. */
function ancestorsOf(path: string): string[] {
  const out: string[] = [];
  for (let i = path.indexOf('/', 1); i > 0; i = path.indexOf('/', i + 1)) out.push(path.slice(0, i));
  return out;
}
