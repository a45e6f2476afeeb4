// Compares what a server did with a stream (the frames it sent back, whether it closed) with the
// outcomes the oracle allows, step by step, backtracking over a step's alternatives.
import { decode, WatcherEvent } from '@zookit/protocol';
import type { Alternative, Plan, Step } from './oracle.js';

/** What the fuzz client saw on one connection. */
export interface Observation {
  /** Frame payloads received, in order. */
  readonly frames: readonly Buffer[];
  /** The server closed the connection (FIN or reset) before the client gave up or closed it. */
  readonly closedByServer: boolean;
  /** The close was a reset (ECONNRESET, or EPIPE while writing): replies in flight may be lost. */
  readonly reset: boolean;
  /** The server sent bytes that are not a frame (bad length prefix), if it did. */
  readonly unframeable: string | undefined;
}

/** A mismatch: which step, what ZooKeeper allows, what happened. */
export interface Mismatch {
  readonly step: Step | undefined;
  readonly expected: string;
  readonly observed: string;
}

/** How one step ended: the reply's err (`undefined`: no reply; the ConnectResponse counts as 0), and a close. */
export interface StepOutcome {
  /** The oracle's name of the alternative that matched. */
  readonly name: string;
  readonly err: number | undefined;
  readonly close: boolean;
}

export type Judgement =
  | { readonly ok: true; readonly outcomes: readonly StepOutcome[] }
  | { readonly ok: false; readonly mismatch: Mismatch };

/** Outcome name when a reset may have cut what the client had received (see {@link judge}). */
export const LOST_TO_RESET = 'lost (connection reset)';

/** A watch notification (xid -1): these may arrive between replies at any time. */
export function isNotification(payload: Buffer): boolean {
  if (payload.length < 16 || payload.readInt32BE(0) !== -1 || payload.readInt32BE(12) !== 0) return false;
  try {
    decode(WatcherEvent, payload.subarray(16));
    return true;
  } catch {
    return false;
  }
}

export function hex(bytes: Uint8Array, max = 96): string {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return b.length <= max ? b.toString('hex') : `${b.subarray(0, max).toString('hex')}…(${b.length} bytes)`;
}

/** Judges `obs` against `plan`; on failure reports the deepest step that could not be matched. */
export function judge(plan: Plan, obs: Observation): Judgement {
  if (obs.unframeable)
    return { ok: false, mismatch: { step: undefined, expected: 'frames', observed: obs.unframeable } };
  if (plan.fourLetterWord) {
    return obs.closedByServer
      ? { ok: true, outcomes: [{ name: 'four-letter word', err: undefined, close: true }] }
      : {
          ok: false,
          mismatch: { step: undefined, expected: `${plan.fourLetterWord} answered then close`, observed: 'open' },
        };
  }
  const { frames } = obs;
  const outcomes: StepOutcome[] = [];
  let deepest: { at: number; mismatch: Mismatch } | undefined;
  const miss = (s: number, expected: string, observed: string): false => {
    if (!deepest || s > deepest.at) deepest = { at: s, mismatch: { step: plan.steps[s], expected, observed } };
    return false;
  };
  const nextReal = (from: number): number => {
    let i = from;
    while (i < frames.length && isNotification(frames[i] as Buffer)) i++;
    return i;
  };
  const describeNext = (i: number): string =>
    i < frames.length
      ? `frame ${hex(frames[i] as Buffer)}`
      : obs.closedByServer
        ? 'connection closed'
        : 'nothing (connection open)';

  // `early`: out-of-band steps (auth) whose reply already came, ahead of earlier replies.
  const walk = (s: number, e: number, early: ReadonlySet<number>): boolean => {
    if (s === plan.steps.length) {
      const i = nextReal(e);
      if (i < frames.length) return miss(s, 'no further frame', describeNext(i));
      if (obs.closedByServer) {
        return miss(
          s,
          plan.tail ? 'the connection stays open (incomplete frame pending)' : 'the connection stays open',
          'closed',
        );
      }
      return true;
    }
    if (early.has(s)) return walk(s + 1, e, early);
    const i0 = nextReal(e);
    // A reset (the server closed with our bytes unread, or while we wrote) can destroy the client
    // socket before it read what had arrived: when everything received matched, the rest may be
    // lost, provided the server may close at all from here on.
    if (obs.reset && i0 >= frames.length && plan.steps.slice(s).some((st) => st.alternatives.some((a) => a.close))) {
      outcomes.push({ name: LOST_TO_RESET, err: undefined, close: true });
      return true;
    }
    if (i0 < frames.length && overtakes(s, i0, early)) return true;
    const step = plan.steps[s] as Step;
    for (const alt of step.alternatives) {
      if (alt.anything) {
        outcomes.push({ name: alt.name, err: undefined, close: obs.closedByServer });
        return true;
      }
      let i = i0;
      let err: number | undefined;
      if (alt.reply) {
        const why = i < frames.length ? alt.reply(frames[i] as Buffer) : 'no reply';
        if (why !== undefined) {
          miss(s, alt.name, i < frames.length ? `${why}: ${hex(frames[i] as Buffer)}` : describeNext(i));
          continue;
        }
        const frame = frames[i] as Buffer;
        err = s === 0 || frame.length < 16 ? 0 : frame.readInt32BE(12);
        i++;
      }
      if (alt.close) {
        if (closes(s, alt, i, i > i0)) {
          outcomes.push({ name: alt.name, err, close: true });
          return true;
        }
        continue;
      }
      outcomes.push({ name: alt.name, err, close: false });
      if (walk(s + 1, i, early)) return true;
      outcomes.pop();
    }
    return false;
  };

  /** Whether the connection may end after step `s`'s alternative `alt`, frames consumed up to `i`. */
  const closes = (s: number, alt: Alternative, i: number, replied: boolean): boolean => {
    // A server that answers and then closes may act on bytes after the closing frame first
    // (ZooKeeper's NIO thread reads on while the reply is queued); a silent close ends everything.
    const unconstrained = alt.reply !== undefined && (s < plan.steps.length - 1 || plan.bytesAfterClose);
    const j = nextReal(i);
    if (!unconstrained && j < frames.length) return miss(s, `${alt.name} (nothing after)`, describeNext(j));
    if (!obs.closedByServer) return miss(s, alt.name, `${replied ? 'the reply, then ' : ''}connection still open`);
    return true;
  };

  /**
   * ZooKeeper answers auth on its NIO thread, ahead of replies still in the request pipeline:
   * frame `i` may be the reply of a later auth step. An AuthFailed then closes the connection
   * before the replies it overtook.
   */
  const overtakes = (s: number, i: number, early: ReadonlySet<number>): boolean => {
    for (let t = s + 1; t < plan.steps.length; t++) {
      const later = plan.steps[t] as Step;
      if (!later.outOfBand || early.has(t)) continue;
      for (const alt of later.alternatives) {
        if (!alt.reply || alt.reply(frames[i] as Buffer) !== undefined) continue;
        const err = (frames[i] as Buffer).readInt32BE(12);
        if (alt.close) {
          // Replies it overtook may still trickle out before the close.
          if (!obs.closedByServer) continue;
          outcomes.push({ name: alt.name, err, close: true });
          return true;
        }
        outcomes.push({ name: alt.name, err, close: false });
        if (walk(s, i + 1, new Set([...early, t]))) return true;
        outcomes.pop();
      }
    }
    return false;
  };
  if (walk(0, 0, new Set())) return { ok: true, outcomes };
  return { ok: false, mismatch: (deepest as { mismatch: Mismatch }).mismatch };
}
