// Drives a ServerCore with raw client frames over a Storage, without TCP: what ZooKeeperServer
// does, with the snapshot policy included, so that crash tests cover the real write path.
import {
  type Codec,
  ConnectRequest,
  CreateMode,
  CreateRequest,
  CreateResponse,
  decode,
  encodeRecordFrame,
  encodeRequestFrame,
  Ids,
  JuteReader,
  OpCode,
  ReplyHeader,
} from '@zookit/protocol';
import { PendingLog } from '../../src/core/pending-log.js';
import { type CoreConfig, ServerCore } from '../../src/core/server-core.js';
import { takeSnapshot } from '../../src/core/snapshot.js';
import type { Storage } from '../../src/storage/storage.js';

export interface Reply {
  readonly err: number;
  readonly zxid: bigint;
  readonly body: Buffer;
}

const CONFIG: CoreConfig = {
  tickTime: 2000,
  minSessionTimeout: 4000,
  maxSessionTimeout: 40000,
  extendedTypes: true,
  serverId: 1,
  reapIntervalMs: 1000,
};

/** One client connection (id 1) on a core recovered from `storage`. */
export class CoreHarness {
  readonly core: ServerCore;
  /** The highest zxid the storage reported durable. */
  durableZxid = 0n;
  readonly #now: number;
  readonly #waiting = new Map<number, (reply: Reply) => void>();
  #connected = false;
  #xid = 0;

  private constructor(log: PendingLog<number>, now: number) {
    this.#now = now;
    this.core = new ServerCore(
      CONFIG,
      {
        send: (_connection, frame) => this.#receive(frame.subarray(4)),
        close: () => undefined,
        submit: (draft, token, now) => log.append(draft, now, token),
      },
      now,
    );
  }

  /** Opens `storage`, recovers a core from it and starts a session (its handshake is queued, not awaited). */
  static async start(storage: Storage, now: number): Promise<CoreHarness> {
    let harness: CoreHarness | undefined;
    const log = new PendingLog<number>((entry) => storage.append(entry));
    const recovered = await storage.open((zxid) => {
      const h = harness as CoreHarness;
      if (zxid > h.durableZxid) h.durableZxid = zxid;
      log.durable(zxid, (entry, token) => h.core.commit(entry, token, now));
      if (storage.snapshot && storage.snapshotDue?.()) {
        // A crash fails snapshots in flight; what matters is what recovery finds.
        storage.snapshot(takeSnapshot(h.core)).catch(() => undefined);
      }
    });
    harness = new CoreHarness(log, now);
    harness.core.recover(recovered.snapshot, recovered.entries, now);
    log.recovered(harness.core.lastZxid);
    harness.core.open(1, '127.0.0.1', 40000, now);
    const connect = { protocolVersion: 0, lastZxidSeen: 0n, timeOut: 10000, sessionId: 0n, passwd: new Uint8Array(16) };
    harness.core.receive(1, encodeRecordFrame(ConnectRequest, { ...connect, readOnly: false }).subarray(4), now);
    return harness;
  }

  /** Sends a request (queued by the core until the session exists); resolves with its reply. */
  request<T>(type: number, codec: Codec<T>, body: T): Promise<Reply> {
    const xid = ++this.#xid;
    const frame = encodeRequestFrame({ xid, type }, codec, body);
    return new Promise((resolve) => {
      this.#waiting.set(xid, resolve);
      this.core.receive(1, frame.subarray(4), this.#now);
    });
  }

  create(path: string, mode: number = CreateMode.PERSISTENT, data = ''): Promise<Reply> {
    const acl = Ids.OPEN_ACL_UNSAFE.map((a) => ({ perms: a.perms, id: { ...a.id } }));
    return this.request(OpCode.create, CreateRequest, { path, data: Buffer.from(data), acl, flags: mode });
  }

  #receive(payload: Buffer): void {
    if (!this.#connected) {
      this.#connected = true;
      return;
    }
    const reader = new JuteReader(payload);
    const header = ReplyHeader.decode(reader);
    const resolve = this.#waiting.get(header.xid);
    if (!resolve) return;
    this.#waiting.delete(header.xid);
    resolve({ err: header.err, zxid: header.zxid, body: payload.subarray(reader.offset) });
  }
}

/** The path in a create reply. */
export function createdPath(reply: Reply): string {
  return decode(CreateResponse, reply.body).path;
}
