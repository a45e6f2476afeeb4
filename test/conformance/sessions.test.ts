// Handshake and session rules (reference §1.3, §2.6) over raw frames.
import net from 'node:net';
import {
  ConnectRequest,
  ConnectResponse,
  CreateRequest,
  decode,
  ExistsRequest,
  encodeRecordFrame,
  FrameDecoder,
  Ids,
  OpCode,
} from '@zookit/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../protocol/raw-client.js';
import { serverTargets, type TestServer } from '../servers.js';

/** Sends one ConnectRequest and returns the raw ConnectResponse payload, or `undefined` if the server closed. */
function handshake(address: string, request: Partial<ConnectRequest>): Promise<Buffer | undefined> {
  const [host, port] = address.split(':');
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: host as string, port: Number(port) });
    const decoder = new FrameDecoder();
    const timer = setTimeout(() => reject(new Error('no answer and no close within 5 s')), 5000);
    const done = (value: Buffer | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(value);
    };
    socket.on('data', (chunk) => {
      const [frame] = decoder.push(chunk);
      if (frame) done(frame);
    });
    socket.on('close', () => done(undefined));
    socket.on('error', () => done(undefined));
    socket.write(
      encodeRecordFrame(ConnectRequest, {
        protocolVersion: 0,
        lastZxidSeen: 0n,
        timeOut: 4000,
        sessionId: 0n,
        passwd: Buffer.alloc(16),
        ...request,
      }),
    );
  });
}

describe.each(serverTargets)('session rules on $name', (target) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await target.start({ tickTime: 500 });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('mirrors the readOnly byte: 37-byte response with it, 36 without', async () => {
    const withByte = await handshake(server.connectString, { readOnly: false });
    const without = await handshake(server.connectString, { readOnly: undefined });
    expect(withByte?.length).toBe(37);
    expect(without?.length).toBe(36);
    expect(decode(ConnectResponse, without as Buffer).readOnly).toBeUndefined();
  });

  it('clamps the session timeout to 2–20 ticks', async () => {
    const low = decode(
      ConnectResponse,
      (await handshake(server.connectString, { timeOut: 1, readOnly: false })) as Buffer,
    );
    const high = decode(
      ConnectResponse,
      (await handshake(server.connectString, { timeOut: 1e9, readOnly: false })) as Buffer,
    );
    expect([low.timeOut, high.timeOut]).toEqual([1000, 10000]);
    expect(low.passwd?.length).toBe(16);
  });

  it('refuses a client that has seen a newer zxid than the server, without answering', async () => {
    expect(await handshake(server.connectString, { lastZxidSeen: 2n ** 40n, readOnly: false })).toBeUndefined();
  });

  it('answers an unknown session or a wrong password with timeOut 0, session 0, zero password', async () => {
    const unknown = decode(
      ConnectResponse,
      (await handshake(server.connectString, { sessionId: 12345n, readOnly: false })) as Buffer,
    );
    expect(unknown).toMatchObject({ timeOut: 0, sessionId: 0n });
    expect(Buffer.from(unknown.passwd ?? []).equals(Buffer.alloc(16))).toBe(true);
    const live = await RawClient.connect(server.connectString);
    const wrong = decode(
      ConnectResponse,
      (await handshake(server.connectString, {
        sessionId: live.session.sessionId,
        passwd: Buffer.alloc(16, 1),
        readOnly: false,
      })) as Buffer,
    );
    expect(wrong.timeOut).toBe(0);
    await live.close();
  });

  it('resumes a session with its id and password, closing the old connection', async () => {
    const first = await RawClient.connect(server.connectString);
    const resumed = decode(
      ConnectResponse,
      (await handshake(server.connectString, {
        sessionId: first.session.sessionId,
        passwd: first.session.passwd,
        readOnly: false,
      })) as Buffer,
    );
    expect(resumed.sessionId).toBe(first.session.sessionId);
    expect(resumed.timeOut).toBeGreaterThan(0);
    await expect(first.request(OpCode.exists, ExistsRequest, { path: '/', watch: false })).rejects.toThrow(/closed/);
  });

  it('closeSession deletes the ephemerals, replies, then the server closes the connection', async () => {
    const owner = await RawClient.connect(server.connectString);
    const observer = await RawClient.connect(server.connectString);
    const path = `/eph-${owner.session.sessionId.toString(16)}`;
    await owner.request(OpCode.create, CreateRequest, { path, data: null, acl: [...Ids.OPEN_ACL_UNSAFE], flags: 1 });
    await observer.request(OpCode.exists, ExistsRequest, { path, watch: true });
    const reply = await owner.request(OpCode.closeSession);
    expect(reply.header.err).toBe(0);
    expect(await observer.event(0)).toMatchObject({ type: 2, path });
    await expect(owner.request(OpCode.exists, ExistsRequest, { path: '/', watch: false })).rejects.toThrow(/closed/);
    const again = decode(
      ConnectResponse,
      (await handshake(server.connectString, {
        sessionId: owner.session.sessionId,
        passwd: owner.session.passwd,
        readOnly: false,
      })) as Buffer,
    );
    expect(again.timeOut).toBe(0);
    await observer.close();
  });

  it('expires a silent session after its timeout and deletes its ephemerals', async () => {
    const silent = await handshakeAndCreate(server.connectString);
    const observer = await RawClient.connect(server.connectString);
    await observer.request(OpCode.exists, ExistsRequest, { path: silent, watch: true });
    const deleted = await observer.event(0);
    expect(deleted).toMatchObject({ type: 2, path: silent });
    await observer.close();
  });
});

/** A session that creates an ephemeral and then never speaks again (1 s timeout). */
async function handshakeAndCreate(address: string): Promise<string> {
  const c = await RawClient.connect(address, { sessionTimeout: 1000 });
  const path = `/silent-${c.session.sessionId.toString(16)}`;
  await c.request(OpCode.create, CreateRequest, { path, data: null, acl: [...Ids.OPEN_ACL_UNSAFE], flags: 1 });
  c.stopPinging();
  return path;
}
