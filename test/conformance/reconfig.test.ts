// reconfig (op 16) on a server with dynamic reconfiguration off, ZooKeeper's default: the request
// is refused with ReconfigDisabled (-123), the connection and session stay usable, and
// @zookit/client turns the code into its typed ReconfigDisabledError.
import { createZooKeeperError, ReconfigDisabledError } from '@zookit/client';
import { ErrorCode, ExistsRequest, ExistsResponse, OpCode, ReconfigRequest } from '@zookit/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../protocol/raw-client.js';
import { serverTargets, type TestServer } from '../servers.js';

describe.each(serverTargets)('reconfig on $name', (target) => {
  let server: TestServer;
  let raw: RawClient;

  beforeAll(async () => {
    server = await target.start({ tickTime: 500 });
    raw = await RawClient.connect(server.connectString);
  });
  afterAll(async () => {
    await raw?.close();
    await server?.stop();
  });

  it('answers ReconfigDisabled and keeps the session', async () => {
    const reply = await raw.request(OpCode.reconfig, ReconfigRequest, {
      joiningServers: 'server.2=127.0.0.1:2888:3888;2181',
      leavingServers: '',
      newMembers: '',
      curConfigId: -1n,
    });
    expect(reply.header.err).toBe(ErrorCode.ReconfigDisabled);
    expect(createZooKeeperError(reply.header.err)).toBeInstanceOf(ReconfigDisabledError);
    const after = await raw.request(OpCode.exists, ExistsRequest, { path: '/', watch: false }, ExistsResponse);
    expect(after.header.err).toBe(ErrorCode.Ok);
  });
});
