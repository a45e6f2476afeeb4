// The newcomer's own test, copied into the fresh app as test/lock.test.ts and run by the app's
// vitest: the bundled server as a test fixture, the client, and a recipe, all from the tarballs.
import { ZooKeeperClient } from '@zookit/client';
import { Mutex } from '@zookit/recipes';
import { ZooKeeperServer } from '@zookit/server';
import { afterAll, beforeAll, expect, it } from 'vitest';

let server: ZooKeeperServer;

beforeAll(async () => {
  server = await ZooKeeperServer.start();
});
afterAll(() => server.close());

it('two clients take turns on a mutex, each grant fenced by a higher token', async () => {
  await using alice = await ZooKeeperClient.connect(server.connectString);
  await using bob = await ZooKeeperClient.connect(server.connectString);
  const tokens: bigint[] = [];
  for (const zk of [alice, bob, alice]) {
    await new Mutex(zk, '/app/lock').withLock((lease) => {
      tokens.push(lease.token);
    });
  }
  expect(tokens).toHaveLength(3);
  expect([...tokens].sort((a, b) => (a < b ? -1 : 1))).toEqual(tokens);
  expect(new Set(tokens).size).toBe(3);
});
