// A barrier holds workers until it is removed; a double barrier releases them when all arrived.
import { ZooKeeperClient } from '@zookit/client';
import { Barrier, DoubleBarrier } from '@zookit/recipes';
import { scratch, target } from './ensemble.js';

await using where = await target();
const clients = await Promise.all([0, 1, 2].map(() => ZooKeeperClient.connect(where.connectString)));

const gate = scratch('gate');
await new Barrier(clients[0] as ZooKeeperClient, gate).setBarrier();
const waiting = clients.slice(1).map(async (zk, i) => {
  await new Barrier(zk, gate).waitOnBarrier({ signal: AbortSignal.timeout(10_000) });
  console.log(`worker-${i + 1} passed the gate`);
});
console.log('coordinator opens the gate');
await new Barrier(clients[0] as ZooKeeperClient, gate).removeBarrier();
await Promise.all(waiting);

const meeting = scratch('meeting');
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
