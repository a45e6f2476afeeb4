// A lock whose every grant carries a fencing token: the store refuses a write from an older
// holder, even one that does not know it lost the lock.
import { ZooKeeperClient } from '@zookit/client';
import { FencedOutError, FencedStore, Mutex } from '@zookit/recipes';
import { ZooKeeperServer } from '@zookit/server';

async function mutexWithFencing(connectString: string): Promise<void> {
  const lockPath = `/zookit-examples/mutex-${Date.now().toString(36)}`;
  const store = new FencedStore<string>(); // stands in for a database that checks the token

  async function worker(name: string): Promise<void> {
    await using zk = await ZooKeeperClient.connect(connectString, { sessionTimeout: 4000 });
    const mutex = new Mutex(zk, lockPath);
    for (let i = 0; i < 3; i++) {
      await mutex.withLock(async (lease) => {
        store.write('balance', `${name}#${i}`, lease.token);
        console.log(`${name} holds the lock (token ${lease.token}) and wrote ${name}#${i}`);
      });
    }
  }
  await Promise.all([worker('alice'), worker('bob')]);

  // A holder that wrote with an older token is refused once a newer holder wrote.
  const stale = store.highestToken('balance') - 1n;
  try {
    store.write('balance', 'late write', stale);
  } catch (err) {
    if (!(err instanceof FencedOutError)) throw err;
    console.log(`fenced out: ${err.message}`);
  }
  console.log('final value:', store.read('balance'));
}

// Runs on your ZooKeeper when ZK_CONNECT=host:port is set, else on a zookit server in this process.
if (process.env.ZK_CONNECT) {
  await mutexWithFencing(process.env.ZK_CONNECT);
} else {
  await using server = await ZooKeeperServer.start();
  await mutexWithFencing(server.connectString);
}
