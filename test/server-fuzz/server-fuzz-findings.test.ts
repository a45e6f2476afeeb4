// Inputs the server fuzzer found, reduced to a few frames each, against real ZooKeeper 3.8 and
// the bundled server: every expectation is what ZooKeeper does (see oracle.ts for the sources).
import { ZooKeeperClient } from '@zookit/client';
import {
  AuthPacket,
  CreateRequest,
  DeleteContainerRequest,
  ErrorCode,
  encodeRequestFrame,
  GetDataRequest,
  MultiOperationRecord,
  OpCode,
  ReconfigRequest,
  SetDataRequest,
} from '@zookit/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverTargets, type TestServer } from '../servers.js';
import type { FuzzTarget } from './fuzz-connection.js';
import { hello, play, verdict } from './fuzz-fixture.js';
import { frameOf } from './mutations.js';
import { SENTINEL_XID } from './scripts.js';

const acl = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
const create = (xid: number, path: string) =>
  encodeRequestFrame({ xid, type: OpCode.create }, CreateRequest, { path, data: null, acl, flags: 0 });
const getData = (xid: number) =>
  encodeRequestFrame({ xid, type: OpCode.getData }, GetDataRequest, { path: '/', watch: false });
/** The same frame with `extra` bytes after its record (length prefix adjusted). */
const withTrailing = (frame: Buffer, ...extra: number[]) =>
  frameOf(Buffer.concat([frame.subarray(4), Buffer.from(extra)]));

describe.each(serverTargets)('server fuzz – inputs it found, against $name', (serverTarget) => {
  let server: TestServer;
  let target: FuzzTarget;
  const exceptions: string[] = [];
  const onException = (e: unknown) => exceptions.push(String((e as Error)?.stack ?? e).split('\n')[0] as string);

  beforeAll(async () => {
    process.on('uncaughtException', onException);
    server = await serverTarget.start({ tickTime: 500 });
    const [host, port] = server.connectString.split(':');
    target = {
      host: host as string,
      port: Number(port),
      minSessionTimeout: 1000,
      maxSessionTimeout: 10_000,
      lastZxid: () => undefined,
      sessionExists: () => undefined,
    };
    const client = await ZooKeeperClient.connect(server.connectString);
    await client.create('/fuzz');
    await client.close();
  });

  afterAll(async () => {
    await server?.stop();
    process.off('uncaughtException', onException);
  });

  async function exists(path: string): Promise<boolean> {
    const client = await ZooKeeperClient.connect(server.connectString);
    try {
      return (await client.exists(path)).stat !== null;
    } finally {
      await client.close();
    }
  }

  /** The err of the reply to request `xid` (after the ConnectResponse), if one came. */
  function errOf(frames: readonly Buffer[], xid: number): number | undefined {
    return frames
      .slice(1)
      .find((r) => r.readInt32BE(0) === xid)
      ?.readInt32BE(12);
  }

  it('deleteContainer whose body is not exactly one path – answered, nothing thrown, later requests still answered', async () => {
    const deleteContainer = encodeRequestFrame({ xid: 1, type: OpCode.deleteContainer }, DeleteContainerRequest, {
      path: '/fuzz/none',
    });
    for (const bad of [withTrailing(deleteContainer, 0), frameOf(Buffer.from('000000010000001400', 'hex'))]) {
      const before = exceptions.length;
      const run = await play(target, [hello(), bad, getData(2)]);
      expect(exceptions.slice(before)).toEqual([]);
      const xids = run.observation.frames.slice(1).map((r) => r.readInt32BE(0));
      expect(xids, `input ${bad.toString('hex')}`).toEqual([1, 2, SENTINEL_XID]);
    }
  });

  it.each([
    ['create', () => withTrailing(create(1, '/fuzz/trailing-create'), 1, 2, 3)],
    [
      'setData',
      () =>
        withTrailing(
          encodeRequestFrame({ xid: 1, type: OpCode.setData }, SetDataRequest, {
            path: '/fuzz',
            data: null,
            version: -1,
          }),
          0,
        ),
    ],
    [
      'multi',
      () => withTrailing(encodeRequestFrame({ xid: 1, type: OpCode.multi }, MultiOperationRecord, { ops: [] }), 5),
    ],
    [
      'auth',
      () =>
        withTrailing(
          encodeRequestFrame({ xid: 1, type: OpCode.auth }, AuthPacket, {
            type: 0,
            scheme: 'digest',
            auth: Buffer.from('u:p'),
          }),
          7,
        ),
    ],
  ])('bytes after a %s record are ignored, as ZooKeeper ignores them: the request succeeds', async (_op, frame) => {
    const run = await play(target, [hello(), frame()]);
    expect(verdict(run)).toBe('allowed');
    expect(errOf(run.observation.frames, 1)).toBe(0);
  });

  it('bytes after a ConnectRequest (past the readOnly byte) are ignored: the session is created', async () => {
    const run = await play(target, [withTrailing(hello(), 9, 9, 9), getData(1)]);
    expect(verdict(run)).toBe('allowed');
    expect(errOf(run.observation.frames, 1)).toBe(0);
  });

  it('a vector count below -1 reads as an empty vector (BinaryIndex): create answers InvalidACL, not MarshallingError', async () => {
    const empty = encodeRequestFrame({ xid: 1, type: OpCode.create }, CreateRequest, {
      path: '/fuzz/negative-count',
      data: null,
      acl: [],
      flags: 0,
    });
    // [..., acl count 0, flags 0] -> [..., acl count -5, flags 0]
    const frame = frameOf(Buffer.concat([empty.subarray(4, -8), Buffer.from('fffffffb00000000', 'hex')]));
    const run = await play(target, [hello(), frame]);
    expect(verdict(run)).toBe('allowed');
    expect(errOf(run.observation.frames, 1)).toBe(ErrorCode.InvalidACL);
  });

  it('reconfig with an undecodable body is MarshallingError (ZooKeeper decodes it before refusing reconfig)', async () => {
    const reconfig = encodeRequestFrame({ xid: 1, type: OpCode.reconfig }, ReconfigRequest, {
      joiningServers: 'a',
      leavingServers: 'b',
      newMembers: 'c',
      curConfigId: -1n,
    });
    const run = await play(target, [hello(), frameOf(reconfig.subarray(4, -3))]);
    expect(verdict(run)).toBe('allowed');
    expect(errOf(run.observation.frames, 1)).toBe(ErrorCode.MarshallingError);
  });

  it('a ping is answered on xid -2 whatever xid it carried (FinalRequestProcessor uses PING_XID)', async () => {
    const run = await play(target, [hello(), encodeRequestFrame({ xid: 7, type: OpCode.ping })]);
    expect(verdict(run)).toBe('allowed');
    expect(errOf(run.observation.frames, -2)).toBe(0);
  });

  it('complete frames before a refused length prefix in the same read are still executed (ZooKeeper reads frame by frame)', async () => {
    await play(target, [hello(), create(1, '/fuzz/before-bad-length'), Buffer.from('ffffffff', 'hex')]);
    expect(await exists('/fuzz/before-bad-length')).toBe(true);
  });
});
