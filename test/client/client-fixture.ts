import { randomUUID } from 'node:crypto';
import { ZooKeeperClient } from '@zookit/client';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { ServerTarget, TestServer } from '../servers.js';

/** What each test of a client suite gets: the suite's server, a fresh client and a fresh root node. */
export interface ClientFixture {
  readonly server: TestServer;
  readonly zk: ZooKeeperClient;
  readonly root: string;
}

/**
 * Registers the hooks of a client suite: one server of `target` per suite (tickTime 500), and
 * per test a client (session timeout 4 s) and a new `/t-<uuid>` node, handed to `use` before
 * each test; the client is closed after it.
 */
export function useClientFixture(target: ServerTarget, use: (fixture: ClientFixture) => void): void {
  let server: TestServer | undefined;
  let zk: ZooKeeperClient | undefined;
  beforeAll(async () => {
    server = await target.start({ tickTime: 500 });
  });
  afterAll(async () => {
    await server?.stop();
  });
  beforeEach(async () => {
    const started = server as TestServer;
    zk = await ZooKeeperClient.connect(started.connectString, { sessionTimeout: 4000 });
    const root = `/t-${randomUUID()}`;
    await zk.create(root);
    use({ server: started, zk, root });
  });
  afterEach(async () => {
    await zk?.close();
  });
}
