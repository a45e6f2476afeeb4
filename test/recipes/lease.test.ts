// How a lease ends (and does not end), on both servers: the watch read under connection loss,
// and what a lease that ended without release() leaves behind (the fixture's leak check runs
// after each test).
import { randomUUID } from 'node:crypto';
import type { ConnectionState } from '@zookit/client';
import { type ConnectionErrorPolicy, type LeaseLostError, Mutex } from '@zookit/recipes';
import { expireSession, waitUntil } from '@zookit/testing';
import { describe, expect, it } from 'vitest';
import { serverTargets } from '../servers.js';
import { useRecipeFixture } from './recipe-fixture.js';

const T = 3000;

describe.each(serverTargets)('Lease on $name', (target) => {
  const fx = useRecipeFixture(target, { sessionTimeout: T });
  const { client } = fx;

  it('lease (session policy) – a connection loss under its watch read does not end it; a later deletion does', async () => {
    const proxy = await fx.proxy();
    const path = `/locks/${randomUUID()}`;
    const zk = await client(proxy.connectString);
    const admin = await client();
    const lease = await new Mutex(zk, path, { errorPolicy: 'session' }).acquire();
    const states: ConnectionState[] = [];
    const off = zk.onStateChange((e) => states.push(e.state));
    try {
      proxy.dropNextReply(); // the reply of the watch read that reading `signal` starts
      const signal = lease.signal;
      await waitUntil(async () => signal.aborted || states.includes('reconnected'), {
        timeout: 2 * T,
        interval: 10,
        description: 'the reconnect (or the lease to end)',
      });
      // The watch read asked again is written before this sync: its reply comes first.
      await zk.sync('/');
      expect(signal.reason).toBeUndefined();
      expect(states).toEqual(['suspended', 'reconnected']);
      await admin.delete(lease.path); // as an operator would: the watch is in place again
      await waitUntil(async () => signal.aborted, { timeout: 5000, interval: 10, description: 'the deletion' });
      expect((signal.reason as LeaseLostError).reason).toBe('deleted');
    } finally {
      off();
    }
    await lease.release();
  });

  it.each([
    ['expiry', 'standard', 'suspended'], // the server drops the connection first
    ['expiry', 'session', 'lost'],
    ['deletion', 'session', 'deleted'],
  ] as const)(
    'lease – one that ended by %s (%s policy) and is never released leaves no state listener',
    async (cause, policy: ConnectionErrorPolicy, reason) => {
      const path = `/locks/${randomUUID()}`;
      const zk = await client();
      const admin = await client();
      const listeners = zk.stateListenerCount;
      const lease = await new Mutex(zk, path, { errorPolicy: policy }).acquire();
      expect(lease.signal.aborted).toBe(false); // sets the deletion watch
      expect(zk.stateListenerCount).toBe(listeners + 1);
      const session = zk.sessionId;
      if (cause === 'expiry')
        await expireSession(fx.server.connectString, { id: session, password: zk.sessionPassword });
      else await admin.delete(lease.path);
      await waitUntil(async () => lease.signal.aborted, {
        timeout: 2 * T,
        interval: 10,
        description: 'the lease to end',
      });
      expect((lease.signal.reason as LeaseLostError).reason).toBe(reason);
      expect(zk.stateListenerCount).toBe(listeners);
      if (cause === 'expiry') {
        await waitUntil(async () => zk.sessionId !== session && zk.state === 'reconnected', {
          timeout: 2 * T,
          interval: 10,
          description: 'a new session',
        });
      }
      // Not released on purpose: the fixture's leak check after this test is the proof.
    },
  );
});
