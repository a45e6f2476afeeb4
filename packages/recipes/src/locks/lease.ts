/**
 * A granted lock (or lease, or leadership): proof of holding, valid while `signal` has not
 * aborted.
 *
 * - `token` is the fencing token: the czxid of the holder's node, a `bigint` that grows with
 *   every grant of the lock (zxids only grow, whatever happens to the lock's parent node). Send
 *   it with every write to the protected resource; see `FencedStore`.
 * - `signal` aborts, with a reason saying why, as soon as the lease may no longer be held:
 *   `suspended` (standard error policy), `lost`, the node was deleted, or `release()`. It is
 *   advisory — a paused process may act after it fired — which is why the token exists.
 *   Deletion of the node is noticed through a data watch (getData) that is set when `signal` is
 *   first read (a holder that never reads it costs the server no watch); state changes are
 *   noticed from the start. A dropped connection alone ends nothing under the `session` policy
 *   (the watch read is asked again once reconnected). An ended lease holds no state listener,
 *   whether or not it is ever released.
 * - `release()` deletes the node (retrying after connection losses) and is idempotent; releasing
 *   a lease that was already lost is a no-op.
 */
export interface Lease extends AsyncDisposable {
  readonly token: bigint;
  /** The holder's node. */
  readonly path: string;
  /** The session that holds the node. */
  readonly sessionId: bigint;
  readonly signal: AbortSignal;
  release(): Promise<void>;
}

/** Why a lease ended: `signal.reason` is a LeaseLostError unless it was released. */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
  readonly reason: 'suspended' | 'lost' | 'deleted' | 'closed' | 'released';

  constructor(reason: LeaseLostError['reason'], path: string) {
    super(`lease on ${path} ended: ${reason}`);
    this.reason = reason;
  }
}
