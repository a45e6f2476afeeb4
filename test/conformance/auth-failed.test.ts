// A refused credential: the server answers the auth packet (xid -4) with AuthFailed and closes
// the connection, ignoring whatever the client sent after it. ZooKeeper refuses any scheme it
// has no provider for; clients turn that reply into their AUTH_FAILED state.
import net from 'node:net';
import {
  AuthPacket,
  ConnectResponse,
  decode,
  ErrorCode,
  encodeRequestFrame,
  FrameDecoder,
  JuteReader,
  OpCode,
  ReplyHeader,
  Xid,
} from '@zookit/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSessionFrame } from '../protocol/raw-client.js';
import { serverTargets, type TestServer } from '../servers.js';

describe.each(serverTargets)('auth failure on $name', (target) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await target.start({ tickTime: 500 });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('an unknown scheme gets {xid -4, AuthFailed}, then the connection closes without another reply', async () => {
    const [host, port] = server.connectString.split(':');
    const socket = net.connect({ host: host as string, port: Number(port) });
    const decoder = new FrameDecoder();
    const frames: Buffer[] = [];
    socket.on('data', (chunk) => frames.push(...decoder.push(chunk)));
    socket.on('error', () => {});
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write(newSessionFrame());
    socket.write(
      encodeRequestFrame({ xid: Xid.AUTH, type: OpCode.auth }, AuthPacket, {
        type: 0,
        scheme: 'no-such-scheme',
        auth: Buffer.from('x'),
      }),
    );
    // A request after the refused credential is never answered.
    socket.write(encodeRequestFrame({ xid: 1, type: OpCode.ping }));
    await closed;
    expect(frames).toHaveLength(2);
    expect(decode(ConnectResponse, frames[0] as Buffer).timeOut).toBeGreaterThan(0);
    const reader = new JuteReader(frames[1] as Buffer);
    expect(ReplyHeader.decode(reader)).toEqual({ xid: Xid.AUTH, zxid: 0n, err: ErrorCode.AuthFailed });
    expect(reader.remaining).toBe(0);
  });
});
