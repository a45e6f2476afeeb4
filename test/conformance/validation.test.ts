// What the server checks, in which order, and the error it answers — over raw frames, because
// our client refuses most of these inputs before sending them (reference §1.5, §2.1, §2.2).
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import {
  type ACL,
  Create2Response,
  CreateRequest,
  CreateTTLRequest,
  DeleteRequest,
  ErrorCode,
  ExistsRequest,
  ExistsResponse,
  GetDataRequest,
  Ids,
  JUTE_MAX_BUFFER,
  OpCode,
  SetDataRequest,
} from '@zookit/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSessionFrame, RawClient } from '../protocol/raw-client.js';
import { serverTargets, type TestServer } from '../servers.js';

const open: ACL[] = [...Ids.OPEN_ACL_UNSAFE];

describe.each(serverTargets)('request validation on $name', (target) => {
  let server: TestServer;
  let raw: RawClient;
  let root: string;

  beforeAll(async () => {
    server = await target.start({ tickTime: 500 });
    raw = await RawClient.connect(server.connectString);
    root = `/val-${randomUUID()}`;
    await create(root);
  });
  afterAll(async () => {
    await raw?.close();
    await server?.stop();
  });

  function create(path: string, flags = 0, acl = open, op: number = OpCode.create2) {
    return raw.request(op, CreateRequest, { path, data: null, acl, flags }, Create2Response);
  }
  const errOf = async (p: Promise<{ header: { err: number } }>) => (await p).header.err;

  it('create: a missing parent wins over an invalid full path', async () => {
    expect(await errOf(create(`${root}/missing/./x`))).toBe(ErrorCode.NoNode);
    expect(await errOf(create(`${root}/.`))).toBe(ErrorCode.BadArguments);
    expect(await errOf(create(`${root}/x\u0001`))).toBe(ErrorCode.BadArguments);
  });

  it('create: invalid flags, a bad ttl, and paths without a slash are BadArguments', async () => {
    expect(await errOf(create(`${root}/f`, 7))).toBe(ErrorCode.BadArguments);
    expect(await errOf(create('nopath'))).toBe(ErrorCode.BadArguments);
    const ttl = (t: bigint, flags = 5) =>
      raw.request(OpCode.createTTL, CreateTTLRequest, { path: `${root}/ttl`, data: null, acl: open, flags, ttl: t });
    expect(await errOf(ttl(0n))).toBe(ErrorCode.BadArguments);
    expect(await errOf(ttl(2n ** 40n))).toBe(ErrorCode.BadArguments);
    expect(await errOf(ttl(1000n))).toBe(ErrorCode.Ok);
  });

  it('create: the root exists, /zookeeper/x can be created, an ephemeral cannot have children', async () => {
    expect(await errOf(create('/'))).toBe(ErrorCode.NodeExists);
    const name = `/zookeeper/x-${randomUUID()}`;
    expect(await errOf(create(name))).toBe(ErrorCode.Ok);
    expect(await errOf(create(`${root}/eph`, 1))).toBe(ErrorCode.Ok);
    expect(await errOf(create(`${root}/eph/child`))).toBe(ErrorCode.NoChildrenForEphemerals);
  });

  it('create: ACL lists are checked (InvalidACL)', async () => {
    expect(await errOf(create(`${root}/a1`, 0, []))).toBe(ErrorCode.InvalidACL);
    expect(await errOf(create(`${root}/a2`, 0, [{ perms: 31, id: { scheme: 'auth', id: '' } }]))).toBe(
      ErrorCode.InvalidACL,
    );
    expect(await errOf(create(`${root}/a3`, 0, [{ perms: 31, id: { scheme: 'digest', id: 'nocolon' } }]))).toBe(
      ErrorCode.InvalidACL,
    );
    expect(await errOf(create(`${root}/a4`, 0, [{ perms: 31, id: { scheme: 'bogus', id: 'x' } }]))).toBe(
      ErrorCode.InvalidACL,
    );
    expect(await errOf(create(`${root}/a5`, 0, [{ perms: 31, id: { scheme: 'ip', id: '10.0.0.0/8' } }]))).toBe(
      ErrorCode.Ok,
    );
    expect(await errOf(create(`${root}/a6`, 0, [{ perms: 31, id: { scheme: 'ip', id: 'not-an-ip' } }]))).toBe(
      ErrorCode.InvalidACL,
    );
  });

  it('create with op create2 and the container flag makes a plain persistent node', async () => {
    const reply = await create(`${root}/not-a-container`, 4);
    expect(reply.header.err).toBe(0);
    expect(reply.body?.stat.ephemeralOwner).toBe(0n);
  });

  it('delete: special nodes are BadArguments; BadVersion wins over NotEmpty', async () => {
    const del = (path: string, version = -1) => raw.request(OpCode.delete, DeleteRequest, { path, version });
    for (const special of ['/', '/zookeeper', '/zookeeper/quota', '/zookeeper/config']) {
      expect(await errOf(del(special)), special).toBe(ErrorCode.BadArguments);
    }
    await create(`${root}/full`);
    await create(`${root}/full/kid`);
    expect(await errOf(del(`${root}/full`, 5))).toBe(ErrorCode.BadVersion);
    expect(await errOf(del(`${root}/full`))).toBe(ErrorCode.NotEmpty);
    expect(await errOf(del(`${root}/nothing`))).toBe(ErrorCode.NoNode);
  });

  it('setData on /zookeeper/config is NoAuth; a bad path is BadArguments', async () => {
    const set = (path: string) => raw.request(OpCode.setData, SetDataRequest, { path, data: null, version: -1 });
    expect(await errOf(set('/zookeeper/config'))).toBe(ErrorCode.NoAuth);
    expect(await errOf(set(`${root}//x`))).toBe(ErrorCode.BadArguments);
  });

  it('exists on a missing node answers NoNode with an empty body; a NUL in the path is BadArguments', async () => {
    const missing = await raw.request(
      OpCode.exists,
      ExistsRequest,
      { path: `${root}/none`, watch: false },
      ExistsResponse,
    );
    expect(missing.header.err).toBe(ErrorCode.NoNode);
    expect(missing.bytes.length).toBe(0);
    expect(await errOf(raw.request(OpCode.exists, ExistsRequest, { path: '/a\u0000b', watch: false }))).toBe(
      ErrorCode.BadArguments,
    );
  });

  it('reads do not validate paths: an invalid one is simply not there', async () => {
    expect(await errOf(raw.request(OpCode.getData, GetDataRequest, { path: 'relative', watch: false }))).toBe(
      ErrorCode.NoNode,
    );
  });

  it('a body that cannot be decoded gets MarshallingError and the connection stays usable', async () => {
    const truncated = await raw.request(OpCode.getData, undefined, undefined);
    expect(truncated.header.err).toBe(ErrorCode.MarshallingError);
    expect(await errOf(raw.request(OpCode.exists, ExistsRequest, { path: root, watch: false }))).toBe(ErrorCode.Ok);
  });

  it('an unknown op code gets Unimplemented, then the server closes the connection', async () => {
    const other = await RawClient.connect(server.connectString);
    const reply = await other.request(77);
    expect(reply.header.err).toBe(ErrorCode.Unimplemented);
    // ZooKeeper queues the close behind the reply; a request sent at once may still be answered
    // before the close takes effect (seen under load), so wait for the close itself.
    expect((await other.ended).message).toMatch(/closed/);
    await other.close();
  });

  it('a frame longer than jute.maxbuffer closes the connection without a reply', async () => {
    const [host, port] = server.connectString.split(':');
    const socket = net.connect({ host: host as string, port: Number(port) });
    const received: Buffer[] = [];
    socket.on('data', (d) => received.push(d));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.on('error', () => {});
    const request = newSessionFrame();
    const huge = Buffer.alloc(4);
    huge.writeInt32BE(0x100000);
    socket.write(Buffer.concat([request, huge]));
    await closed;
    // The handshake reply may arrive first; nothing may follow it.
    expect(Buffer.concat(received).length).toBeLessThanOrEqual(41);
  });

  it('jute.maxbuffer bounds the frame length field (the bytes after it): 0xfffff is served, 0x100000 closes', async () => {
    const path = `${root}/max`;
    await create(path);
    // setData body = RequestHeader (8) + path (4 + n) + data (4 + n) + version (4).
    const dataFor = (frameLength: number) => Buffer.alloc(frameLength - 8 - 4 - Buffer.byteLength(path) - 4 - 4);
    const setData = (client: RawClient, data: Buffer) =>
      client.request(OpCode.setData, SetDataRequest, { path, data, version: -1 });
    expect(await errOf(setData(raw, dataFor(JUTE_MAX_BUFFER)))).toBe(ErrorCode.Ok);
    const other = await RawClient.connect(server.connectString);
    await expect(setData(other, dataFor(JUTE_MAX_BUFFER + 1))).rejects.toThrow(/closed/);
    await other.close().catch(() => undefined);
  });
});
