import type { HostAddress } from './connect-string.js';
import { ConnectionLossError, type ZooKeeperError } from './errors.js';

/**
 * The error of a `connect()` that got no session within `connectTimeout`. Its message names
 * every server of the connect string with what happened to it (`ECONNREFUSED`, `ENOTFOUND`, no
 * handshake reply, or no answer yet when time ran out); its `cause` is an AggregateError whose
 * `errors` are the last failure of each server that failed (each a ConnectionLossError whose
 * own `cause` is the socket error, with its `code`), empty when no server failed outright.
 */
export function connectFailure(
  connectString: string,
  hosts: readonly HostAddress[],
  connectTimeout: number,
  failures: ReadonlyMap<string, Error>,
): ZooKeeperError {
  const lines = hosts.map(({ host, port }) => {
    const where = `${host}:${port}`;
    const error = failures.get(where);
    return `${where}: ${error ? describe(error, where) : 'no answer before the connect timeout'}`;
  });
  return new ConnectionLossError({
    message: `ConnectionLoss: no session with ${connectString} within ${connectTimeout} ms (${lines.join('; ')})`,
    cause: new AggregateError(
      [...failures.values()],
      `the last failure of each server of ${connectString} that failed`,
    ),
  });
}

/** The socket error's message when there is one (it carries the code), else the attempt's own. */
function describe(error: Error, where: string): string {
  const inner = error.cause instanceof Error && 'code' in error.cause ? error.cause : error;
  const message = inner.message.replace(/^ConnectionLoss: /, '');
  // Connection attempts end their messages with the server's address; it is already named.
  return message.endsWith(` (${where})`) ? message.slice(0, -(where.length + 3)) : message;
}
