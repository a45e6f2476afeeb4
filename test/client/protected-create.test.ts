// Protected create after a lost reply: the client reconnects, perhaps to a server that has not
// applied its create yet. It must `sync` the parent before listing it (as Curator does), or it
// would miss its own node there and create a second one. A single server cannot lag, so this
// checks the order of requests on the wire, and that the node is found.
import { randomUUID } from 'node:crypto';
import { ZooKeeperClient } from '@zookit/client';
import { OpCode } from '@zookit/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverTargets, type TestServer } from '../servers.js';
import { FrameTap } from './frame-tap.js';

const names = new Map<number, string>([
  [OpCode.create2, 'create2'],
  [OpCode.sync, 'sync'],
  [OpCode.getChildren, 'getChildren'],
  [OpCode.getChildren2, 'getChildren2'],
  [OpCode.exists, 'exists'],
]);

describe.each(serverTargets)('protected create on $name', (target) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await target.start({ tickTime: 500 });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('after a lost create reply, syncs the parent before looking for its node, and finds it', async () => {
    await using tap = await FrameTap.start(server.connectString);
    const zk = await ZooKeeperClient.connect(tap.connectString, { sessionTimeout: 8000 });
    try {
      const parent = `/prot-${randomUUID()}`;
      await zk.create(parent);
      const from = tap.requests.length;
      // The server applies the create; its reply is swallowed and the connection reset.
      tap.rewriteNextReply(() => 'reset');
      const { path } = await zk.create(`${parent}/lock-`, null, { mode: 'ephemeral-sequential', protected: true });
      const ops = tap.requests
        .slice(from)
        .map((r) => names.get(r.type))
        .filter((n) => n !== undefined);
      expect(ops.slice(0, 3)).toEqual(['create2', 'sync', 'getChildren2']);
      expect(ops.filter((n) => n === 'create2')).toHaveLength(1);
      const { children } = await zk.getChildren(parent);
      expect(children).toHaveLength(1);
      expect(path).toBe(`${parent}/${children[0]}`);
      expect(children[0]).toMatch(/^_c_[0-9a-f-]{36}-lock-\d{10}$/);
    } finally {
      await zk.close();
    }
  });
});
