import type { EntryDraft } from '../core/pending-log.js';
import { draftRecord, type Forward } from './replicated-entry.js';

/**
 * A follower's (or observer's) writes on their way to the leader of the current term. Each is
 * numbered in submission order and kept until this server applies its entry; until then it is
 * sent again every `resendAfter` ms (the leader drops copies it has already proposed). A new
 * term starts a new numbering and forgets every write still pending: the server dropped their
 * clients when it lost its leader, and the new leader never heard of their numbers. Such a write
 * may still commit (the old leader proposed it); nobody waits for it any more.
 */
export class ForwardOutbox {
  readonly #originServer: number;
  readonly #resendAfter: number;
  /** By token: the forward and when it was last sent. */
  readonly #pending = new Map<number, { forward: Forward; sentAt: number }>();
  #term = 0;
  #seq = 0;

  constructor(originServer: number, resendAfter: number) {
    this.#originServer = originServer;
    this.#resendAfter = resendAfter;
  }

  get term(): number {
    return this.#term;
  }

  /** Writes sent and not yet applied here. */
  get size(): number {
    return this.#pending.size;
  }

  /** A leader of `term` is known: numbering restarts, pending writes are forgotten. No-op for the current term. */
  begin(term: number): void {
    if (term === this.#term) return;
    this.#term = term;
    this.#seq = 0;
    this.#pending.clear();
  }

  /** Numbers `draft` (submitted with `token`) and returns the forward to send now. */
  add(draft: EntryDraft, token: number, now: number): Forward {
    const forward: Forward = {
      term: this.#term,
      seq: ++this.#seq,
      originServer: this.#originServer,
      token,
      draft: draftRecord(draft),
    };
    this.#pending.set(token, { forward, sentAt: now });
    return forward;
  }

  /** The entry of `token` was applied here: it is no longer sent. */
  applied(token: number): void {
    this.#pending.delete(token);
  }

  /** Forwards to send again at `now` (unapplied for `resendAfter` ms since last sent), in numbering order. */
  due(now: number): Forward[] {
    const out: Forward[] = [];
    for (const p of this.#pending.values()) {
      if (now - p.sentAt < this.#resendAfter) continue;
      p.sentAt = now;
      out.push(p.forward);
    }
    return out.sort((a, b) => a.seq - b.seq);
  }
}
