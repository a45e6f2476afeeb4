// Leadership as a turn: each selector leads while its callback runs, then the next one leads.
import { ZooKeeperClient } from '@zookit/client';
import { LeaderSelector } from '@zookit/recipes';
import { ZooKeeperServer } from '@zookit/server';

async function takeTurns(connectString: string): Promise<void> {
  const path = `/zookit-examples/selector-${Date.now().toString(36)}`;
  const clients = await Promise.all([0, 1, 2].map(() => ZooKeeperClient.connect(connectString)));
  let turns = 0;
  let sixTurnsDone!: () => void;
  const sixTurns = new Promise<void>((resolve) => {
    sixTurnsDone = resolve;
  });
  const selectors = clients.map(
    (zk, i) =>
      new LeaderSelector(zk, path, {
        id: `worker-${i}`,
        autoRequeue: true, // back in the queue after each turn
        takeLeadership: async ({ token, signal }) => {
          console.log(`worker-${i} leads (token ${token}); doing one unit of work`);
          if (signal.aborted) return; // leadership lost: stop working
          if (++turns === 6) sixTurnsDone();
        },
      }),
  );
  for (const s of selectors) s.start();
  await sixTurns;
  await Promise.all(selectors.map((s) => s.close()));
  await Promise.all(clients.map((c) => c.close()));
  console.log(`${turns} turns, one leader at a time`);
}

// Runs on your ZooKeeper when ZK_CONNECT=host:port is set, else on a zookit server in this process.
if (process.env.ZK_CONNECT) {
  await takeTurns(process.env.ZK_CONNECT);
} else {
  await using server = await ZooKeeperServer.start();
  await takeTurns(server.connectString);
}
