// A lock whose every grant carries a fencing token: the store refuses a write from an older
// holder, even one that does not know it lost the lock.
import { ZooKeeperClient } from '@zookit/client';
import { FencedOutError, FencedStore, Mutex } from '@zookit/recipes';
import { scratch, target } from './ensemble.js';

await using where = await target();
const lockPath = scratch('mutex');
const store = new FencedStore<string>();

async function worker(name: string): Promise<void> {
  await using zk = await ZooKeeperClient.connect(where.connectString, { sessionTimeout: 4000 });
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
await using zk = await ZooKeeperClient.connect(where.connectString);
const stale = store.highestToken('balance') - 1n;
try {
  store.write('balance', 'late write', stale);
} catch (err) {
  if (!(err instanceof FencedOutError)) throw err;
  console.log(`fenced out: ${err.message}`);
}
console.log('final value:', store.read('balance'));
await zk.close();
