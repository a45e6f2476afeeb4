// Three participants elect one leader; when it leaves, another takes over.
import { ZooKeeperClient } from '@zookit/client';
import { LeaderLatch } from '@zookit/recipes';
import { scratch, target } from './ensemble.js';

await using where = await target();
const path = scratch('latch');
const clients = await Promise.all(['a', 'b', 'c'].map(() => ZooKeeperClient.connect(where.connectString)));
const latches = clients.map((zk, i) => new LeaderLatch(zk, path, { id: `worker-${i}` }));
for (const latch of latches) latch.onChange((leader) => console.log(`${latch.id}: ${leader ? 'leader' : 'follower'}`));
await Promise.all(latches.map((l) => l.start()));

const first = await Promise.race(latches.map((l) => l.awaitLeadership().then(() => l)));
console.log(`${first.id} leads; it steps down`);
await first.close();
const next = await Promise.race(latches.filter((l) => l !== first).map((l) => l.awaitLeadership().then(() => l)));
console.log(`${next.id} leads now`);

await Promise.all(latches.map((l) => l.close()));
await Promise.all(clients.map((c) => c.close()));
