// A shared counter changed with compare-and-set by several clients: no update is lost.
import { ZooKeeperClient } from '@zookit/client';
import { AtomicLong, SharedCount } from '@zookit/recipes';
import { ZooKeeperServer } from '@zookit/server';

async function countTogether(connectString: string): Promise<void> {
  const path = `/zookit-examples/count-${Date.now().toString(36)}`;
  const clients = await Promise.all([0, 1, 2].map(() => ZooKeeperClient.connect(connectString)));

  // SharedCount: versioned compare-and-set; a loser re-reads and tries again.
  const counts = clients.map((zk) => new SharedCount(zk, path, 0));
  await Promise.all(counts.map((c) => c.start()));
  await Promise.all(
    counts.map(async (count) => {
      for (let i = 0; i < 5; i++) {
        for (;;) {
          const { value, version } = count.versioned;
          if (await count.trySetCount(value + 1, version)) break;
          await new Promise((resolve) => setImmediate(resolve)); // let the change notification update our view
        }
      }
    }),
  );
  await Promise.all(counts.map((c) => c.close()));
  const check = new SharedCount(clients[0] as ZooKeeperClient, path, 0);
  await check.start();
  console.log(`SharedCount after 3 × 5 increments: ${check.count}`);
  await check.close();

  // AtomicLong: optimistic increments with retries.
  const atomics = clients.map((zk) => new AtomicLong(zk, `${path}-atomic`));
  await Promise.all(atomics.map(async (a) => Promise.all([a.increment(), a.increment()])));
  console.log(`AtomicLong after 3 × 2 increments: ${(await (atomics[0] as AtomicLong).get()).postValue}`);
  await Promise.all(atomics.map((a) => a.close()));
  await Promise.all(clients.map((c) => c.close()));
}

// Runs on your ZooKeeper when ZK_CONNECT=host:port is set, else on a zookit server in this process.
if (process.env.ZK_CONNECT) {
  await countTogether(process.env.ZK_CONNECT);
} else {
  await using server = await ZooKeeperServer.start();
  await countTogether(server.connectString);
}
