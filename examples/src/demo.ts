// The zookit tour, on an embedded server (or ZK_CONNECT): leader election with failover after a
// session expiry, a fencing-token lock that shuts out a paused old holder, and a double barrier
// that releases everyone together.
import { performance } from 'node:perf_hooks';
import { ZooKeeperClient } from '@zookit/client';
import { DoubleBarrier, FencedOutError, FencedStore, LeaderLatch, Mutex } from '@zookit/recipes';
import { ZooKeeperServer } from '@zookit/server';
import { expireSession } from '@zookit/testing';

const SESSION_TIMEOUT = 4000;
const say = (who: string, what: string) => console.log(`  ${who.padEnd(10)} ${what}`);
/** A fresh path for this run, so that runs never collide on a shared ZooKeeper. */
const scratch = (name: string) => `/zookit-examples/${name}-${Date.now().toString(36)}`;

// Your ZooKeeper when ZK_CONNECT=host:port is set, else a zookit server in this process.
await using embedded = process.env.ZK_CONNECT ? undefined : await ZooKeeperServer.start({ tickTime: 500 });
const connectString = embedded?.connectString ?? (process.env.ZK_CONNECT as string);
console.log(
  `zookit demo on ${embedded ? `a zookit server embedded in this process (${connectString})` : connectString}\n`,
);

const workers = await Promise.all(
  ['worker-1', 'worker-2', 'worker-3'].map(async (name) => ({
    name,
    zk: await ZooKeeperClient.connect(connectString, { sessionTimeout: SESSION_TIMEOUT }),
  })),
);

console.log('1. Leader election: three workers, one leader.');
const electionPath = scratch('election');
const latches = workers.map((w) => new LeaderLatch(w.zk, electionPath, { id: w.name }));
let electionOver = false;
for (const latch of latches) {
  latch.onChange((leader) => {
    if (leader) say(latch.id, 'is now the LEADER');
    else
      say(
        latch.id,
        electionOver ? 'steps down (shutting the election down)' : 'is no longer leader (its session is gone)',
      );
  });
}
await Promise.all(latches.map((l) => l.start()));
const leader = await Promise.race(latches.map((l) => l.awaitLeadership().then(() => l)));
const leaderWorker = workers.find((w) => w.name === leader.id) as (typeof workers)[number];
console.log(`\n   ${leader.id}'s session is expired by the server (as after a long GC pause or a partition)...`);
await expireSession(connectString, { id: leaderWorker.zk.sessionId, password: leaderWorker.zk.sessionPassword });
const successor = await Promise.race(
  latches
    .filter((l) => l !== leader)
    .map((l) => l.awaitLeadership({ signal: AbortSignal.timeout(10_000) }).then(() => l)),
);
console.log(
  `   ${successor.id} took over; exactly one leader: ${latches
    .filter((l) => l.hasLeadership)
    .map((l) => l.id)
    .join(', ')}`,
);
electionOver = true;
await Promise.all(latches.map((l) => l.close()));
console.log('');

console.log('2. A lock with fencing tokens protects a shared store.');
const lockPath = scratch('lock');
const store = new FencedStore<string>();
const [alice, bob] = workers as [(typeof workers)[number], (typeof workers)[number]];
const oldLease = await new Mutex(alice.zk, lockPath).acquire();
store.write('inventory', 'written by worker-1', oldLease.token);
say(alice.name, `holds the lock with token ${oldLease.token} and writes`);
say(alice.name, 'pauses (a stop-the-world GC) while its session expires...');
await expireSession(connectString, { id: alice.zk.sessionId, password: alice.zk.sessionPassword });
const newLease = await new Mutex(bob.zk, lockPath).acquire({ signal: AbortSignal.timeout(10_000) });
store.write('inventory', 'written by worker-2', newLease.token);
say(bob.name, `acquired the lock with token ${newLease.token} (worker-1's lock node went with its session) and writes`);
try {
  store.write('inventory', 'late write by worker-1', oldLease.token);
  throw new Error('the stale write was accepted: fencing failed');
} catch (err) {
  if (!(err instanceof FencedOutError)) throw err;
  say(alice.name, `wakes up and writes with token ${oldLease.token}: REFUSED (${err.message})`);
}
say('store', `holds "${store.read('inventory')}"`);
await newLease.release();
await oldLease.release();

console.log('\n3. A double barrier: nobody starts before all three have arrived, nobody leaves early.');
const barrierPath = scratch('barrier');
const start = performance.now();
const at = () => `+${Math.round(performance.now() - start)} ms`.padStart(8);
await Promise.all(
  workers.map(async (w, i) => {
    const barrier = new DoubleBarrier(w.zk, barrierPath, { members: workers.length });
    // Arrive at different times; all are released together when the last one enters.
    await new Promise((resolve) => setTimeout(resolve, i * 150));
    say(w.name, `${at()} arrives at the barrier`);
    await barrier.enter({ signal: AbortSignal.timeout(10_000) });
    say(w.name, `${at()} released: everyone is here`);
    await barrier.leave({ signal: AbortSignal.timeout(10_000) });
    await barrier.close();
  }),
);

await Promise.all(workers.map((w) => w.zk.close()));
console.log('\nDone. Shorter programs, one per recipe, are in examples/ (see examples/README.md).');
