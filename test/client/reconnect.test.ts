// What a reconnection must restore, in order, before any request queued while disconnected.
import { randomUUID } from 'node:crypto';
import { Perms, type WatchEvent, ZooKeeperClient } from '@zookit/client';
import { FaultProxy } from '@zookit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverTargets, type TestServer } from '../servers.js';
import { StateRecorder } from './state-recorder.js';

/** Drops the client's connection and keeps it out until `readmit()`. */
async function disconnect(proxy: FaultProxy, recorder: StateRecorder) {
  proxy.refuse(true);
  proxy.closeConnections();
  await recorder.next('suspended');
  return () => proxy.refuse(false);
}

describe.each(serverTargets)('reconnection restores the session before queued requests on $name', (target) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await target.start({ tickTime: 500 });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('re-sends credentials before a request queued while disconnected', async () => {
    const proxy = await FaultProxy.start({ target: server.connectString });
    const zk = await ZooKeeperClient.connect(proxy.connectString, {
      sessionTimeout: 8000,
      auth: [{ scheme: 'digest', credentials: 'bob:pw' }],
    });
    const recorder = new StateRecorder(zk);
    try {
      const path = `/auth-${randomUUID()}`;
      await zk.create(path, 'private', { acl: [{ perms: Perms.ALL, id: { scheme: 'auth', id: '' } }] });
      const readmit = await disconnect(proxy, recorder);
      const queued = zk.getData(path);
      readmit();
      expect((await queued).data?.toString()).toBe('private');
      expect((await recorder.next('reconnected')).newSession).toBe(false);
    } finally {
      await zk.close();
      await proxy.stop();
    }
  });

  it('re-registers more watches than fit in one frame, in batches, and each fires once', async () => {
    const proxy = await FaultProxy.start({ target: server.connectString });
    const zk = await ZooKeeperClient.connect(proxy.connectString, { sessionTimeout: 10_000 });
    const other = await ZooKeeperClient.connect(server.connectString);
    const recorder = new StateRecorder(zk);
    try {
      // 4,500 paths of ~250 bytes: ~1.1 MB of paths, more than jute.maxbuffer in a single SetWatches.
      const base = `/many-${'x'.repeat(200)}`;
      await zk.create(base);
      const paths = Array.from({ length: 4500 }, (_, i) => `${base}/${String(i).padStart(40, '0')}`);
      await Promise.all(paths.map((p) => zk.create(p)));
      const fired = new Map<string, WatchEvent[]>();
      await Promise.all(paths.map((p) => zk.getData(p, { watch: (e) => fired.set(p, [...(fired.get(p) ?? []), e]) })));
      const readmit = await disconnect(proxy, recorder);
      await other.setData(paths[0] as string, 'changed-while-away');
      readmit();
      await recorder.next('reconnected');
      await other.setData(paths[4499] as string, 'changed-after');
      await zk.sync('/');
      expect(fired.get(paths[0] as string)).toEqual([{ type: 'NodeDataChanged', path: paths[0] }]);
      expect(fired.get(paths[4499] as string)).toEqual([{ type: 'NodeDataChanged', path: paths[4499] }]);
      expect(fired.size).toBe(2);
      expect(zk.watchCount).toBe(4498);
      expect(recorder.states).toEqual(['suspended', 'reconnected']);
    } finally {
      await other.close();
      await zk.close();
      await proxy.stop();
    }
  });
});
