/**
 * Rejected by `start()`/`restart()` when a ZooKeeper process exited early or did not become
 * ready in time. The message ends with the tail of the server's log; the process was killed.
 */
export class ZooKeeperStartError extends Error {
  override readonly name = 'ZooKeeperStartError';
  /** The last lines the server logged (possibly empty). */
  readonly logTail: string;

  constructor(message: string, logTail: string, options?: ErrorOptions) {
    super(
      logTail ? `${message}\n--- server log (tail) ---\n${logTail}` : `${message} (the server logged nothing)`,
      options,
    );
    this.logTail = logTail;
  }
}
