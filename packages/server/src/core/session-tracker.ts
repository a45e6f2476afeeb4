import { SessionExpirer, type SessionRecord } from './sessions.js';

/**
 * Who decides that sessions expire, and what a server reports so that the decider knows a
 * session is alive. The leader (or a standalone server) tracks every session's deadline and
 * expires sessions; a follower tracks deadlines too (for `dump`, and to take over at once) but
 * expires nothing, and collects the sessions its clients used, which it reports to the leader
 * ({@link SessionTracker.takeTouched}). Deadlines are soft state: whenever the role changes they
 * restart at that moment, as ZooKeeper restarts them on a leader change.
 */
export class SessionTracker {
  readonly #expirer: SessionExpirer;
  readonly #touched = new Set<bigint>();
  #leading = true;

  constructor(tickTime: number) {
    this.#expirer = new SessionExpirer(tickTime);
  }

  get leading(): boolean {
    return this.#leading;
  }

  /**
   * Takes the role (`leading` or not) at `now`: every live session's deadline restarts, and a
   * session marked closing whose close never committed is live again (its close died with the
   * old role; the client or the new leader will close it again).
   */
  setRole(leading: boolean, sessions: Iterable<SessionRecord>, now: number): void {
    this.#leading = leading;
    this.#touched.clear();
    for (const s of sessions) {
      s.closing = false;
      this.#expirer.touch(s.id, s.timeout, now);
    }
  }

  /** A session was used by a client here at `now`. */
  touch(id: bigint, timeout: number, now: number): void {
    this.#expirer.touch(id, timeout, now);
    if (!this.#leading) this.#touched.add(id);
  }

  /** Sessions used here since the last call (always empty while leading). */
  takeTouched(): bigint[] {
    const ids = [...this.#touched];
    this.#touched.clear();
    return ids;
  }

  /** Sessions past their deadline at `now`, removed from tracking; none unless leading. */
  expired(now: number): bigint[] {
    return this.#leading ? this.#expirer.expired(now) : [];
  }

  /** The session ended (or its end was decided): no deadline any more. */
  forget(id: bigint): void {
    this.#expirer.forget(id);
    this.#touched.delete(id);
  }

  deadlineOf(id: bigint): number | undefined {
    return this.#expirer.deadlineOf(id);
  }
}
