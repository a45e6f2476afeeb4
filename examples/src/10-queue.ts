// A work queue in safe mode: a consumer that crashes mid-item loses nothing; another finishes it.
import { ZooKeeperClient } from '@zookit/client';
import { DistributedQueue, type QueueItem } from '@zookit/recipes';
import { ZooKeeperServer } from '@zookit/server';

async function shareWork(connectString: string): Promise<void> {
  const path = `/zookit-examples/jobs-${Date.now().toString(36)}`;
  await using producerClient = await ZooKeeperClient.connect(connectString);
  await using producer = new DistributedQueue(producerClient, path);
  await producer.start();
  for (const job of ['job-1', 'job-2', 'job-3']) await producer.put(job);

  // worker-a takes job-1, then "crashes" (its client goes away) before finishing it.
  const aClient = await ZooKeeperClient.connect(connectString);
  let taken!: (item: QueueItem) => void;
  const aTook = new Promise<QueueItem>((resolve) => {
    taken = resolve;
  });
  const a = new DistributedQueue(aClient, path, {
    consumer: (item) => {
      taken(item);
      // Never finishes on its own: waits until the item is no longer ours.
      return new Promise<void>((resolve) => item.signal.addEventListener('abort', () => resolve()));
    },
  });
  await a.start();
  const stuck = await aTook;
  console.log(`worker-a took ${stuck.data} (token ${stuck.token}) and hangs`);

  // worker-b processes everything else, and job-1 once worker-a is gone.
  const done: string[] = [];
  const waiting: Array<[count: number, wake: () => void]> = [];
  /** Resolves once worker-b has processed `count` items. */
  const processed = (count: number) =>
    new Promise<void>((resolve) => {
      if (done.length >= count) resolve();
      else waiting.push([count, resolve]);
    });
  await using bClient = await ZooKeeperClient.connect(connectString);
  await using b = new DistributedQueue(bClient, path, {
    consumer: (item) => {
      console.log(`worker-b processed ${item.data} (token ${item.token})`);
      done.push(item.data.toString());
      for (const [count, wake] of waiting) if (done.length >= count) wake();
    },
  });
  await b.start();
  await processed(2);
  console.log('worker-a crashes');
  await aClient.close(); // its lock on job-1 ends with its session
  await processed(3);
  const once = new Set(done).size === done.length;
  console.log(`processed ${[...done].sort().join(', ')}: ${once ? 'each once, none lost' : 'DUPLICATES'}`);
  await a.close();
}

// Runs on your ZooKeeper when ZK_CONNECT=host:port is set, else on a zookit server in this process.
if (process.env.ZK_CONNECT) {
  await shareWork(process.env.ZK_CONNECT);
} else {
  await using server = await ZooKeeperServer.start();
  await shareWork(server.connectString);
}
