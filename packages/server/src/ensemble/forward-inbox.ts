import type { Forward } from './replicated-entry.js';

/** How far ahead of the gap a forward may arrive and still be kept (bounds the memory one sender can take). */
const MAX_AHEAD = 4096;

/**
 * The leader's side of forwarding: of the forwards that reach it, releases each origin's writes
 * for proposal exactly once and in their numbering order. A forward addressed to another term
 * is dropped (it was meant for another leader, and its sender has shed the clients that waited
 * for it); a copy of one already released is dropped; one that arrives early waits for the gap
 * before it to fill (the sender resends the missing one), unless it is too far ahead (then it is
 * dropped, and resent later).
 */
export class ForwardInbox {
  #term = -1;
  /** Per origin: the next seq to release, and early arrivals by seq. */
  readonly #origins = new Map<number, { next: number; early: Map<number, Forward> }>();

  /** This server leads `term`: every origin's numbering restarts at 1. */
  begin(term: number): void {
    this.#term = term;
    this.#origins.clear();
  }

  /** Stops leading: everything is dropped until the next {@link ForwardInbox.begin}. */
  end(): void {
    this.#term = -1;
    this.#origins.clear();
  }

  /** Takes in one forward; returns the forwards now to propose, in order (often none or just it). */
  receive(forward: Forward): Forward[] {
    if (forward.term !== this.#term || forward.seq < 1) return [];
    let origin = this.#origins.get(forward.originServer);
    if (!origin) {
      origin = { next: 1, early: new Map() };
      this.#origins.set(forward.originServer, origin);
    }
    if (forward.seq < origin.next || forward.seq >= origin.next + MAX_AHEAD) return [];
    origin.early.set(forward.seq, forward);
    const ready: Forward[] = [];
    for (let f = origin.early.get(origin.next); f; f = origin.early.get(origin.next)) {
      origin.early.delete(origin.next);
      origin.next++;
      ready.push(f);
    }
    return ready;
  }
}
