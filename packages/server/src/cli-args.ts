/** The command line of `zookit-server`, parsed. */
export interface CliOptions {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string | undefined;
  readonly tickTime: number | undefined;
  readonly snapshotEvery: number | undefined;
  readonly maxClientCnxns: number | undefined;
}

export const USAGE = `usage: zookit-server [--port N] [--host H] [--data-dir DIR] [--tick-time MS] [--snapshot-every N]
                    [--max-client-cnxns N]

  --port N            TCP port to listen on; 0 picks a free one (default 2181)
  --host H            address to listen on (default 127.0.0.1)
  --data-dir DIR      keep the log and snapshots in DIR: writes are acknowledged after fsync and
                      survive restarts (default: in memory, gone when the process ends)
  --tick-time MS      ZooKeeper's tickTime in ms; session timeouts are 2 to 20 ticks (default 2000)
  --snapshot-every N  with --data-dir: log entries between snapshots (default 100000)
  --max-client-cnxns N
                      connections allowed at once from one IP address (ZooKeeper's
                      maxClientCnxns); one over it is reset. 0: no limit (default 60)
  -h, --help          show this help

Prints "zookit-server listening on HOST:PORT" once it accepts connections, and runs until
SIGINT or SIGTERM, then closes every connection, syncs the data directory and exits 0.`;

/** A bad command line: `message` names the argument at fault. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Parses `argv` (without node and the script); `'help'` when help was asked for. */
export function parseCliArgs(argv: readonly string[]): CliOptions | 'help' {
  let port = 2181;
  let host = '127.0.0.1';
  let dataDir: string | undefined;
  let tickTime: number | undefined;
  let snapshotEvery: number | undefined;
  let maxClientCnxns: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '-h' || arg === '--help') return 'help';
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (name !== arg) return arg.slice(eq + 1);
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`${name}: missing value`);
      return next;
    };
    switch (name) {
      case '--port':
        port = integer(name, value(), 0, 65535);
        break;
      case '--host':
        host = nonEmpty(name, value());
        break;
      case '--data-dir':
        dataDir = nonEmpty(name, value());
        break;
      case '--tick-time':
        tickTime = integer(name, value(), 1, 2 ** 31 - 1);
        break;
      case '--snapshot-every':
        snapshotEvery = integer(name, value(), 1, Number.MAX_SAFE_INTEGER);
        break;
      case '--max-client-cnxns':
        maxClientCnxns = integer(name, value(), 0, 2 ** 31 - 1);
        break;
      default:
        throw new UsageError(
          arg.startsWith('-') ? `${name}: unknown option` : `${arg}: unexpected argument (options start with --)`,
        );
    }
  }
  if (snapshotEvery !== undefined && dataDir === undefined) {
    throw new UsageError('--snapshot-every: needs --data-dir');
  }
  return { port, host, dataDir, tickTime, snapshotEvery, maxClientCnxns };
}

function integer(name: string, text: string, min: number, max: number): number {
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`${name}: expected an integer from ${min} to ${max}, got ${JSON.stringify(text)}`);
  }
  return n;
}

function nonEmpty(name: string, text: string): string {
  if (text === '') throw new UsageError(`${name}: expected a non-empty value`);
  return text;
}
