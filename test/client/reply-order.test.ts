// Replies come back in request order. A reply whose xid is not the oldest request's means the
// client and the server no longer agree about what answers what: the client must drop the
// connection and fail every request in flight with ConnectionLoss — none may stay pending.
import { randomUUID } from 'node:crypto';
import { ConnectionLossError, ZooKeeperClient } from '@zookit/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverTargets, type TestServer } from '../servers.js';
import { FrameTap } from './frame-tap.js';
import { StateRecorder } from './state-recorder.js';

/** Resolves with the promise's outcome, or 'pending' if it has not settled within `ms`. */
function settledWithin<T>(promise: Promise<T>, ms: number): Promise<T | unknown | 'pending'> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('pending'), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        resolve(error);
      },
    );
  });
}

describe.each(serverTargets)('reply xid out of order on $name', (target) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await target.start({ tickTime: 500 });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('fails the request it should have answered and every later one with ConnectionLoss, then reconnects', async () => {
    await using tap = await FrameTap.start(server.connectString);
    const zk = await ZooKeeperClient.connect(tap.connectString, { sessionTimeout: 6000 });
    try {
      const recorder = new StateRecorder(zk);
      const path = `/xid-${randomUUID()}`;
      await zk.create(path, 'v');
      tap.rewriteNextReply((frame) => {
        const out = Buffer.from(frame);
        out.writeInt32BE(frame.readInt32BE(4) + 1000, 4);
        return out;
      });
      const first = zk.getData(path);
      const second = zk.exists(path);
      // The connection is dropped at once on the bad frame, not after the read timeout (4 s).
      expect(await settledWithin(first, 2000)).toBeInstanceOf(ConnectionLossError);
      expect(await settledWithin(second, 2000)).toBeInstanceOf(ConnectionLossError);
      await expect(first).rejects.toThrow(/out of order/);
      await recorder.next('reconnected');
      expect(recorder.states.slice(0, 2)).toEqual(['suspended', 'reconnected']);
      expect(Buffer.from((await zk.getData(path)).data ?? []).toString()).toBe('v');
    } finally {
      await zk.close();
    }
  });
});
