// A persistent watch closed before the server accepted it must not stay on the server: nobody
// would ever hold it, and it would cost a notification for every change under it for the rest
// of the session. Checked on the server (checkWatches for this session) and by counting the
// notifications that reach the client.
import { randomUUID } from 'node:crypto';
import { type ConnectionStateEvent, ZooKeeperClient } from '@zookit/client';
import { FaultProxy, waitUntil } from '@zookit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverTargets, type TestServer } from '../servers.js';
import { StateRecorder } from './state-recorder.js';

describe.each(serverTargets)('persistent watch closed before ready on $name', (target) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await target.start({ tickTime: 500 });
  });
  afterAll(async () => {
    await server?.stop();
  });

  async function setup() {
    const proxy = await FaultProxy.start({ target: server.connectString });
    const zk = await ZooKeeperClient.connect(proxy.connectString, { sessionTimeout: 6000 });
    const other = await ZooKeeperClient.connect(server.connectString, { sessionTimeout: 6000 });
    const root = `/pwc-${randomUUID()}`;
    await other.create(root, 'v0');
    return {
      proxy,
      zk,
      other,
      root,
      /** No watch of this session on the server, none here, and a change sends no notification. */
      async expectNoWatch() {
        expect(zk.watchCount).toBe(0);
        // ZooKeeper 3.8 cannot check one persistent watch type; 'any' covers it.
        expect(await zk.checkWatches(root, { type: 'any' })).toBe(false);
        const before = proxy.notificationCount;
        await other.setData(root, 'v1');
        await other.create(`${root}/child`);
        // A notification for these changes would reach zk before the reply to its next request.
        await zk.sync('/');
        expect(proxy.notificationCount - before).toBe(0);
      },
      async stop() {
        await other.close();
        await zk.close();
        await proxy.stop();
      },
    };
  }

  it.each(['persistent', 'persistent-recursive'] as const)(
    'close() while the addWatch is on the wire removes the watch the server then sets (%s)',
    async (mode) => {
      const t = await setup();
      try {
        const watch = t.zk.watch(t.root, { mode });
        await watch.close();
        await expect(watch.ready).resolves.toBeUndefined();
        expect(await watch.next()).toEqual({ value: undefined, done: true });
        await t.expectNoWatch();
      } finally {
        await t.stop();
      }
    },
  );

  it('close() while disconnected withdraws the queued addWatch: it is never sent', async () => {
    const t = await setup();
    try {
      const recorder = new StateRecorder(t.zk);
      t.proxy.refuse(true);
      t.proxy.closeConnections();
      await recorder.next('suspended');
      const watch = t.zk.watch(t.root, { mode: 'persistent-recursive' });
      await watch.close();
      await expect(watch.ready).rejects.toMatchObject({ name: 'AbortError' });
      expect(await watch.next()).toEqual({ value: undefined, done: true });
      t.proxy.refuse(false);
      const back: ConnectionStateEvent = await recorder.next('reconnected');
      expect(back.newSession).toBe(false);
      await t.expectNoWatch();
    } finally {
      await t.stop();
    }
  });

  it('a persistent watch abandoned with its signal while on the wire leaves no watch on the server', async () => {
    const t = await setup();
    try {
      const controller = new AbortController();
      const watch = t.zk.watch(t.root, { mode: 'persistent', signal: controller.signal });
      controller.abort(new Error('abandoned'));
      await expect(watch.ready).rejects.toThrow('abandoned');
      // Once this is answered the server has set the watch (the addWatch was answered first).
      await t.zk.sync('/');
      // The removal is sent when the abandoned reply is read; on ZooKeeper 3.8 it takes two
      // (one persistent type cannot be removed alone), so wait for the server to agree.
      await waitUntil(async () => !(await t.zk.checkWatches(t.root, { type: 'any' })), {
        timeout: 5000,
        interval: 20,
        description: 'the server to drop the abandoned persistent watch',
      });
      await t.expectNoWatch();
    } finally {
      await t.stop();
    }
  });
});
