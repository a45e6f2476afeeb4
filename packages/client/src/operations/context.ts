import { InvalidPathError, pathError } from '@zookit/protocol';
import { addChroot } from '../connect-string.js';
import type { Session } from '../session.js';
import type { Data } from '../types.js';

/** What operation builders need from the client: the session and the chroot. */
export interface OpContext {
  readonly session: Session;
  readonly chroot: string | undefined;
}

/**
 * Throws {@link InvalidPathError} (naming the path and the rule it breaks, in ZooKeeper's words)
 * when ZooKeeper would refuse `path`; `sequential` allows the trailing `/` of a sequential create.
 */
export function checkPath(path: string, sequential = false): void {
  const reason = pathError(path, sequential);
  if (reason !== undefined) throw new InvalidPathError(path, `path ${JSON.stringify(path)}: ${reason}`);
}

/** Validates a client path (see {@link checkPath}) and returns the server path. */
export function serverPath(ctx: OpContext, path: string, sequential = false): string {
  checkPath(path, sequential);
  return addChroot(ctx.chroot, path);
}

/** Normalises node data; a string is UTF-8. */
export function toBytes(data: Data | undefined, name = 'data'): Uint8Array | null {
  if (data === undefined) return Buffer.alloc(0);
  if (data === null || data instanceof Uint8Array) return data;
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  throw new TypeError(`${name}: expected a Uint8Array, a string or null, got ${typeof data}`);
}

/** Validates a version argument (-1 = any). */
export function toVersion(version: number | undefined): number {
  if (version === undefined) return -1;
  if (!Number.isInteger(version) || version < -1 || version > 0x7fff_ffff) {
    throw new RangeError(`version: expected an integer in [-1, 2^31-1], got ${String(version)}`);
  }
  return version;
}

/** Runs a builder and turns its synchronous argument errors into a rejected promise. */
export function attempt<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return fn();
  } catch (err) {
    return Promise.reject(err);
  }
}
