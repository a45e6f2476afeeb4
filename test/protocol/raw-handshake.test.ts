// The codec against real ZooKeeper (the installed 3.8): every byte here is what the server
// actually sent, decoded with @zookit/protocol alone.
import {
  Create2Response,
  CreateMode,
  CreateRequest,
  ErrorCode,
  EventType,
  ExistsRequest,
  ExistsResponse,
  GetDataRequest,
  GetDataResponse,
  Ids,
  KeeperState,
  MultiOperationRecord,
  MultiResponse,
  OpCode,
  SetDataRequest,
  SetDataResponse,
} from '@zookit/protocol';
import { LocalZooKeeper } from '@zookit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lacks } from '../prerequisites.js';
import { RawClient, type RawConnectOptions } from './raw-client.js';

let zk: LocalZooKeeper;
const clients: RawClient[] = [];

beforeAll(async () => {
  zk = await LocalZooKeeper.start({ tickTime: 500 });
});

afterAll(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await zk?.stop();
});

async function client(options?: RawConnectOptions): Promise<RawClient> {
  const c = await RawClient.connect(zk.connectString, options);
  clients.push(c);
  return c;
}

const acl = [...Ids.OPEN_ACL_UNSAFE];

function create2(c: RawClient, path: string, data: string) {
  return c.request(
    OpCode.create2,
    CreateRequest,
    { path, data: Buffer.from(data), acl, flags: CreateMode.PERSISTENT },
    Create2Response,
  );
}

describe.skipIf(lacks('zookeeper'))('raw protocol against real ZooKeeper', () => {
  it('handshake – a ConnectRequest with the readOnly byte gets a 37-byte ConnectResponse', async () => {
    const c = await client({ readOnly: false, sessionTimeout: 4000 });
    expect(c.handshake.length).toBe(37);
    expect(c.session.protocolVersion).toBe(0);
    expect(c.session.timeOut).toBe(4000);
    expect(c.session.sessionId).not.toBe(0n);
    expect(c.session.passwd?.length).toBe(16);
    expect(c.session.readOnly).toBe(false);
  });

  it('handshake – without the readOnly byte the ConnectResponse has 36 bytes and no readOnly', async () => {
    const c = await client({ readOnly: undefined });
    expect(c.handshake.length).toBe(36);
    expect(c.session.readOnly).toBeUndefined();
  });

  it('handshake – the session timeout is clamped to [2, 20] × tickTime', async () => {
    const low = await client({ readOnly: false, sessionTimeout: 10 });
    const high = await client({ readOnly: false, sessionTimeout: 600_000 });
    expect([low.session.timeOut, high.session.timeOut]).toEqual([1000, 10_000]);
  });

  it('create2 – returns the path and the new node’s Stat', async () => {
    const c = await client();
    const reply = await create2(c, '/raw-create', 'hello');
    expect(reply.header.err).toBe(ErrorCode.Ok);
    expect(reply.header.xid).toBe(1);
    expect(reply.body?.path).toBe('/raw-create');
    const stat = reply.body?.stat;
    expect(stat).toMatchObject({
      version: 0,
      cversion: 0,
      aversion: 0,
      ephemeralOwner: 0n,
      dataLength: 5,
      numChildren: 0,
    });
    expect(stat?.czxid).toBe(reply.header.zxid);
    expect(stat?.mzxid).toBe(reply.header.zxid);
    expect(stat?.pzxid).toBe(reply.header.zxid);
    expect(stat?.ctime).toBe(stat?.mtime);
  });

  it('getData – returns the data and the same Stat as create2', async () => {
    const c = await client();
    const created = await create2(c, '/raw-get', 'payload');
    const reply = await c.request(OpCode.getData, GetDataRequest, { path: '/raw-get', watch: false }, GetDataResponse);
    expect(reply.header.err).toBe(ErrorCode.Ok);
    expect(Buffer.from(reply.body?.data ?? []).toString()).toBe('payload');
    expect(reply.body?.stat).toEqual(created.body?.stat);
  });

  it('getData – a missing node answers NoNode with an empty body', async () => {
    const c = await client();
    const reply = await c.request(OpCode.getData, GetDataRequest, { path: '/raw-missing', watch: false });
    expect(reply.header.err).toBe(ErrorCode.NoNode);
    expect(reply.bytes.length).toBe(0);
  });

  it('watches – exists and getData watches fire one WatcherEvent (xid -1) on setData', async () => {
    const watcher = await client();
    const writer = await client();
    await create2(writer, '/raw-watch', 'v1');
    const exists = await watcher.request(
      OpCode.exists,
      ExistsRequest,
      { path: '/raw-watch', watch: true },
      ExistsResponse,
    );
    expect(exists.body?.stat.version).toBe(0);
    await writer.request(OpCode.getData, GetDataRequest, { path: '/raw-watch', watch: true }, GetDataResponse);

    const set = await writer.request(
      OpCode.setData,
      SetDataRequest,
      { path: '/raw-watch', data: Buffer.from('v2'), version: 0 },
      SetDataResponse,
    );
    expect(set.body?.stat.version).toBe(1);
    // The writer's own notification arrives before the reply to its setData.
    expect(writer.events).toHaveLength(1);
    const expected = { type: EventType.NodeDataChanged, state: KeeperState.SyncConnected, path: '/raw-watch' };
    expect(writer.events[0]).toEqual(expected);
    expect(await watcher.event(0)).toEqual(expected);

    // One-shot: a second change notifies nobody (the reply would follow a notification).
    await writer.request(OpCode.setData, SetDataRequest, { path: '/raw-watch', data: Buffer.from('v3'), version: 1 });
    expect(writer.events).toHaveLength(1);
  });

  it('multi – create, create2, setData, check and delete return one result per op (create2 as create)', async () => {
    const c = await client();
    const reply = await c.request(
      OpCode.multi,
      MultiOperationRecord,
      {
        ops: [
          { type: OpCode.create, request: { path: '/raw-multi', data: null, acl, flags: CreateMode.PERSISTENT } },
          {
            type: OpCode.create2,
            request: { path: '/raw-multi/seq-', data: null, acl, flags: CreateMode.PERSISTENT_SEQUENTIAL },
          },
          { type: OpCode.setData, request: { path: '/raw-multi', data: Buffer.from('x'), version: 0 } },
          { type: OpCode.check, request: { path: '/raw-multi', version: 1 } },
          { type: OpCode.delete, request: { path: '/raw-multi/seq-0000000000', version: -1 } },
        ],
      },
      MultiResponse,
    );
    expect(reply.header.err).toBe(ErrorCode.Ok);
    const results = reply.body?.results ?? [];
    // ZooKeeper 3.8 reports a create2 inside a multi as a plain create: path only, no Stat.
    expect(results.map((r) => r.type)).toEqual([
      OpCode.create,
      OpCode.create,
      OpCode.setData,
      OpCode.check,
      OpCode.delete,
    ]);
    expect(results[0]).toEqual({ type: OpCode.create, response: { path: '/raw-multi' } });
    expect(results[1]).toEqual({ type: OpCode.create, response: { path: '/raw-multi/seq-0000000000' } });
    const set = results[2];
    expect(set?.type === OpCode.setData && set.response.stat).toMatchObject({ version: 1, dataLength: 1 });
    // Every op of a multi shares the transaction's zxid.
    expect(set?.type === OpCode.setData && set.response.stat.mzxid).toBe(reply.header.zxid);
  });

  it('multi – a failing op fails all: results 0 before it, its error, RuntimeInconsistency after', async () => {
    const c = await client();
    const reply = await c.request(
      OpCode.multi,
      MultiOperationRecord,
      {
        ops: [
          { type: OpCode.create, request: { path: '/raw-multi-fail', data: null, acl, flags: CreateMode.PERSISTENT } },
          { type: OpCode.setData, request: { path: '/raw-multi-missing', data: null, version: -1 } },
          { type: OpCode.delete, request: { path: '/raw-multi-fail', version: -1 } },
        ],
      },
      MultiResponse,
    );
    expect(reply.header.err).toBe(ErrorCode.Ok);
    expect(reply.body?.results).toEqual([
      { type: OpCode.error, err: ErrorCode.Ok },
      { type: OpCode.error, err: ErrorCode.NoNode },
      { type: OpCode.error, err: ErrorCode.RuntimeInconsistency },
    ]);
    const exists = await c.request(OpCode.exists, ExistsRequest, { path: '/raw-multi-fail', watch: false });
    expect(exists.header.err).toBe(ErrorCode.NoNode);
  });

  it('restart – data and port survive LocalZooKeeper.restart()', async () => {
    const before = await client();
    const created = await create2(before, '/raw-durable', 'kept');
    const port = zk.port;
    await zk.restart();
    expect(zk.port).toBe(port);
    const after = await client();
    const reply = await after.request(
      OpCode.getData,
      GetDataRequest,
      { path: '/raw-durable', watch: false },
      GetDataResponse,
    );
    expect(Buffer.from(reply.body?.data ?? []).toString()).toBe('kept');
    expect(reply.body?.stat).toEqual(created.body?.stat);
  });
});
