import { ZooKeeperClient } from '@zookit/client';
import zookeeper from 'node-zookeeper-client';

/**
 * The five benchmarked operations of one Node client, each a promise of completion. Adapters add
 * no work beyond what a caller of that client's API needs: zookit's promises are returned as they
 * are; node-zookeeper-client's callbacks are wrapped in one promise each.
 */
export interface BenchClient {
  create(path: string, data: Buffer): Promise<unknown>;
  getData(path: string): Promise<unknown>;
  setData(path: string, data: Buffer): Promise<unknown>;
  exists(path: string): Promise<unknown>;
  delete(path: string): Promise<unknown>;
  close(): Promise<void>;
}

const SESSION_TIMEOUT = 30_000;

export async function connectZookit(connectString: string): Promise<BenchClient> {
  const zk = await ZooKeeperClient.connect(connectString, { sessionTimeout: SESSION_TIMEOUT });
  return {
    create: (path, data) => zk.create(path, data),
    getData: (path) => zk.getData(path),
    setData: (path, data) => zk.setData(path, data),
    exists: (path) => zk.exists(path),
    delete: (path) => zk.delete(path),
    close: () => zk.close(),
  };
}

export async function connectNzc(connectString: string): Promise<BenchClient> {
  const zk = zookeeper.createClient(connectString, { sessionTimeout: SESSION_TIMEOUT, retries: 0 });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('node-zookeeper-client: no session within 15 s')), 15_000);
    zk.once('connected', () => {
      clearTimeout(timer);
      resolve();
    });
    zk.connect();
  });
  const settle =
    (resolve: (value: unknown) => void, reject: (reason: unknown) => void) =>
    (error: unknown, value?: unknown): void => {
      if (error) reject(error);
      else resolve(value);
    };
  return {
    create: (path, data) => new Promise((resolve, reject) => zk.create(path, data, settle(resolve, reject))),
    getData: (path) => new Promise((resolve, reject) => zk.getData(path, settle(resolve, reject))),
    setData: (path, data) => new Promise((resolve, reject) => zk.setData(path, data, -1, settle(resolve, reject))),
    exists: (path) => new Promise((resolve, reject) => zk.exists(path, settle(resolve, reject))),
    delete: (path) => new Promise((resolve, reject) => zk.remove(path, -1, settle(resolve, reject))),
    close: async () => {
      // close() queues closeSession and ends the socket; wait for the 'disconnected' that follows.
      const closed = new Promise<void>((resolve) => zk.once('disconnected', () => resolve()));
      zk.close();
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    },
  };
}
