import {
  type ACL,
  type ClientInfo,
  GetACLRequest,
  GetACLResponse,
  GetAllChildrenNumberRequest,
  GetAllChildrenNumberResponse,
  GetDataRequest,
  GetDataResponse,
  GetEphemeralsRequest,
  GetEphemeralsResponse,
  OpCode,
  SetACLRequest,
  SetACLResponse,
  type Stat,
  SyncRequest,
  WhoAmIResponse,
} from '@zookit/protocol';
import { addChroot, stripChroot } from '../connect-string.js';
import { type Request, throwIfError } from '../request.js';
import type { EnsembleConfig, NodeACL } from '../types.js';
import { type OpContext, serverPath, toVersion } from './context.js';

export function getACLRequest(ctx: OpContext, path: string): Request<NodeACL> {
  const full = serverPath(ctx, path);
  return {
    type: OpCode.getACL,
    path,
    write: (w) => GetACLRequest.encode(w, { path: full }),
    decode: (header, reader) => {
      throwIfError(header, path);
      return GetACLResponse.decode(reader);
    },
  };
}

export function setACLRequest(
  ctx: OpContext,
  path: string,
  acl: readonly ACL[],
  version: number | undefined,
): Request<Stat> {
  if (!Array.isArray(acl) || acl.length === 0) throw new TypeError('acl: expected a non-empty array of ACL entries');
  const request = { path: serverPath(ctx, path), acl: [...acl], version: toVersion(version) };
  return {
    type: OpCode.setACL,
    path,
    write: (w) => SetACLRequest.encode(w, request),
    decode: (header, reader) => {
      throwIfError(header, path);
      return SetACLResponse.decode(reader).stat;
    },
  };
}

export function syncRequest(ctx: OpContext, path: string): Request<void> {
  const full = serverPath(ctx, path);
  return {
    type: OpCode.sync,
    path,
    write: (w) => SyncRequest.encode(w, { path: full }),
    decode: (header) => throwIfError(header, path),
  };
}

/**
 * The session's own ephemerals under `prefix` (a plain string prefix of the path, as
 * ZooKeeper matches it; `/` for all), relative to the chroot.
 */
export function getEphemeralsRequest(ctx: OpContext, prefix: string): Request<string[]> {
  if (typeof prefix !== 'string') throw new TypeError('prefix: expected a string');
  const full = addChroot(ctx.chroot, prefix);
  return {
    type: OpCode.getEphemerals,
    path: prefix,
    write: (w) => GetEphemeralsRequest.encode(w, { prefixPath: full }),
    decode: (header, reader) => {
      throwIfError(header, prefix);
      return GetEphemeralsResponse.decode(reader)
        .ephemerals.filter((p) => ctx.chroot === undefined || p === ctx.chroot || p.startsWith(`${ctx.chroot}/`))
        .map((p) => stripChroot(ctx.chroot, p));
    },
  };
}

export function getAllChildrenNumberRequest(ctx: OpContext, path: string): Request<number> {
  const full = serverPath(ctx, path);
  return {
    type: OpCode.getAllChildrenNumber,
    path,
    write: (w) => GetAllChildrenNumberRequest.encode(w, { path: full }),
    decode: (header, reader) => {
      throwIfError(header, path);
      return GetAllChildrenNumberResponse.decode(reader).totalNumber;
    },
  };
}

export function whoAmIRequest(): Request<ClientInfo[]> {
  return {
    type: OpCode.whoAmI,
    decode: (header, reader) => {
      throwIfError(header, undefined);
      return WhoAmIResponse.decode(reader).clientInfo;
    },
  };
}

/** getConfig is getData of /zookeeper/config, outside any chroot (as ZooKeeper's clients do it). */
export function getConfigRequest(): Request<EnsembleConfig> {
  const path = '/zookeeper/config';
  return {
    type: OpCode.getData,
    path,
    write: (w) => GetDataRequest.encode(w, { path, watch: false }),
    decode: (header, reader) => {
      throwIfError(header, path);
      const { data, stat } = GetDataResponse.decode(reader);
      return { config: data ? Buffer.from(data).toString('utf8') : '', stat };
    },
  };
}
