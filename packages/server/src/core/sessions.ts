/** A session as replicated state: what every server knows about it. */
export interface SessionRecord {
  readonly id: bigint;
  timeout: number;
  readonly password: Uint8Array;
  /** Marked when expiry or close has been decided; further writes fail with SessionExpired. */
  closing: boolean;
}

/**
 * Session deadlines (leader-side, volatile: a new leader restarts them). As ZooKeeper's
 * ExpiryQueue, a deadline is rounded up to the next multiple of the tick, so sessions expire in
 * batches on tick boundaries.
 */
export class SessionExpirer {
  readonly #tick: number;
  readonly #deadlines = new Map<bigint, number>();

  constructor(tickTime: number) {
    this.#tick = tickTime;
  }

  /** Restarts `id`'s deadline at `now + timeout` (rounded up to a tick). */
  touch(id: bigint, timeout: number, now: number): void {
    this.#deadlines.set(id, (Math.floor((now + timeout) / this.#tick) + 1) * this.#tick);
  }

  forget(id: bigint): void {
    this.#deadlines.delete(id);
  }

  /** Sessions whose deadline has passed at `now`, removed from tracking. */
  expired(now: number): bigint[] {
    const out: bigint[] = [];
    for (const [id, deadline] of this.#deadlines) {
      if (deadline <= now) {
        out.push(id);
        this.#deadlines.delete(id);
      }
    }
    return out;
  }

  /** The deadline of `id`, for `dump`. */
  deadlineOf(id: bigint): number | undefined {
    return this.#deadlines.get(id);
  }
}

/**
 * Session id generator as ZooKeeper's: `((nowMs << 24) >>> 8) | (serverId << 56)`, then +1
 * per session. The top byte names the server; serverId must stay below 255 so that an id never
 * looks like a TTL owner (top byte 0xFF) and never equals the container marker.
 */
export class SessionIdGenerator {
  #next: bigint;

  constructor(serverId: number, nowMs: number) {
    if (!Number.isInteger(serverId) || serverId < 0 || serverId > 254) {
      throw new RangeError(`serverId must be an integer in [0, 254], got ${serverId}`);
    }
    const base = (BigInt.asUintN(64, BigInt(Math.floor(nowMs)) << 24n) >> 8n) | (BigInt(serverId) << 56n);
    this.#next = BigInt.asIntN(64, base);
  }

  next(): bigint {
    let id = this.#next;
    this.#next = BigInt.asIntN(64, this.#next + 1n);
    if (id === -(2n ** 63n) || id === 0n) id = this.next();
    return id;
  }
}
