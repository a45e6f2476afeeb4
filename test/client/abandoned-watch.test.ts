// A watch request abandoned with its signal after it was written is still applied by the server,
// which sets the watch. The client must not leave that watch behind: nobody here would ever hold
// it, and it would cost a notification (and a server-side registration) until it fired.
import { randomUUID } from 'node:crypto';
import { ZooKeeperClient } from '@zookit/client';
import { FaultProxy } from '@zookit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverTargets, type TestServer } from '../servers.js';

describe.each(serverTargets)('abandoned watch requests on $name', (target) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await target.start({ tickTime: 500 });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('getData, exists (missing node) and getChildren cancelled after sending leave no watch on the server', async () => {
    await using proxy = await FaultProxy.start({ target: server.connectString });
    const zk = await ZooKeeperClient.connect(proxy.connectString, { sessionTimeout: 4000 });
    const other = await ZooKeeperClient.connect(server.connectString, { sessionTimeout: 4000 });
    try {
      const root = `/abandoned-${randomUUID()}`;
      await other.create(root, 'v0');
      const watcher = () => {
        throw new Error('an abandoned watch fired');
      };
      const abandon = async (request: (signal: AbortSignal) => Promise<unknown>) => {
        const controller = new AbortController();
        const pending = request(controller.signal);
        // Connected: the request is on the wire already; only its reply will be dropped.
        controller.abort(new Error('abandoned'));
        await expect(pending).rejects.toThrow('abandoned');
      };
      await abandon((signal) => zk.getData(root, { watch: watcher, signal }));
      await abandon((signal) => zk.exists(`${root}/missing`, { watch: watcher, signal }));
      await abandon((signal) => zk.getChildren(root, { watch: watcher, signal }));
      // Replies come in order: once this one is here, the abandoned replies were read and the
      // removals they caused were sent, and this second round trip is answered after them.
      await zk.sync('/');
      await zk.exists(root);
      expect(zk.watchCount).toBe(0);

      const before = proxy.notificationCount;
      await other.setData(root, 'v1');
      await other.create(`${root}/missing`);
      // Any notification for these changes would reach zk before the reply to its next request.
      await zk.sync('/');
      expect(proxy.notificationCount - before).toBe(0);
    } finally {
      await other.close();
      await zk.close();
    }
  });

  it('an abandoned request does not drop a watch that another watcher of the client holds', async () => {
    await using proxy = await FaultProxy.start({ target: server.connectString });
    const zk = await ZooKeeperClient.connect(proxy.connectString, { sessionTimeout: 4000 });
    const other = await ZooKeeperClient.connect(server.connectString, { sessionTimeout: 4000 });
    try {
      const root = `/abandoned-${randomUUID()}`;
      await other.create(root, 'v0');
      const events: string[] = [];
      await zk.getData(root, { watch: (e) => events.push(e.type) });
      const controller = new AbortController();
      const pending = zk.getData(root, { watch: () => events.push('abandoned'), signal: controller.signal });
      controller.abort(new Error('abandoned'));
      await expect(pending).rejects.toThrow('abandoned');
      await zk.sync('/');
      await other.setData(root, 'v1');
      await zk.sync('/');
      expect(events).toEqual(['NodeDataChanged']);
      expect(zk.watchCount).toBe(0);
    } finally {
      await other.close();
      await zk.close();
    }
  });
});
