// The core's seam to a sequencer and to replication: writes leave as drafts with tokens and come
// back as committed entries; syncs wait for a read index; expiry is the leader's duty; a follower
// reports the sessions its clients used; a server that lost its leader sheds its clients.
import {
  ConnectRequest,
  ConnectResponse,
  CreateMode,
  CreateRequest,
  decode,
  encodeRecordFrame,
  encodeRequestFrame,
  Ids,
  JuteReader,
  OpCode,
  ReplyHeader,
  SyncRequest,
  SyncResponse,
} from '@zookit/protocol';
import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../src/core/log-entry.js';
import { type EntryDraft, PendingLog } from '../../src/core/pending-log.js';
import { ServerCore } from '../../src/core/server-core.js';

const T0 = 1_000_000;

/** A core driven by hand: submitted drafts wait in a PendingLog until `commitAll`. */
class Driver {
  readonly core: ServerCore;
  readonly drafts: { draft: EntryDraft; token: number | undefined }[] = [];
  readonly syncs: number[] = [];
  readonly closed = new Set<number>();
  readonly replies = new Map<number, { xid: number; err: number; zxid: bigint; payload: Buffer }[]>();
  readonly #pending: LogEntry[] = [];
  readonly #log = new PendingLog<number>((entry) => this.#pending.push(entry));

  constructor(withSync: boolean) {
    this.core = new ServerCore(
      {
        tickTime: 100,
        minSessionTimeout: 200,
        maxSessionTimeout: 2000,
        extendedTypes: true,
        serverId: 1,
        reapIntervalMs: 100,
      },
      {
        send: (connection, frame) => this.#sent(connection, frame.subarray(4)),
        close: (connection) => this.closed.add(connection),
        submit: (draft, token, now) => {
          this.drafts.push({ draft, token });
          this.#log.append(draft, now, token);
        },
        ...(withSync ? { sync: (token: number) => this.syncs.push(token) } : {}),
      },
      T0,
    );
    this.core.recover(undefined, [], T0);
  }

  commitAll(now: number): void {
    const last = this.#pending.at(-1);
    this.#pending.length = 0;
    if (last) this.#log.durable(last.zxid, (entry, token) => this.core.commit(entry, token, now));
  }

  /** Opens `connection` and creates a session on it (committed at once); returns the session id. */
  connect(connection: number, now: number, timeOut = 1000): bigint {
    this.core.open(connection, '127.0.0.1', 40000 + connection, now);
    const request = {
      protocolVersion: 0,
      lastZxidSeen: 0n,
      timeOut,
      sessionId: 0n,
      passwd: new Uint8Array(16),
      readOnly: false,
    };
    this.core.receive(connection, encodeRecordFrame(ConnectRequest, request).subarray(4), now);
    this.commitAll(now);
    return this.core.connections.get(connection)?.sessionId ?? 0n;
  }

  request(connection: number, xid: number, type: number, frameBody: Buffer, now: number): void {
    this.core.receive(connection, Buffer.concat([encodeRequestFrame({ xid, type }).subarray(4), frameBody]), now);
  }

  create(connection: number, xid: number, path: string, now: number, flags: number = CreateMode.PERSISTENT): void {
    const acl = Ids.OPEN_ACL_UNSAFE.map((a) => ({ perms: a.perms, id: { ...a.id } }));
    const body = encodeRequestFrame({ xid, type: OpCode.create }, CreateRequest, { path, data: null, acl, flags });
    this.core.receive(connection, body.subarray(4), now);
  }

  sync(connection: number, xid: number, path: string, now: number): void {
    this.core.receive(
      connection,
      encodeRequestFrame({ xid, type: OpCode.sync }, SyncRequest, { path }).subarray(4),
      now,
    );
  }

  xids(connection: number): number[] {
    return (this.replies.get(connection) ?? []).map((r) => r.xid);
  }

  #sent(connection: number, payload: Buffer): void {
    const list = this.replies.get(connection) ?? [];
    this.replies.set(connection, list);
    if (list.length === 0 && !this.#greeted.has(connection)) {
      // The first frame is the ConnectResponse.
      this.#greeted.add(connection);
      decode(ConnectResponse, payload);
      return;
    }
    const reader = new JuteReader(payload);
    const header = ReplyHeader.decode(reader);
    list.push({ xid: header.xid, err: header.err, zxid: header.zxid, payload: payload.subarray(reader.offset) });
  }

  readonly #greeted = new Set<number>();
}

describe('ServerCore as a replica', () => {
  it('a write leaves as a draft with a token and is answered only when its entry is committed back with that token', () => {
    const d = new Driver(false);
    d.connect(1, T0);
    d.create(1, 1, '/a', T0);
    const write = d.drafts.at(-1);
    expect(write?.draft.type).toBe(OpCode.create);
    expect(write?.token).toBeTypeOf('number');
    expect(d.xids(1)).toEqual([]);
    d.commitAll(T0 + 1);
    expect(d.xids(1)).toEqual([1]);
    expect(d.replies.get(1)?.[0]?.err).toBe(0);
  });

  it('an entry committed without its token (submitted on another server) is applied but answers nobody here', () => {
    const d = new Driver(false);
    d.connect(1, T0);
    d.create(1, 1, '/a', T0);
    const { draft } = d.drafts.at(-1) as { draft: EntryDraft };
    // The same write, as if it had been committed from elsewhere: applied, nobody answered.
    d.core.commit({ ...draft, ids: [...draft.ids], zxid: d.core.lastZxid + 1n, time: BigInt(T0) }, undefined, T0);
    expect(d.core.tree.get('/a')).toBeDefined();
    expect(d.xids(1)).toEqual([]);
  });

  it('with a read index, a sync waits for synced(token) and keeps its place in its connection order', () => {
    const d = new Driver(true);
    d.connect(1, T0);
    d.sync(1, 1, '/', T0);
    d.request(1, 2, OpCode.exists, Buffer.from([0, 0, 0, 1, 0x2f, 0]), T0);
    expect(d.syncs).toHaveLength(1);
    expect(d.xids(1)).toEqual([]);
    d.core.synced(d.syncs[0] as number, T0 + 1);
    expect(d.xids(1)).toEqual([1, 2]);
    const sync = d.replies.get(1)?.[0];
    expect(decode(SyncResponse, sync?.payload as Buffer).path).toBe('/');
  });

  it('without a read index, a sync is answered in order at once (standalone)', () => {
    const d = new Driver(false);
    d.connect(1, T0);
    d.sync(1, 1, '/x', T0);
    expect(d.xids(1)).toEqual([1]);
  });

  it('a follower expires nothing and reports the sessions its clients used; the leader expires on its own deadlines', () => {
    const d = new Driver(false);
    const s1 = d.connect(1, T0, 500);
    const s2 = d.connect(2, T0, 500);
    d.core.follow(T0);
    d.request(1, 1, OpCode.ping, Buffer.alloc(0), T0 + 100);
    expect(d.core.takeTouched()).toEqual([s1]);
    expect(d.core.takeTouched()).toEqual([]);
    d.core.tick(T0 + 10_000);
    expect(d.drafts.filter((x) => x.draft.type === OpCode.closeSession)).toEqual([]);
    // Leading from T0 + 10 s: deadlines restart there, so nobody expires at once.
    d.core.lead(T0 + 10_000);
    d.core.tick(T0 + 10_001);
    expect(d.drafts.filter((x) => x.draft.type === OpCode.closeSession)).toEqual([]);
    // s1's client is connected to another server, which reported it: only s2 expires.
    d.core.touchSessions([s1], T0 + 10_400);
    d.core.tick(T0 + 10_700);
    expect(d.drafts.filter((x) => x.draft.type === OpCode.closeSession).map((x) => x.draft.sessionId)).toEqual([s2]);
    expect(d.core.takeTouched()).toEqual([]);
  });

  it('dropClients closes every connection and forgets its waiters; a later commit of their write answers nobody', () => {
    const d = new Driver(true);
    d.connect(1, T0);
    d.connect(2, T0);
    d.create(1, 1, '/a', T0);
    d.sync(2, 1, '/', T0);
    d.core.dropClients();
    expect([...d.closed].sort()).toEqual([1, 2]);
    d.commitAll(T0 + 1);
    d.core.synced(d.syncs[0] as number, T0 + 1);
    expect(d.core.tree.get('/a')).toBeDefined();
    expect(d.xids(1)).toEqual([]);
    expect(d.xids(2)).toEqual([]);
  });
});
