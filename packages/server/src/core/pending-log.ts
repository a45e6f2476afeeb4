import type { Id } from '@zookit/protocol';
import type { LogEntry } from './log-entry.js';
import type { CoreOutput } from './server-core.js';

/** An entry before it is logged: the zxid and time are assigned by {@link PendingLog.append}. */
export interface EntryDraft {
  readonly type: number;
  readonly sessionId: bigint;
  readonly cxid: number;
  readonly body: Uint8Array | null;
  /** The caller's identities; copied, so later auth on the connection does not change the entry. */
  readonly ids: readonly Id[];
}

/**
 * The standalone server's sequencer ({@link CoreOutput.submit}): each appended entry gets the
 * next zxid and the time of the input that caused it, is handed to storage, and waits there until
 * storage reports it durable; entries are then released to be applied one at a time, in zxid
 * order, each with the origin (the core's token) it was appended with. Re-entrant: an entry
 * appended, or a durability report made, while an entry is being applied is picked up by the
 * release loop already running.
 */
export class PendingLog<Origin> {
  readonly #persist: (entry: LogEntry) => void;
  readonly #pending: LogEntry[] = [];
  readonly #origins = new Map<bigint, Origin>();
  #lastZxid = 0n;
  #durable = 0n;
  #releasing = false;

  /** `persist` stores an entry; storage answers with {@link PendingLog.durable}. */
  constructor(persist: (entry: LogEntry) => void) {
    this.#persist = persist;
  }

  /** Restarts after recovery: every entry up to `zxid` is durable and applied; numbering goes on after it. */
  recovered(zxid: bigint): void {
    this.#lastZxid = this.#durable = zxid;
  }

  /** Logs `draft` at `now` (ms) under the next zxid and persists it. */
  append(draft: EntryDraft, now: number, origin?: Origin): void {
    const entry: LogEntry = {
      zxid: ++this.#lastZxid,
      time: BigInt(Math.floor(now)),
      sessionId: draft.sessionId,
      cxid: draft.cxid,
      type: draft.type,
      body: draft.body,
      ids: [...draft.ids],
    };
    this.#pending.push(entry);
    if (origin !== undefined) this.#origins.set(entry.zxid, origin);
    this.#persist(entry);
  }

  /**
   * Storage made every entry up to `zxid` durable: passes each one now releasable to `apply`, in
   * order. Called again from inside `apply`, it only records the new mark.
   */
  durable(zxid: bigint, apply: (entry: LogEntry, origin: Origin | undefined) => void): void {
    if (zxid > this.#durable) this.#durable = zxid;
    if (this.#releasing) return;
    this.#releasing = true;
    try {
      while (this.#pending.length > 0 && (this.#pending[0] as LogEntry).zxid <= this.#durable) {
        const entry = this.#pending.shift() as LogEntry;
        const origin = this.#origins.get(entry.zxid);
        this.#origins.delete(entry.zxid);
        apply(entry, origin);
      }
    } finally {
      this.#releasing = false;
    }
  }
}
