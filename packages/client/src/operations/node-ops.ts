import {
  DeleteRequest,
  ErrorCode,
  ExistsRequest,
  ExistsResponse,
  GetChildren2Request,
  GetChildren2Response,
  GetDataRequest,
  GetDataResponse,
  OpCode,
  SetDataRequest,
  SetDataResponse,
  type Stat,
} from '@zookit/protocol';
import { type Request, throwIfError } from '../request.js';
import type { Data, NodeChildren, NodeData, NodeStat, WatchOption } from '../types.js';
import type { WatchEvent, Watcher } from '../watches/watch-event.js';
import type { WatchKind } from '../watches/watch-registry.js';
import { type OpContext, serverPath, toBytes, toVersion } from './context.js';

/** A one-shot watch request resolved into the watcher to register and the promise to return. */
interface WatchPlan {
  readonly watcher: Watcher | undefined;
  readonly promise: Promise<WatchEvent> | undefined;
}

function planWatch(watch: WatchOption | undefined): WatchPlan {
  if (watch === undefined) return { watcher: undefined, promise: undefined };
  if (watch === true) {
    let watcher: Watcher | undefined;
    const promise = new Promise<WatchEvent>((resolve) => {
      watcher = resolve;
    });
    return { watcher, promise };
  }
  if (typeof watch !== 'function') throw new TypeError('watch: expected a function or true');
  return { watcher: watch, promise: undefined };
}

function register(ctx: OpContext, plan: WatchPlan, kind: WatchKind, path: string): void {
  if (plan.watcher) ctx.session.watches.add(kind, path, plan.watcher);
}

export function deleteRequest(ctx: OpContext, path: string, version: number | undefined): Request<void> {
  const request = { path: serverPath(ctx, path), version: toVersion(version) };
  return {
    type: OpCode.delete,
    path,
    write: (w) => DeleteRequest.encode(w, request),
    decode: (header) => throwIfError(header, path),
  };
}

export function existsRequest(ctx: OpContext, path: string, watch: WatchOption | undefined): Request<NodeStat> {
  const full = serverPath(ctx, path);
  const plan = planWatch(watch);
  return {
    type: OpCode.exists,
    path,
    registers: plan.watcher ? { kind: 'data', path: full } : undefined,
    write: (w) => ExistsRequest.encode(w, { path: full, watch: plan.watcher !== undefined }),
    decode: (header, reader) => {
      if (header.err === ErrorCode.NoNode) {
        // ZooKeeper keeps an exists watch on a missing node: it fires on creation.
        register(ctx, plan, 'exist', full);
        return withWatch({ stat: null as Stat | null }, plan);
      }
      throwIfError(header, path);
      const { stat } = ExistsResponse.decode(reader);
      register(ctx, plan, 'data', full);
      return withWatch({ stat: stat as Stat | null }, plan);
    },
  };
}

export function getDataRequest(ctx: OpContext, path: string, watch: WatchOption | undefined): Request<NodeData> {
  const full = serverPath(ctx, path);
  const plan = planWatch(watch);
  return {
    type: OpCode.getData,
    path,
    registers: plan.watcher ? { kind: 'data', path: full } : undefined,
    write: (w) => GetDataRequest.encode(w, { path: full, watch: plan.watcher !== undefined }),
    decode: (header, reader) => {
      throwIfError(header, path);
      const { data, stat } = GetDataResponse.decode(reader);
      register(ctx, plan, 'data', full);
      return withWatch({ data: data as Buffer | null, stat }, plan);
    },
  };
}

export function setDataRequest(ctx: OpContext, path: string, data: Data, version: number | undefined): Request<Stat> {
  const request = { path: serverPath(ctx, path), data: toBytes(data), version: toVersion(version) };
  return {
    type: OpCode.setData,
    path,
    write: (w) => SetDataRequest.encode(w, request),
    decode: (header, reader) => {
      throwIfError(header, path);
      return SetDataResponse.decode(reader).stat;
    },
  };
}

export function getChildrenRequest(
  ctx: OpContext,
  path: string,
  watch: WatchOption | undefined,
): Request<NodeChildren> {
  const full = serverPath(ctx, path);
  const plan = planWatch(watch);
  return {
    type: OpCode.getChildren2,
    path,
    registers: plan.watcher ? { kind: 'child', path: full } : undefined,
    write: (w) => GetChildren2Request.encode(w, { path: full, watch: plan.watcher !== undefined }),
    decode: (header, reader) => {
      throwIfError(header, path);
      const { children, stat } = GetChildren2Response.decode(reader);
      register(ctx, plan, 'child', full);
      return withWatch({ children, stat }, plan);
    },
  };
}

function withWatch<T extends object>(value: T, plan: WatchPlan): T & { watch?: Promise<WatchEvent> } {
  return plan.promise ? { ...value, watch: plan.promise } : value;
}
