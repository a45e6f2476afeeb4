/**
 * A write of AtomicValue / AtomicLong was cut off (connection loss, session expiry, a server-side
 * operation timeout) and its outcome cannot be proven: the value may or may not have changed.
 *
 * Why it is neither a success nor retried: ZooKeeper does not record who wrote a node, and Curator's
 * byte formats leave no room for a writer's mark, so "one version on, holding our bytes" is also
 * what a concurrent writer that started from the same value leaves behind (two increments from 5
 * both write 6). Reporting success could hand out one value twice; retrying could apply the change
 * twice. The caller decides: read the value, or rely on its own idempotency. `cause` is the error
 * that cut the write off. Not retryable by `isRetryable`.
 *
 * An operation rejects with the ConnectionLossError / SessionExpiredError itself only when
 * nothing was written (a read failed, or the node was proven unchanged since the read).
 */
export class OutcomeUnknownError extends Error {
  override readonly name = 'OutcomeUnknownError';
  /** The value's node. */
  readonly path: string;

  constructor(kind: string, path: string, cause: unknown) {
    const why = cause instanceof Error ? cause.name : String(cause);
    super(
      `${kind} ${path}: a write was cut off (${why}) and its outcome cannot be proven: the value may or may not have changed`,
      { cause },
    );
    this.path = path;
  }
}
