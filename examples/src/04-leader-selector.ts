// Leadership as a turn: each selector leads while its callback runs, then the next one leads.
import { ZooKeeperClient } from '@zookit/client';
import { LeaderSelector } from '@zookit/recipes';
import { scratch, target } from './ensemble.js';

await using where = await target();
const path = scratch('selector');
const clients = await Promise.all([0, 1, 2].map(() => ZooKeeperClient.connect(where.connectString)));
let turns = 0;
const done = manual();
const selectors = clients.map(
  (zk, i) =>
    new LeaderSelector(zk, path, {
      id: `worker-${i}`,
      autoRequeue: true,
      takeLeadership: async ({ token, signal }) => {
        console.log(`worker-${i} leads (token ${token}); doing one unit of work`);
        if (signal.aborted) return;
        if (++turns === 6) done.resolve(undefined);
      },
    }),
);
for (const s of selectors) s.start();
await done.promise;
await Promise.all(selectors.map((s) => s.close()));
await Promise.all(clients.map((c) => c.close()));
console.log(`${turns} turns, one leader at a time`);

function manual() {
  let resolve!: (v: unknown) => void;
  const promise = new Promise((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
