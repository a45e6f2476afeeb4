// A barrier holds workers until it is removed; a double barrier releases them when all arrived.
import { ZooKeeperClient } from '@zookit/client';
import { Barrier, DoubleBarrier } from '@zookit/recipes';
import { ZooKeeperServer } from '@zookit/server';

async function barriers(connectString: string): Promise<void> {
  const clients = await Promise.all([0, 1, 2].map(() => ZooKeeperClient.connect(connectString)));
  const coordinator = clients[0] as ZooKeeperClient;

  const gate = `/zookit-examples/gate-${Date.now().toString(36)}`;
  await new Barrier(coordinator, gate).setBarrier();
  const waiting = clients.slice(1).map(async (zk, i) => {
    await new Barrier(zk, gate).waitOnBarrier({ signal: AbortSignal.timeout(10_000) });
    console.log(`worker-${i + 1} passed the gate`);
  });
  console.log('coordinator opens the gate');
  await new Barrier(coordinator, gate).removeBarrier();
  await Promise.all(waiting);

  const meeting = `/zookit-examples/meeting-${Date.now().toString(36)}`;
  await Promise.all(
    clients.map(async (zk, i) => {
      const barrier = new DoubleBarrier(zk, meeting, { members: clients.length });
      await barrier.enter({ signal: AbortSignal.timeout(10_000) });
      console.log(`worker-${i} entered: all ${clients.length} are here`);
      await barrier.leave({ signal: AbortSignal.timeout(10_000) });
      await barrier.close();
    }),
  );
  console.log('all left together');
  await Promise.all(clients.map((c) => c.close()));
}

// Runs on your ZooKeeper when ZK_CONNECT=host:port is set, else on a zookit server in this process.
if (process.env.ZK_CONNECT) {
  await barriers(process.env.ZK_CONNECT);
} else {
  await using server = await ZooKeeperServer.start();
  await barriers(server.connectString);
}
