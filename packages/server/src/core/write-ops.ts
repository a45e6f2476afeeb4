import {
  type ACL,
  type CheckVersionRequest,
  type CreateRequest,
  type CreateTTLRequest,
  createModeInfo,
  type DeleteRequest,
  ErrorCode,
  formatSequence,
  MAX_TTL,
  OpCode,
  Perms,
  pathError,
  type SetACLRequest,
  type SetDataRequest,
  type Stat,
} from '@zookit/protocol';
import { checkACL, fixupACL } from './acl.js';
import { fail, type WriteContext } from './write-context.js';
import { CONTAINER_OWNER, ephemeralSession, statOf, ttlOwner, type ZNode } from './znode.js';

const SPECIAL = new Set(['/', '/zookeeper', '/zookeeper/quota', '/zookeeper/config']);

/** ZooKeeper keeps the root under "" internally: "/a" has parent "" which is "/". */
function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

function node(ctx: WriteContext, path: string): ZNode {
  return ctx.tree.get(path) ?? fail(ErrorCode.NoNode);
}

function requireSession(ctx: WriteContext): void {
  if (!ctx.sessionLive) fail(ErrorCode.SessionExpired);
}

function validPath(path: string): void {
  if (pathError(path) !== undefined) fail(ErrorCode.BadArguments);
}

function checkVersion(current: number, expected: number): void {
  if (expected !== -1 && expected !== current) fail(ErrorCode.BadVersion);
}

function allow(ctx: WriteContext, acl: readonly ACL[], perm: number): void {
  if (!checkACL(acl, perm, ctx.ids)) fail(ErrorCode.NoAuth);
}

/** Result of a create: the actual path and the new node's Stat. */
export interface Created {
  readonly path: string;
  readonly stat: Stat;
}

/**
 * create / create2 / createContainer / createTTL, with ZooKeeper's check order (flags, TTL
 * feature, TTL value, session, path shape, ACL, parent, CREATE permission, sequence suffix,
 * full path, existence, ephemeral parent). Like ZooKeeper, op create/create2 with the container
 * flag makes a plain persistent node: only createContainer makes containers.
 */
export function applyCreate(ctx: WriteContext, op: number, request: CreateRequest | CreateTTLRequest): Created {
  const mode = createModeInfo(request.flags) ?? fail(ErrorCode.BadArguments);
  const ttl = op === OpCode.createTTL ? (request as CreateTTLRequest).ttl : -1n;
  if (mode.ttl && !ctx.extendedTypes) fail(ErrorCode.Unimplemented);
  if (mode.ttl ? ttl <= 0n || ttl > MAX_TTL : ttl >= 0n) fail(ErrorCode.BadArguments);
  if (op === OpCode.createTTL && !mode.ttl) fail(ErrorCode.BadArguments);
  requireSession(ctx);
  const { path } = request;
  if (!path.includes('/') || path.includes('\0')) fail(ErrorCode.BadArguments);
  const acl = fixupACL(request.acl, ctx.ids);
  if (typeof acl === 'number') fail(acl);
  const parentPath = parentOf(path);
  const parent = node(ctx, parentPath);
  allow(ctx, parent.acl, Perms.CREATE);
  const full = mode.sequential ? path + formatSequence(parent.cversion) : path;
  validPath(full);
  if (ctx.tree.get(full)) fail(ErrorCode.NodeExists);
  if (ephemeralSession(parent) !== 0n) fail(ErrorCode.NoChildrenForEphemerals);
  let owner = 0n;
  if (op === OpCode.createContainer) owner = CONTAINER_OWNER;
  else if (mode.ttl) owner = ttlOwner(ttl);
  else if (mode.ephemeral) owner = ctx.sessionId;
  ctx.undo.push(ctx.tree.create(full, request.data, acl, owner, ctx.zxid, ctx.time));
  ctx.triggers.push({ kind: 'created', path: full, acl });
  ctx.triggers.push({ kind: 'childrenChanged', path: parentPath, acl: parent.acl });
  return { path: full, stat: statOf(ctx.tree.get(full) as ZNode) };
}

/** delete (also deleteContainer, which skips the session and permission checks). */
export function applyDelete(ctx: WriteContext, request: DeleteRequest, internal = false): void {
  if (!internal) requireSession(ctx);
  const { path } = request;
  if (!path.includes('/') || path.includes('\0') || SPECIAL.has(path)) fail(ErrorCode.BadArguments);
  const parentPath = parentOf(path);
  const parent = node(ctx, parentPath);
  if (!internal) allow(ctx, parent.acl, Perms.DELETE);
  const target = node(ctx, path);
  checkVersion(target.version, request.version);
  if (target.children.size > 0) fail(ErrorCode.NotEmpty);
  ctx.undo.push(ctx.tree.delete(path, ctx.zxid));
  ctx.triggers.push({ kind: 'deleted', path, acl: target.acl });
  ctx.triggers.push({ kind: 'childrenChanged', path: parentPath, acl: parent.acl });
}

export function applySetData(ctx: WriteContext, request: SetDataRequest): Stat {
  requireSession(ctx);
  validPath(request.path);
  const target = node(ctx, request.path);
  allow(ctx, target.acl, Perms.WRITE);
  checkVersion(target.version, request.version);
  ctx.undo.push(ctx.tree.setData(request.path, request.data, ctx.zxid, ctx.time));
  ctx.triggers.push({ kind: 'dataChanged', path: request.path, acl: target.acl });
  return statOf(target);
}

export function applySetACL(ctx: WriteContext, request: SetACLRequest): Stat {
  requireSession(ctx);
  validPath(request.path);
  const acl = fixupACL(request.acl, ctx.ids);
  if (typeof acl === 'number') fail(acl);
  const target = node(ctx, request.path);
  allow(ctx, target.acl, Perms.ADMIN);
  checkVersion(target.aversion, request.version);
  ctx.undo.push(ctx.tree.setACL(request.path, acl));
  return statOf(target);
}

export function applyCheck(ctx: WriteContext, request: CheckVersionRequest): void {
  requireSession(ctx);
  validPath(request.path);
  const target = node(ctx, request.path);
  allow(ctx, target.acl, Perms.READ);
  checkVersion(target.version, request.version);
}

/** Deletes a session's ephemerals (closeSession and expiry), children-last order is not needed: ephemerals are leaves. */
export function deleteEphemerals(ctx: WriteContext, sessionId: bigint): void {
  for (const path of [...ctx.tree.ephemeralsOf(sessionId)].sort()) {
    const target = ctx.tree.get(path);
    if (!target) continue;
    const parentPath = parentOf(path);
    const parent = ctx.tree.get(parentPath) as ZNode;
    ctx.undo.push(ctx.tree.delete(path, ctx.zxid));
    ctx.triggers.push({ kind: 'deleted', path, acl: target.acl });
    ctx.triggers.push({ kind: 'childrenChanged', path: parentPath, acl: parent.acl });
  }
}
