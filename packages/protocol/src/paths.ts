/**
 * Thrown by {@link validatePath} for a path ZooKeeper would refuse (BadArguments). The message
 * matches ZooKeeper's PathUtils so users recognise it.
 */
export class InvalidPathError extends TypeError {
  override readonly name = 'InvalidPathError';
  readonly path: string;

  constructor(path: string, reason: string) {
    super(reason);
    this.path = path;
  }
}

/**
 * Why ZooKeeper would refuse `path`, or `undefined` when it is valid. Same rules and messages as
 * ZooKeeper's PathUtils.validatePath: absolute, no trailing `/` (except the root), no empty,
 * `.` or `..` component, no NUL or control characters, no U+D800–U+F8FF or U+FFF0–U+FFFF.
 * With `sequential`, a trailing `/` is allowed (the server appends the counter).
 */
export function pathError(path: string, sequential = false): string | undefined {
  if (typeof path !== 'string') return 'Path cannot be null';
  const p = sequential ? `${path}1` : path;
  if (p.length === 0) return 'Path length must be > 0';
  if (p.charCodeAt(0) !== 0x2f) return 'Path must start with / character';
  if (p.length === 1) return undefined;
  if (p.charCodeAt(p.length - 1) === 0x2f) return 'Path must not end with / character';
  let last = 0x2f;
  for (let i = 1; i < p.length; last = p.charCodeAt(i), i++) {
    const c = p.charCodeAt(i);
    let reason: string | undefined;
    if (c === 0) reason = `null character not allowed @${i}`;
    else if (c === 0x2f && last === 0x2f) reason = `empty node name specified @${i}`;
    else if (c === 0x2e && last === 0x2e) {
      if (p.charCodeAt(i - 2) === 0x2f && (i + 1 === p.length || p.charCodeAt(i + 1) === 0x2f)) {
        reason = `relative paths not allowed @${i}`;
      }
    } else if (c === 0x2e) {
      if (p.charCodeAt(i - 1) === 0x2f && (i + 1 === p.length || p.charCodeAt(i + 1) === 0x2f)) {
        reason = `relative paths not allowed @${i}`;
      }
    } else if (
      (c > 0 && c <= 0x1f) ||
      (c >= 0x7f && c <= 0x9f) ||
      (c >= 0xd800 && c <= 0xf8ff) ||
      (c >= 0xfff0 && c <= 0xffff)
    ) {
      reason = `invalid character @${i}`;
    }
    if (reason) return `Invalid path string "${p}" caused by ${reason}`;
  }
  return undefined;
}

/** Throws {@link InvalidPathError} when ZooKeeper would refuse `path` (see {@link pathError}). */
export function validatePath(path: string, sequential = false): void {
  const reason = pathError(path, sequential);
  if (reason !== undefined) throw new InvalidPathError(path, reason);
}

/**
 * The suffix ZooKeeper appends to a sequential node: the parent's child-create counter as
 * Java's `%010d`. The counter is a 32-bit int: after 2^31 - 1 it wraps to -2147483648 and
 * negative values keep their sign inside the width (`-000000005`), exactly as ZooKeeper does.
 */
export function formatSequence(counter: number): string {
  if (!Number.isInteger(counter) || counter < -0x8000_0000 || counter > 0x7fff_ffff) {
    throw new RangeError(`sequence counter must be a 32-bit integer, got ${String(counter)}`);
  }
  if (counter < 0) return `-${String(-counter).padStart(9, '0')}`;
  return String(counter).padStart(10, '0');
}

const SEQUENCE = /^(?:\d{10}|-\d{9,10})$/;

/**
 * Splits a sequential node's name or path into its prefix and counter, or returns `undefined`
 * when it does not end in a suffix {@link formatSequence} could have produced. The last 10
 * characters are tried first (as Curator does), so a name such as `x-1000000000` parses as
 * `x-` + 1000000000, not `x` + -1000000000.
 */
export function parseSequence(nameOrPath: string): { prefix: string; sequence: number } | undefined {
  for (const width of [10, 11]) {
    if (nameOrPath.length < width) continue;
    const suffix = nameOrPath.slice(-width);
    if (!SEQUENCE.test(suffix)) continue;
    const sequence = Number(suffix);
    if (sequence < -0x8000_0000 || sequence > 0x7fff_ffff || formatSequence(sequence) !== suffix) continue;
    return { prefix: nameOrPath.slice(0, -width), sequence };
  }
  return undefined;
}

/** The parent of an absolute path (`/` for a top-level node and for the root). */
export function parentPath(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/** The last component of an absolute path (`''` for the root). */
export function nodeName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Joins a parent path and a child name. */
export function joinPath(parent: string, name: string): string {
  return parent === '/' ? `/${name}` : `${parent}/${name}`;
}
