// Three participants elect one leader; when it leaves, another takes over.
import { ZooKeeperClient } from '@zookit/client';
import { LeaderLatch } from '@zookit/recipes';
import { ZooKeeperServer } from '@zookit/server';

async function electLeader(connectString: string): Promise<void> {
  const path = `/zookit-examples/latch-${Date.now().toString(36)}`;
  const clients = await Promise.all([0, 1, 2].map(() => ZooKeeperClient.connect(connectString)));
  const latches = clients.map((zk, i) => new LeaderLatch(zk, path, { id: `worker-${i}` }));
  for (const latch of latches)
    latch.onChange((leader) => console.log(`${latch.id}: ${leader ? 'leader' : 'follower'}`));
  await Promise.all(latches.map((l) => l.start()));

  const first = await Promise.race(latches.map((l) => l.awaitLeadership().then(() => l)));
  console.log(`${first.id} leads; it steps down`);
  await first.close();
  const rest = latches.filter((l) => l !== first);
  const next = await Promise.race(rest.map((l) => l.awaitLeadership().then(() => l)));
  console.log(`${next.id} leads now`);

  await Promise.all(latches.map((l) => l.close()));
  await Promise.all(clients.map((c) => c.close()));
}

// Runs on your ZooKeeper when ZK_CONNECT=host:port is set, else on a zookit server in this process.
if (process.env.ZK_CONNECT) {
  await electLeader(process.env.ZK_CONNECT);
} else {
  await using server = await ZooKeeperServer.start();
  await electLeader(server.connectString);
}
