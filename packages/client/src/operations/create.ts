import {
  type ACL,
  Create2Response,
  CreateMode,
  CreateRequest,
  CreateTTLRequest,
  createModeInfo,
  Ids,
  MAX_TTL,
  OpCode,
} from '@zookit/protocol';
import { stripChroot } from '../connect-string.js';
import { type Request, throwIfError } from '../request.js';
import type { CreateModeName, CreateOptions, CreateResult, Data } from '../types.js';
import { type OpContext, serverPath, toBytes } from './context.js';

const modeFlags: Record<CreateModeName, CreateMode> = {
  persistent: CreateMode.PERSISTENT,
  ephemeral: CreateMode.EPHEMERAL,
  'persistent-sequential': CreateMode.PERSISTENT_SEQUENTIAL,
  'ephemeral-sequential': CreateMode.EPHEMERAL_SEQUENTIAL,
  container: CreateMode.CONTAINER,
  'persistent-with-ttl': CreateMode.PERSISTENT_WITH_TTL,
  'persistent-sequential-with-ttl': CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL,
};

/** A validated create, ready to be sent alone (create2/createContainer/createTTL) or inside a multi. */
export interface CreateSpec {
  /** Op code: create2, createContainer or createTTL. */
  readonly op: typeof OpCode.create2 | typeof OpCode.createContainer | typeof OpCode.createTTL;
  readonly request: CreateRequest | CreateTTLRequest;
}

/** The create flags of a mode name; throws a TypeError for an unknown name. */
export function createFlags(mode: CreateModeName | undefined): CreateMode {
  const flags = modeFlags[mode ?? 'persistent'];
  if (flags === undefined) throw new TypeError(`mode: unknown create mode ${JSON.stringify(mode)}`);
  return flags;
}

/** Validates the arguments of a create (path, mode, data, ACL, TTL) and builds its request. */
export function buildCreate(ctx: OpContext, path: string, data: Data | undefined, options: CreateOptions): CreateSpec {
  const flags = createFlags(options.mode);
  const info = createModeInfo(flags);
  const fullPath = serverPath(ctx, path, info?.sequential);
  const acl = validateAcl(options.acl);
  const bytes = toBytes(data);
  if (info?.ttl) {
    const ttl = toTtl(options.ttl);
    return { op: OpCode.createTTL, request: { path: fullPath, data: bytes, acl, flags, ttl } };
  }
  if (options.ttl !== undefined)
    throw new TypeError(`ttl: only TTL modes take a ttl (mode is ${options.mode ?? 'persistent'})`);
  return {
    op: info?.container ? OpCode.createContainer : OpCode.create2,
    request: { path: fullPath, data: bytes, acl, flags },
  };
}

/** The request of a create, sent alone: every mode returns the path and Stat. */
export function createRequest(ctx: OpContext, spec: CreateSpec, clientPath: string): Request<CreateResult> {
  const codec = spec.op === OpCode.createTTL ? CreateTTLRequest : CreateRequest;
  return {
    type: spec.op,
    path: clientPath,
    write: (w) => codec.encode(w, spec.request as CreateTTLRequest),
    decode: (header, reader) => {
      throwIfError(header, clientPath);
      const response = Create2Response.decode(reader);
      return { path: stripChroot(ctx.chroot, response.path), stat: response.stat };
    },
  };
}

function validateAcl(acl: readonly ACL[] | undefined): ACL[] {
  if (acl === undefined) return [...Ids.OPEN_ACL_UNSAFE];
  if (!Array.isArray(acl) || acl.length === 0) throw new TypeError('acl: expected a non-empty array of ACL entries');
  return [...acl];
}

function toTtl(ttl: number | bigint | undefined): bigint {
  if (ttl === undefined) throw new TypeError('ttl: TTL modes need a ttl in ms');
  const value = typeof ttl === 'bigint' ? ttl : Number.isInteger(ttl) ? BigInt(ttl) : -1n;
  if (value <= 0n || value > MAX_TTL)
    throw new RangeError(`ttl: expected an integer in [1, ${MAX_TTL}] ms, got ${String(ttl)}`);
  return value;
}
