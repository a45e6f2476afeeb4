import { pathError } from '@zookit/protocol';

/** One server address of a connect string. */
export interface HostAddress {
  readonly host: string;
  readonly port: number;
}

/** A parsed connect string: the servers, in the order given, and the chroot (`undefined` for none). */
export interface ConnectString {
  readonly hosts: readonly HostAddress[];
  readonly chroot: string | undefined;
}

const DEFAULT_PORT = 2181;

/**
 * Thrown by {@link parseConnectString} (and so by `connect()`, before any connection is tried)
 * for a connect string that cannot be parsed; the message names the part that is wrong.
 */
export class InvalidConnectStringError extends TypeError {
  override readonly name = 'InvalidConnectStringError';
  /** The connect string as given. */
  readonly connectString: unknown;

  constructor(connectString: unknown, problem: string) {
    super(`connectString: ${problem}`);
    this.connectString = connectString;
  }
}

/**
 * Parses `host:port,host:port/optional/chroot` as ZooKeeper's ConnectStringParser does:
 * the port defaults to 2181, IPv6 addresses go in brackets (`[::1]:2181`), and the chroot
 * must be a valid path (`/` alone means none). Throws {@link InvalidConnectStringError}
 * naming what is wrong.
 */
export function parseConnectString(connectString: string): ConnectString {
  if (typeof connectString !== 'string' || connectString.trim() === '') {
    throw new InvalidConnectStringError(
      connectString,
      `expected "host:port[,host:port...][/chroot]", got ${JSON.stringify(connectString)}`,
    );
  }
  const slash = connectString.indexOf('/');
  let chroot: string | undefined;
  let list = connectString;
  if (slash >= 0) {
    const root = connectString.slice(slash);
    list = connectString.slice(0, slash);
    if (root !== '/') {
      const reason = pathError(root);
      if (reason)
        throw new InvalidConnectStringError(connectString, `invalid chroot ${JSON.stringify(root)}: ${reason}`);
      chroot = root;
    }
  }
  const hosts = list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((entry) => parseHost(entry, connectString));
  if (hosts.length === 0)
    throw new InvalidConnectStringError(connectString, `no server in ${JSON.stringify(connectString)}`);
  return { hosts, chroot };
}

function parseHost(entry: string, whole: string): HostAddress {
  const bad = (problem: string) =>
    new InvalidConnectStringError(
      whole,
      `bad address ${JSON.stringify(entry)} in ${JSON.stringify(whole)}: ${problem}`,
    );
  let host = entry;
  let portText: string | undefined;
  if (entry.startsWith('[')) {
    const end = entry.indexOf(']');
    if (end < 0) throw new InvalidConnectStringError(whole, `unclosed "[" in ${JSON.stringify(whole)}`);
    host = entry.slice(1, end);
    const rest = entry.slice(end + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) throw bad('expected ":port" after "]"');
      portText = rest.slice(1);
    }
  } else {
    const colon = entry.lastIndexOf(':');
    if (colon >= 0) {
      host = entry.slice(0, colon);
      portText = entry.slice(colon + 1);
    }
    if (host.includes(':')) throw bad('an IPv6 address must be in brackets, as in "[::1]:2181"');
  }
  if (host === '') throw bad('no host name');
  const port = portText === undefined ? DEFAULT_PORT : Number(portText);
  if (portText === '' || !/^\d+$/.test(portText ?? '0') || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw bad(`port must be an integer in 1..65535, got ${JSON.stringify(portText)}`);
  }
  return { host, port };
}

/** Prefixes a client path with the chroot. */
export function addChroot(chroot: string | undefined, path: string): string {
  if (chroot === undefined) return path;
  return path === '/' ? chroot : chroot + path;
}

/**
 * Removes the chroot from a server path. A path outside the chroot (which a server should
 * never send) is returned unchanged rather than mangled.
 */
export function stripChroot(chroot: string | undefined, path: string): string {
  if (chroot === undefined) return path;
  if (path === chroot) return '/';
  return path.startsWith(`${chroot}/`) ? path.slice(chroot.length) : path;
}

/** A shuffled copy (Fisher–Yates), so that clients spread over the servers of a connect string. */
export function shuffle<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
