// Forwarding a follower's writes to the leader: each origin's writes are proposed once and in
// submission order, whatever the network does (drop, duplicate, reorder), and only by the leader
// of the term they were addressed to.
import { decode, encode, OpCode } from '@zookit/protocol';
import { describe, expect, it } from 'vitest';
import type { EntryDraft } from '../../src/core/pending-log.js';
import { ForwardInbox } from '../../src/ensemble/forward-inbox.js';
import { ForwardOutbox } from '../../src/ensemble/forward-outbox.js';
import { Forward, ReplicatedEntry } from '../../src/ensemble/replicated-entry.js';
import { seededRandom } from '../../src/storage/seeded-random.js';

const draft = (cxid: number): EntryDraft => ({
  type: OpCode.setData,
  sessionId: 0x0100_0000_0000_0001n,
  cxid,
  body: Buffer.from([cxid]),
  ids: [{ scheme: 'ip', id: '127.0.0.1' }],
});

/** A Fisher–Yates shuffle of a copy of `items`. */
function shuffled<T>(items: readonly T[], next: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe('forwarding', () => {
  it('a forward survives its codec with the draft and identities intact', () => {
    const outbox = new ForwardOutbox(2, 100);
    outbox.begin(7);
    const f = outbox.add(draft(5), 42, 0);
    expect(decode(Forward, encode(Forward, f))).toEqual({
      term: 7,
      seq: 1,
      originServer: 2,
      token: 42,
      draft: { ...draft(5), body: Buffer.from([5]), ids: [{ scheme: 'ip', id: '127.0.0.1' }] },
    });
    const entry = { zxid: (7n << 32n) | 3n, time: 1n, ...draft(5), ids: [...draft(5).ids] };
    expect(decode(ReplicatedEntry, encode(ReplicatedEntry, { originServer: 2, token: 42, entry })).entry.zxid).toBe(
      entry.zxid,
    );
  });

  it('over 200 seeds of drops, duplicates and reordering, every write is proposed exactly once, in order', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const random = seededRandom(seed);
      const outbox = new ForwardOutbox(2, 10);
      const inbox = new ForwardInbox();
      outbox.begin(3);
      inbox.begin(3);
      const proposed: number[] = [];
      let inFlight: Forward[] = [];
      let now = 0;
      let submitted = 0;
      for (let step = 0; step < 400 && (submitted < 30 || outbox.size > 0); step++) {
        now += 1;
        if (submitted < 30 && random.next() < 0.3) {
          submitted++;
          inFlight.push(outbox.add(draft(submitted), submitted, now));
        }
        inFlight.push(...outbox.due(now));
        // The network: each message is dropped, delivered (maybe twice) or held, in random order.
        const held: Forward[] = [];
        for (const f of shuffled(inFlight, random.next)) {
          const r = random.next();
          if (r < 0.2) continue;
          if (r < 0.4) {
            held.push(f);
            continue;
          }
          for (const ready of inbox.receive(f)) {
            proposed.push(ready.token);
            outbox.applied(ready.token); // applied at once, for the test
          }
          if (r > 0.9) held.push(f);
        }
        inFlight = held;
      }
      expect({ seed, proposed }).toEqual({ seed, proposed: Array.from({ length: 30 }, (_, i) => i + 1) });
    }
  });

  it('a forward addressed to another term is dropped; a new term restarts numbering and forgets pending writes', () => {
    const outbox = new ForwardOutbox(2, 10);
    const inbox = new ForwardInbox();
    outbox.begin(3);
    const old = outbox.add(draft(1), 1, 0);
    inbox.begin(4);
    expect(inbox.receive(old)).toEqual([]);
    outbox.begin(4);
    expect(outbox.size).toBe(0);
    expect(outbox.due(100)).toEqual([]);
    const fresh = outbox.add(draft(2), 2, 100);
    expect(fresh.seq).toBe(1);
    expect(inbox.receive(fresh).map((f) => f.token)).toEqual([2]);
    inbox.end();
    expect(inbox.receive({ ...fresh, seq: 2 })).toEqual([]);
  });

  it('an applied write is not sent again; an unapplied one is, after resendAfter', () => {
    const outbox = new ForwardOutbox(2, 50);
    outbox.begin(1);
    outbox.add(draft(1), 1, 0);
    outbox.add(draft(2), 2, 10);
    outbox.applied(1);
    expect(outbox.due(49)).toEqual([]);
    expect(outbox.due(60).map((f) => f.token)).toEqual([2]);
    expect(outbox.due(61)).toEqual([]);
  });

  it('a forward far ahead of the gap is not kept', () => {
    const inbox = new ForwardInbox();
    inbox.begin(1);
    const outbox = new ForwardOutbox(2, 10);
    outbox.begin(1);
    const f = outbox.add(draft(1), 1, 0);
    expect(inbox.receive({ ...f, seq: 5000 })).toEqual([]);
    expect(inbox.receive(f).map((x) => x.seq)).toEqual([1]);
    expect(inbox.receive({ ...f, seq: 2 }).map((x) => x.seq)).toEqual([2]);
  });
});
