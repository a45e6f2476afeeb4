/**
 * An acquire bounded by a timeout (`AbortSignal.timeout(ms)`, alone or in `AbortSignal.any`) ran
 * out before the lock was granted; the attempt left no node behind. Also a LeaderLatch's
 * `awaitLeadership` that timed out (the latch stays in the election). The message names the
 * recipe and its path. `name` is `'TimeoutError'`, as for the signal's own reason, so checks of
 * `err.name === 'TimeoutError'` keep working; `cause` is that reason (the signal's
 * DOMException). A wait cancelled any other way rejects with `signal.reason` itself.
 */
export class LockTimeoutError extends Error {
  override readonly name = 'TimeoutError';
  /** The lock's node. */
  readonly path: string;

  constructor(
    kind: string,
    path: string,
    cause: unknown,
    waitedFor = 'acquire aborted by timeout before the lock was granted',
  ) {
    super(`${kind} ${path}: ${waitedFor}`, { cause });
    this.path = path;
  }
}

/** The error an acquire rejects with for `err`: a LockTimeoutError when `err` is `signal`'s timeout. */
export function namingTimeout(
  kind: string,
  path: string,
  signal: AbortSignal | undefined,
  err: unknown,
  waitedFor?: string,
): unknown {
  const timedOut =
    signal?.aborted === true && err === signal.reason && err instanceof DOMException && err.name === 'TimeoutError';
  return timedOut ? new LockTimeoutError(kind, path, err, waitedFor) : err;
}
