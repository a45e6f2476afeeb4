// Process-level faults (SIGSTOP, restart) need the server in its own process: real ZooKeeper
// and the bundled server run through its CLI with a data directory.

import { performance } from 'node:perf_hooks';
import { ConnectionLossError, type WatchEvent, ZooKeeperClient } from '@zookit/client';
import { describe, expect, it } from 'vitest';
import { processTargets } from '../process-servers.js';
import { StateRecorder } from './state-recorder.js';
import { TimerLateness } from './timer-lateness.js';

const T = 3000;
const MARGIN = 700;

describe.each(processTargets)('client under process faults on $name', (target) => {
  it('pause (SIGSTOP) – suspended then lost in time, even though no server says so', async () => {
    const own = await target.start({ tickTime: 500 });
    const zk = await ZooKeeperClient.connect(own.connectString, { sessionTimeout: T, onNewSession: 'close' });
    const recorder = new StateRecorder(zk);
    try {
      const start = performance.now();
      const lateness = new TimerLateness();
      await own.pause();
      const pending = zk.getChildren('/').catch((e) => e);
      const suspended = await recorder.next('suspended');
      expect(suspended.at - start).toBeLessThan((2 * T) / 3 + MARGIN + lateness.maxMs);
      expect(await pending).toBeInstanceOf(ConnectionLossError);
      const lost = await recorder.next('lost');
      expect(lost.at - start).toBeLessThan(T + MARGIN + lateness.maxMs);
      lateness.stop();
      await recorder.next('closed');
      expect(recorder.states).toEqual(['suspended', 'lost', 'closed']);
    } finally {
      await own.resume();
      await zk.close();
      await own.stop();
    }
  });

  it('restart within T – same session, ephemerals kept, watches re-registered', async () => {
    // The longest session the server allows (20 ticks): "within T" must hold even when a JVM
    // restart on a loaded machine takes many seconds (8 s was seen to be too short).
    const own = await target.start({ tickTime: 1000 });
    const zk = await ZooKeeperClient.connect(own.connectString, { sessionTimeout: 20_000 });
    const recorder = new StateRecorder(zk);
    try {
      expect(zk.sessionTimeout).toBe(20_000);
      const id = zk.sessionId;
      await zk.create('/eph', null, { mode: 'ephemeral' });
      await zk.create('/watched', 'a');
      const seen: WatchEvent[] = [];
      await zk.getData('/watched', { watch: (e) => seen.push(e) });
      await own.restart();
      const back = await recorder.next('reconnected');
      expect(back.newSession).toBe(false);
      expect(zk.sessionId).toBe(id);
      expect((await zk.exists('/eph')).stat?.ephemeralOwner).toBe(id);
      await zk.setData('/watched', 'b');
      await zk.sync('/');
      expect(seen).toEqual([{ type: 'NodeDataChanged', path: '/watched' }]);
      expect(recorder.states).toEqual(['suspended', 'reconnected']);
    } finally {
      await zk.close();
      await own.stop();
    }
  });
});
