import { type ConnectionStateEvent, ZooKeeperClient } from '@zookit/client';
import { LocalZooKeeperEnsemble } from '@zookit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lacks } from '../prerequisites.js';
import { StateRecorder } from './state-recorder.js';

let ensemble: LocalZooKeeperEnsemble;

beforeAll(async () => {
  ensemble = await LocalZooKeeperEnsemble.start({ servers: 3, tickTime: 500 });
});
afterAll(async () => {
  await ensemble?.stop();
});

describe.skipIf(lacks('zookeeper'))('client against a real 3-server ensemble', () => {
  it('reconnects to another server with the same session when its server is killed', async () => {
    const zk = await ZooKeeperClient.connect(ensemble.connectString, { sessionTimeout: 6000 });
    const recorder = new StateRecorder(zk);
    try {
      const id = zk.sessionId;
      await zk.create('/survivor', null, { mode: 'ephemeral' });
      const before = zk.connectedServer;
      const victim = ensemble.servers.find((s) => s.connectString === before);
      expect(victim).toBeDefined();
      await victim?.kill();
      const back = await recorder.next('reconnected');
      expect(back.newSession).toBe(false);
      expect(zk.sessionId).toBe(id);
      expect(zk.connectedServer).not.toBe(before);
      expect((await zk.exists('/survivor')).stat?.ephemeralOwner).toBe(id);
      expect(recorder.states).toEqual(['suspended', 'reconnected'] satisfies ConnectionStateEvent['state'][]);
      await victim?.restart();
    } finally {
      await zk.close();
    }
  });
});
