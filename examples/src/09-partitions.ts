// Three workers share twelve partitions; one is killed (its session ends); the others take over.
import { ZooKeeperClient } from '@zookit/client';
import { PartitionAssigner } from '@zookit/recipes';
import { ZooKeeperServer } from '@zookit/server';

async function sharePartitions(connectString: string): Promise<void> {
  const path = `/zookit-examples/partitions-${Date.now().toString(36)}`;
  const workers: Array<{ zk: ZooKeeperClient; assigner: PartitionAssigner }> = [];
  for (const id of ['worker-1', 'worker-2', 'worker-3']) {
    const zk = await ZooKeeperClient.connect(connectString, { sessionTimeout: 4000 });
    const assigner = new PartitionAssigner(zk, path, {
      memberId: id,
      partitions: 12,
      debounce: 100,
      // The work of one partition: runs until the partition is revoked or lost.
      worker: async (partition, { token, signal }) => {
        console.log(`${id} starts partition ${partition} (token ${token})`);
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      },
    });
    await assigner.start();
    workers.push({ zk, assigner });
  }
  const owned = () => workers.map((w) => `${w.assigner.memberId}: ${w.assigner.owned().size}`).join(', ');
  await until(async () => workers.every((w) => w.assigner.owned().size === 4), 'a balanced start');
  console.log(`balanced: ${owned()}`);

  // Kill worker-3: closing its client ends its session, as a crash would.
  const killed = workers.pop() as (typeof workers)[number];
  await killed.zk.close();
  await until(async () => workers.every((w) => w.assigner.owned().size === 6), 'the take-over');
  console.log(`after worker-3 died: ${owned()} (12 partitions, none lost)`);

  for (const w of workers) {
    await w.assigner.close();
    await w.zk.close();
  }
}

/** Waits (at most 10 s) until `check` holds. */
async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

// Runs on your ZooKeeper when ZK_CONNECT=host:port is set, else on a zookit server in this process.
if (process.env.ZK_CONNECT) {
  await sharePartitions(process.env.ZK_CONNECT);
} else {
  await using server = await ZooKeeperServer.start();
  await sharePartitions(server.connectString);
}
