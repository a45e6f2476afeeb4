import { NotReadOnlyError, ZooKeeperClient } from '@zookit/client';
import { LocalZooKeeperEnsemble } from '@zookit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lacks } from '../prerequisites.js';
import { StateRecorder } from './state-recorder.js';

let ensemble: LocalZooKeeperEnsemble;

beforeAll(async () => {
  // ZooKeeper 3.8 serves read-only clients only with local sessions: without them a server in
  // read-only mode refuses every new session (it answers a bare NotReadOnly reply header).
  ensemble = await LocalZooKeeperEnsemble.start({
    servers: 3,
    tickTime: 500,
    systemProperties: { 'readonlymode.enabled': true },
    config: { localSessionsEnabled: true, localSessionsUpgradingEnabled: true },
  });
});
afterAll(async () => {
  await ensemble?.stop();
});

describe.skipIf(lacks('zookeeper'))('client and a server in read-only mode', () => {
  it('read-only – a client that accepts it reads from a server that lost its quorum, and cannot write', async () => {
    const survivor = ensemble.servers[0];
    const zk = await ZooKeeperClient.connect(survivor?.connectString as string, {
      sessionTimeout: 6000,
      canBeReadOnly: true,
    });
    const recorder = new StateRecorder(zk);
    try {
      await zk.create('/ro-data', 'before');
      await Promise.all(ensemble.servers.slice(1).map((s) => s.kill()));
      const ro = await recorder.next('read-only', 20_000);
      // The read-only server cannot vouch for a session of the ensemble: it reports it expired,
      // and the client gets a new (local) session on it.
      expect(ro.newSession).toBe(true);
      expect(recorder.states).toEqual(['suspended', 'lost', 'read-only']);
      expect(zk.state).toBe('read-only');
      expect((await zk.getData('/ro-data')).data?.toString()).toBe('before');
      await expect(zk.create('/ro-write')).rejects.toBeInstanceOf(NotReadOnlyError);

      // Quorum back: the survivor leaves read-only mode (dropping its clients) and the client
      // gets a read-write session again.
      await Promise.all(ensemble.servers.slice(1).map((s) => s.restart()));
      await recorder.next('reconnected', 30_000);
      await zk.create('/ro-write');
      expect(zk.state).toBe('reconnected');
    } finally {
      await zk.close();
    }
  });
});
