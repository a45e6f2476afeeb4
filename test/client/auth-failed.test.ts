// A credential the server refuses must never turn into an anonymous session: connect() rejects
// with AuthFailedError, and a live client that gets AuthFailed (on reconnect, or from addAuth)
// ends in the terminal `auth-failed` state, as ZooKeeper's AUTH_FAILED, and fails every
// pending and later request with it instead of retrying.
import { randomUUID } from 'node:crypto';
import { AuthFailedError, isRetryable, retryNTimes, ZooKeeperClient, type ZooKeeperError } from '@zookit/client';
import { FaultProxy } from '@zookit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverTargets, type TestServer } from '../servers.js';
import { StateRecorder } from './state-recorder.js';

describe.each(serverTargets)('refused credentials on $name', (target) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await target.start({ tickTime: 500 });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('connect() rejects with AuthFailedError naming the scheme', async () => {
    const error = await ZooKeeperClient.connect(server.connectString, {
      sessionTimeout: 4000,
      auth: [
        { scheme: 'digest', credentials: 'alice:secret' },
        { scheme: 'no-such-scheme', credentials: 'x' },
      ],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthFailedError);
    expect((error as ZooKeeperError).code).toBe(-115);
    expect((error as Error).message).toContain('"no-such-scheme"');
    expect(isRetryable(error)).toBe(false);
  });

  it('AuthFailed on reconnect ends the client: queued and later requests fail with it, nothing is retried', async () => {
    await using proxy = await FaultProxy.start({ target: server.connectString });
    const zk = await ZooKeeperClient.connect(proxy.connectString, { sessionTimeout: 6000 });
    try {
      const recorder = new StateRecorder(zk);
      const path = `/auth-${randomUUID()}`;
      await zk.create(path);
      proxy.refuse(true);
      proxy.closeConnections();
      await recorder.next('suspended');
      // Remembered while disconnected, sent first on the next connection.
      await zk.addAuth('no-such-scheme', 'x');
      const queued = zk.getData(path);
      proxy.refuse(false);
      await expect(queued).rejects.toBeInstanceOf(AuthFailedError);
      const failed = await recorder.next('auth-failed');
      expect(failed.error).toBeInstanceOf(AuthFailedError);
      expect(failed.reason).toContain('"no-such-scheme"');
      await recorder.next('closed');
      expect(recorder.states).toEqual(['suspended', 'auth-failed', 'closed']);
      expect(zk.state).toBe('closed');

      let attempts = 0;
      const retried = zk.retry(
        () => {
          attempts++;
          return zk.exists(path);
        },
        { policy: retryNTimes({ n: 5, sleepMs: 10 }) },
      );
      await expect(retried).rejects.toBeInstanceOf(AuthFailedError);
      expect(attempts).toBe(1);
      await expect(zk.addAuth('digest', 'alice:secret')).rejects.toBeInstanceOf(AuthFailedError);
      // It does not reconnect anonymously behind the application's back: it is closed.
      expect(zk.connectedServer).toBeUndefined();
    } finally {
      await zk.close();
    }
  });

  it('addAuth refused on a live connection rejects, and the client ends the same way', async () => {
    const zk = await ZooKeeperClient.connect(server.connectString, { sessionTimeout: 6000 });
    try {
      const recorder = new StateRecorder(zk);
      await expect(zk.addAuth('no-such-scheme', 'x')).rejects.toBeInstanceOf(AuthFailedError);
      await recorder.next('closed');
      expect(recorder.states).toEqual(['auth-failed', 'closed']);
      await expect(zk.exists('/')).rejects.toBeInstanceOf(AuthFailedError);
    } finally {
      await zk.close();
    }
  });
});
