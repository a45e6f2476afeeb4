// Watch rules (reference §2.5) over raw frames, so that what the server sends is seen exactly.
import { randomUUID } from 'node:crypto';
import {
  AddWatchRequest,
  CreateRequest,
  DeleteRequest,
  EventType,
  ExistsRequest,
  GetChildrenRequest,
  GetDataRequest,
  Ids,
  OpCode,
  SetDataRequest,
  SetWatches,
} from '@zookit/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../protocol/raw-client.js';
import { serverTargets, type TestServer } from '../servers.js';

describe.each(serverTargets)('watch rules on $name', (target) => {
  let server: TestServer;
  let writer: RawClient;

  beforeAll(async () => {
    server = await target.start({ tickTime: 500 });
    writer = await RawClient.connect(server.connectString);
  });
  afterAll(async () => {
    await writer?.close();
    await server?.stop();
  });

  const create = (c: RawClient, path: string, flags = 0) =>
    c.request(OpCode.create, CreateRequest, { path, data: null, acl: [...Ids.OPEN_ACL_UNSAFE], flags });
  const setData = (c: RawClient, path: string) =>
    c.request(OpCode.setData, SetDataRequest, { path, data: Buffer.from('x'), version: -1 });
  const del = (c: RawClient, path: string) => c.request(OpCode.delete, DeleteRequest, { path, version: -1 });
  const summary = (c: RawClient) => c.events.map((e) => [e.type, e.path, e.state]);

  async function watcher(): Promise<RawClient> {
    return RawClient.connect(server.connectString);
  }

  it('one event per connection per trigger, even with a data and an exists watch on the path', async () => {
    const p = `/w1-${randomUUID()}`;
    await create(writer, p);
    const c = await watcher();
    await c.request(OpCode.getData, GetDataRequest, { path: p, watch: true });
    await c.request(OpCode.exists, ExistsRequest, { path: p, watch: true });
    await setData(writer, p);
    await setData(writer, p);
    await c.event(0);
    await c.request(OpCode.exists, ExistsRequest, { path: p, watch: false }); // a round trip after the events
    expect(summary(c)).toEqual([[EventType.NodeDataChanged, p, 3]]);
    await c.close();
  });

  it('an exists watch on a missing node fires NodeCreated; the creator sees the event before its reply', async () => {
    const p = `/w2-${randomUUID()}`;
    await writer.request(OpCode.exists, ExistsRequest, { path: p, watch: true });
    const before = writer.events.length;
    await create(writer, p);
    expect(writer.events.length).toBe(before + 1);
    expect(writer.events[before]).toMatchObject({ type: EventType.NodeCreated, path: p });
  });

  it('delete fires NodeDeleted once to data and child watchers, and NodeChildrenChanged on the parent', async () => {
    const p = `/w3-${randomUUID()}`;
    await create(writer, p);
    await create(writer, `${p}/k`);
    const c = await watcher();
    await c.request(OpCode.getData, GetDataRequest, { path: `${p}/k`, watch: true });
    await c.request(OpCode.getChildren, GetChildrenRequest, { path: `${p}/k`, watch: true });
    await c.request(OpCode.getChildren, GetChildrenRequest, { path: p, watch: true });
    await del(writer, `${p}/k`);
    await c.event(1);
    await c.request(OpCode.exists, ExistsRequest, { path: p, watch: false });
    expect(summary(c)).toEqual([
      [EventType.NodeDeleted, `${p}/k`, 3],
      [EventType.NodeChildrenChanged, p, 3],
    ]);
    await c.close();
  });

  it('a persistent watch fires for its node, children changes included, and stays', async () => {
    const p = `/w4-${randomUUID()}`;
    await create(writer, p);
    const c = await watcher();
    await c.request(OpCode.addWatch, AddWatchRequest, { path: p, mode: 0 });
    await setData(writer, p);
    await create(writer, `${p}/k`);
    await setData(writer, `${p}/k`);
    await setData(writer, p);
    await c.event(2);
    expect(summary(c)).toEqual([
      [EventType.NodeDataChanged, p, 3],
      [EventType.NodeChildrenChanged, p, 3],
      [EventType.NodeDataChanged, p, 3],
    ]);
    await c.close();
  });

  it('a recursive watch fires for the subtree, never with NodeChildrenChanged', async () => {
    const p = `/w5-${randomUUID()}`;
    await create(writer, p);
    const c = await watcher();
    const reply = await c.request(OpCode.addWatch, AddWatchRequest, { path: p, mode: 1 });
    expect(reply.bytes.toString('hex')).toBe('00000000'); // an ErrorResponse{err: 0} body
    await create(writer, `${p}/a`);
    await create(writer, `${p}/a/b`);
    await setData(writer, `${p}/a/b`);
    await del(writer, `${p}/a/b`);
    await c.event(3);
    await c.request(OpCode.exists, ExistsRequest, { path: p, watch: false });
    expect(summary(c)).toEqual([
      [EventType.NodeCreated, `${p}/a`, 3],
      [EventType.NodeCreated, `${p}/a/b`, 3],
      [EventType.NodeDataChanged, `${p}/a/b`, 3],
      [EventType.NodeDeleted, `${p}/a/b`, 3],
    ]);
    await c.close();
  });

  it('setWatches fires at once what was missed since relativeZxid and re-registers the rest', async () => {
    const p = `/w6-${randomUUID()}`;
    await create(writer, p);
    await create(writer, `${p}/same`);
    const mark = (await writer.request(OpCode.exists, ExistsRequest, { path: p, watch: false })).header.zxid;
    await setData(writer, p); // data changed after mark
    await create(writer, `${p}/born`); // exists after mark
    const c = await watcher();
    await c.request(OpCode.setWatches, SetWatches, {
      relativeZxid: mark,
      dataWatches: [p, `${p}/same`, `${p}/gone`],
      existWatches: [`${p}/born`, `${p}/unborn`],
      childWatches: [p],
    });
    await c.event(3);
    const missed = summary(c).sort();
    expect(missed).toEqual(
      [
        [EventType.NodeDataChanged, p, 3],
        [EventType.NodeDeleted, `${p}/gone`, 3],
        [EventType.NodeCreated, `${p}/born`, 3],
        [EventType.NodeChildrenChanged, p, 3],
      ].sort(),
    );
    await setData(writer, `${p}/same`);
    await c.event(4);
    expect(c.events[4]).toMatchObject({ type: EventType.NodeDataChanged, path: `${p}/same` });
    await c.close();
  });
});
