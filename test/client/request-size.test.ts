// ZooKeeper closes the connection on a request frame whose length field exceeds jute.maxbuffer
// (test/conformance/validation.test.ts pins the line on both servers). The client must refuse
// such a request itself, with a non-retryable error naming the size and the limit, and keep the
// connection (and every other request) alive.
import { randomUUID } from 'node:crypto';
import { isRetryable, RequestTooLargeError, retryNTimes, ZooKeeperClient } from '@zookit/client';
import { JUTE_MAX_BUFFER } from '@zookit/protocol';
import { ZooKeeperServer } from '@zookit/server';
import { LocalZooKeeper } from '@zookit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverTargets, type TestServer } from '../servers.js';
import { StateRecorder } from './state-recorder.js';

const MiB = 1024 * 1024;

/** Data making a setData request on `path` exactly `frameLength` bytes long (its length field). */
function dataFor(path: string, frameLength: number): Buffer {
  // RequestHeader (8) + path (4 + n) + data (4 + n) + version (4)
  return Buffer.alloc(frameLength - 8 - 4 - Buffer.byteLength(path) - 4 - 4);
}

describe.each(serverTargets)('request size limit on $name', (target) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await target.start({ tickTime: 500 });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('a 1 MiB setData fails alone with RequestTooLargeError; the connection and other requests are unaffected', async () => {
    const zk = await ZooKeeperClient.connect(server.connectString, { sessionTimeout: 4000 });
    try {
      const recorder = new StateRecorder(zk);
      const path = `/size-${randomUUID()}`;
      await zk.create(path, 'small');
      const big = zk.setData(path, Buffer.alloc(MiB));
      const other = zk.getData(path);
      const error = await big.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RequestTooLargeError);
      expect(error).toBeInstanceOf(RangeError);
      const tooLarge = error as RequestTooLargeError;
      expect(tooLarge.limit).toBe(JUTE_MAX_BUFFER);
      expect(tooLarge.size).toBe(MiB + 8 + 4 + path.length + 4 + 4);
      expect(tooLarge.path).toBe(path);
      expect(tooLarge.message).toContain(`${tooLarge.size} bytes`);
      expect(tooLarge.message).toContain(`${JUTE_MAX_BUFFER} bytes`);
      expect(isRetryable(tooLarge)).toBe(false);
      expect(Buffer.from((await other).data ?? []).toString()).toBe('small');

      // retry() gives up at once instead of resending it forever.
      let attempts = 0;
      const retried = zk.retry(
        () => {
          attempts++;
          return zk.setData(path, Buffer.alloc(MiB));
        },
        { policy: retryNTimes({ n: 5, sleepMs: 10 }) },
      );
      await expect(retried).rejects.toBeInstanceOf(RequestTooLargeError);
      expect(attempts).toBe(1);

      await zk.sync('/');
      expect(recorder.states).toEqual([]);
      expect(zk.state).toBe('connected');
    } finally {
      await zk.close();
    }
  });

  it('a request of exactly jute.maxbuffer bytes is sent and served; one byte more is refused', async () => {
    const zk = await ZooKeeperClient.connect(server.connectString, { sessionTimeout: 4000 });
    try {
      const recorder = new StateRecorder(zk);
      const path = `/size-${randomUUID()}`;
      await zk.create(path);
      const atLimit = dataFor(path, JUTE_MAX_BUFFER);
      expect((await zk.setData(path, atLimit)).dataLength).toBe(atLimit.length);
      const over = zk.setData(path, dataFor(path, JUTE_MAX_BUFFER + 1));
      await expect(over).rejects.toMatchObject({ name: 'RequestTooLargeError', size: JUTE_MAX_BUFFER + 1 });
      // The reply to a getData of that node is larger than jute.maxbuffer: accepted (maxFrameSize).
      expect((await zk.getData(path)).data?.length).toBe(atLimit.length);
      expect(recorder.states).toEqual([]);
    } finally {
      await zk.close();
    }
  });
});

describe('maxRequestSize for servers run with a larger jute.maxbuffer', () => {
  const limit = 2 * MiB;
  const targets = [
    {
      name: 'zookeeper',
      start: async (): Promise<TestServer> =>
        LocalZooKeeper.start({ tickTime: 500, systemProperties: { 'jute.maxbuffer': String(limit) } }),
    },
    {
      name: 'zookit',
      start: async (): Promise<TestServer> => {
        const s = await ZooKeeperServer.start({ tickTime: 500, maxFrameSize: limit });
        return { connectString: s.connectString, stop: () => s.close() };
      },
    },
  ];

  it.each(targets)('a 1 MiB setData succeeds on $name with maxRequestSize raised', async (target) => {
    const server = await target.start();
    try {
      const zk = await ZooKeeperClient.connect(server.connectString, {
        sessionTimeout: 4000,
        maxRequestSize: limit,
        maxFrameSize: limit + 1024,
      });
      try {
        const path = `/size-${randomUUID()}`;
        await zk.create(path);
        expect((await zk.setData(path, Buffer.alloc(MiB))).dataLength).toBe(MiB);
        expect((await zk.getData(path)).data?.length).toBe(MiB);
      } finally {
        await zk.close();
      }
    } finally {
      await server.stop();
    }
  });

  it('maxRequestSize must be a positive number of bytes', async () => {
    await expect(ZooKeeperClient.connect('127.0.0.1:1', { maxRequestSize: 0 })).rejects.toThrow(
      'maxRequestSize: expected a positive number of bytes, got 0',
    );
  });
});
