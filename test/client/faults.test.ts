// Connection faults against real ZooKeeper: the client must report suspended/lost in time,
// fail what is pending, and resume the same session when it can.
import { performance } from 'node:perf_hooks';
import {
  ConnectionLossError,
  retryNTimes,
  SessionExpiredError,
  type WatchEvent,
  ZooKeeperClient,
} from '@zookit/client';
import { expireSession, FaultProxy, waitUntil } from '@zookit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverTargets, type TestServer } from '../servers.js';
import { StateRecorder } from './state-recorder.js';
import { TimerLateness } from './timer-lateness.js';

const T = 3000; // requested and (tickTime 500: bounds 1000..10000) negotiated session timeout
const MARGIN = 700; // scheduling slack on a loaded 2-core machine

describe.each(serverTargets)('client under connection faults on $name', (target) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await target.start({ tickTime: 500 });
  });
  afterAll(async () => {
    await server?.stop();
  });

  async function viaProxy(options: Parameters<typeof ZooKeeperClient.connect>[1] = {}) {
    const proxy = await FaultProxy.start({ target: server.connectString });
    const zk = await ZooKeeperClient.connect(proxy.connectString, { sessionTimeout: T, ...options });
    return { proxy, zk, recorder: new StateRecorder(zk) };
  }

  it('blackhole – suspended within 2/3 T, lost by T, pending requests fail, then a new session', async () => {
    const { proxy, zk, recorder } = await viaProxy();
    try {
      expect(zk.sessionTimeout).toBe(T);
      const lostId = zk.sessionId;
      await zk.create('/bh', null, { mode: 'ephemeral' });
      const start = performance.now();
      const lateness = new TimerLateness();
      proxy.blackhole();
      const inFlight = zk.exists('/bh').catch((e) => e);
      const suspended = await recorder.next('suspended');
      expect(suspended.at - start).toBeLessThan((2 * T) / 3 + MARGIN + lateness.maxMs);
      expect(await inFlight).toBeInstanceOf(ConnectionLossError);
      const queued = zk.exists('/bh').catch((e) => e);
      const lost = await recorder.next('lost');
      expect(lost.at - start).toBeLessThan(T + MARGIN + lateness.maxMs);
      lateness.stop();
      expect(lost.at - start).toBeGreaterThanOrEqual((2 * T) / 3 - 50);
      expect(lost.sessionId).toBe(lostId);
      expect(await queued).toBeInstanceOf(SessionExpiredError);
      proxy.pass();
      const back = await recorder.next('reconnected');
      expect(back.newSession).toBe(true);
      expect(zk.sessionId).not.toBe(lostId);
      expect(recorder.states).toEqual(['suspended', 'lost', 'reconnected']);
      // The client presumed the session dead at T since it last heard from the server; the
      // server expires it on its own clock (T after it last heard, rounded up to a tick) and
      // then deletes the ephemeral through its write pipeline. On a busy CI machine ZooKeeper
      // 3.8 once took longer than T after the reconnect for that, so the bound is 2T.
      await waitUntil(async () => (await zk.exists('/bh')).stat === null, {
        timeout: 2 * T,
        interval: 20,
        description: 'the old session to expire on the server',
      });
    } finally {
      await zk.close();
      await proxy.stop();
    }
  });

  it('a change made while disconnected fires the watch exactly once after reconnecting', async () => {
    const { proxy, zk, recorder } = await viaProxy({ sessionTimeout: 8000 });
    const other = await ZooKeeperClient.connect(server.connectString);
    try {
      await other.create('/offline', 'a');
      await other.create('/offline-kids');
      const events: WatchEvent[] = [];
      await zk.getData('/offline', { watch: (e) => events.push(e) });
      await zk.getChildren('/offline-kids', { watch: (e) => events.push(e) });
      await zk.exists('/offline-new', { watch: (e) => events.push(e) });
      proxy.refuse(true);
      proxy.closeConnections();
      await recorder.next('suspended');
      await other.setData('/offline', 'b');
      await other.create('/offline-kids/k');
      await other.create('/offline-new');
      proxy.refuse(false);
      await recorder.next('reconnected');
      await zk.sync('/');
      await other.setData('/offline', 'c');
      await zk.sync('/');
      expect(events.map((e) => `${e.type} ${e.path}`).sort()).toEqual([
        'NodeChildrenChanged /offline-kids',
        'NodeCreated /offline-new',
        'NodeDataChanged /offline',
      ]);
    } finally {
      await other.close();
      await zk.close();
      await proxy.stop();
    }
  });

  it('expiry forced by another connection closing the session – lost, then a new session', async () => {
    const zk = await ZooKeeperClient.connect(server.connectString, { sessionTimeout: T });
    const recorder = new StateRecorder(zk);
    try {
      const id = zk.sessionId;
      await zk.create('/killed', null, { mode: 'ephemeral' });
      await expireSession(server.connectString, { id, password: zk.sessionPassword });
      const lost = await recorder.next('lost');
      expect(lost.sessionId).toBe(id);
      const back = await recorder.next('reconnected');
      expect(back.newSession).toBe(true);
      expect(zk.sessionId).not.toBe(id);
      expect((await zk.exists('/killed')).stat).toBeNull();
    } finally {
      await zk.close();
    }
  });

  it('a lost reply after the server applied a create – ConnectionLoss, and protected create finds its node', async () => {
    const { proxy, zk } = await viaProxy({ sessionTimeout: 8000 });
    try {
      await zk.create('/prot');
      proxy.dropNextReply();
      const plain = await zk.create('/prot/plain').catch((e) => e);
      expect(plain).toBeInstanceOf(ConnectionLossError);
      expect((await zk.exists('/prot/plain')).stat).not.toBeNull();
      proxy.dropNextReply();
      const { path } = await zk.create('/prot/lock-', null, { mode: 'ephemeral-sequential', protected: true });
      const { children } = await zk.getChildren('/prot');
      const mine = children.filter((c) => c.includes('lock-'));
      expect(mine).toHaveLength(1);
      expect(path).toBe(`/prot/${mine[0]}`);
      expect(mine[0]).toMatch(/^_c_[0-9a-f-]{36}-lock-\d{10}$/);
    } finally {
      await zk.close();
      await proxy.stop();
    }
  });

  it('close while disconnected – reconnects to deliver closeSession, so ephemerals go at once', async () => {
    const { proxy, zk, recorder } = await viaProxy({ sessionTimeout: 8000 });
    const other = await ZooKeeperClient.connect(server.connectString);
    try {
      await zk.create('/closed-offline', null, { mode: 'ephemeral' });
      const { watch } = await other.exists('/closed-offline', { watch: true });
      proxy.refuse(true);
      proxy.closeConnections();
      await recorder.next('suspended');
      const closing = zk.close();
      proxy.refuse(false);
      await closing;
      expect(await watch).toEqual({ type: 'NodeDeleted', path: '/closed-offline' });
      expect(recorder.states).toEqual(['suspended', 'reconnected', 'closed']);
    } finally {
      await other.close();
      await proxy.stop();
    }
  });

  it("retry – an operation cut by a connection loss is retried under the client's policy", async () => {
    const { proxy, zk } = await viaProxy({ sessionTimeout: 8000, retryPolicy: retryNTimes({ n: 3, sleepMs: 10 }) });
    try {
      await zk.create('/retried', 'v0');
      let attempts = 0;
      const stat = await zk.retry(async () => {
        attempts++;
        if (attempts === 1) proxy.dropNextReply(); // the connection breaks with this request in flight
        return zk.setData('/retried', 'v1');
      });
      expect(attempts).toBe(2);
      expect(stat.version).toBeGreaterThanOrEqual(1);
      expect((await zk.getData('/retried')).data?.toString()).toBe('v1');
    } finally {
      await zk.close();
      await proxy.stop();
    }
  });

  it('close – idempotent, deletes ephemerals at once, later calls reject', async () => {
    const zk = await ZooKeeperClient.connect(server.connectString);
    const watcher = await ZooKeeperClient.connect(server.connectString);
    try {
      await zk.create('/closing', null, { mode: 'ephemeral' });
      const { watch } = await watcher.exists('/closing', { watch: true });
      const ownDelete = (await zk.exists('/closing', { watch: true })).watch;
      const never = (await zk.exists('/never-created', { watch: true })).watch;
      await Promise.all([zk.close(), zk.close()]);
      expect(await watch).toEqual({ type: 'NodeDeleted', path: '/closing' });
      // closeSession deleted the ephemeral before the session ended: our own watch saw it.
      expect(await ownDelete).toEqual({ type: 'NodeDeleted', path: '/closing' });
      expect(await never).toEqual({ type: 'Closed', path: '/never-created' });
      expect(zk.watchCount).toBe(0);
      await expect(zk.exists('/')).rejects.toThrow(/closed/);
      expect(zk.state).toBe('closed');
    } finally {
      await watcher.close();
    }
  });
});
