// Partition assigner benchmark (issue 9): how long the PartitionAssigner takes to rebalance 64
// partitions over 4 members after one member leaves (its client closes), and how many
// partitions moved compared with the minimum possible (the leaver's own). Against real ZooKeeper
// 3.8 and the bundled server (its own process); debounce 0. No anchor: neither Curator nor kazoo
// ships a leader-computed assigner (kazoo's SetPartitioner releases every partition on any change).
// Run: `pnpm bench:assigner`. Rounds: BENCH_ASSIGNER_ROUNDS (10).
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { ZooKeeperClient } from '@zookit/client';
// bench/package.json does not depend on @zookit/recipes: load its build output by path.
import type * as Recipes from '../../packages/recipes/dist/index.js';
import { bundledServer, percentile, type Running, realZooKeeper } from './bench-support.js';

const RECIPES_URL = new URL('../../../packages/recipes/dist/index.js', import.meta.url);
const { PartitionAssigner } = (await import(RECIPES_URL.href)) as typeof Recipes;

const ROUNDS = Number(process.env.BENCH_ASSIGNER_ROUNDS ?? 10);
const PARTITIONS = 64;
const MEMBERS = 4;
const DEADLINE_MS = 30_000;

interface Member {
  readonly client: ZooKeeperClient;
  readonly assigner: InstanceType<typeof PartitionAssigner>;
}

/** Partition → member id, from each member's own owned() view. */
function owners(members: readonly Member[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const m of members) for (const p of m.assigner.owned().keys()) map.set(p, m.assigner.memberId);
  return map;
}

/** Resolves once `done()` holds, checked after every event of any member; rejects after the deadline. */
function until(members: readonly Member[], done: () => boolean, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const offs: Array<() => void> = [];
    const finish = (err?: Error) => {
      clearTimeout(timer);
      for (const off of offs) off();
      if (err) reject(err);
      else resolve();
    };
    const timer = setTimeout(() => finish(new Error(`${what}: not within ${DEADLINE_MS} ms`)), DEADLINE_MS);
    const check = () => {
      if (done()) finish();
    };
    for (const m of members) offs.push(m.assigner.on(check));
    check();
  });
}

/** Every partition owned once, and the counts balanced (max − min ≤ 1). */
function balanced(members: readonly Member[]): boolean {
  const counts = members.map((m) => m.assigner.owned().size);
  const total = counts.reduce((a, b) => a + b, 0);
  return total === PARTITIONS && owners(members).size === PARTITIONS && Math.max(...counts) - Math.min(...counts) <= 1;
}

async function round(connectString: string): Promise<{ ms: number; moves: number; minimum: number }> {
  const path = `/bench/assigner-${randomUUID()}`;
  const members: Member[] = [];
  for (let i = 0; i < MEMBERS; i++) {
    const client = await ZooKeeperClient.connect(connectString, { sessionTimeout: 10_000 });
    const assigner = new PartitionAssigner(client, path, { memberId: `m${i}`, partitions: PARTITIONS, debounce: 0 });
    members.push({ client, assigner });
  }
  try {
    await Promise.all(members.map((m) => m.assigner.start({ signal: AbortSignal.timeout(DEADLINE_MS) })));
    await until(members, () => balanced(members), 'initial balance');
    // The leaver is not the leader: a leader change would time the election, not the rebalance.
    const leaver = members.find((m) => !m.assigner.isLeader) as Member;
    const rest = members.filter((m) => m !== leaver);
    const before = owners(members);
    const minimum = leaver.assigner.owned().size;
    const start = performance.now();
    await leaver.client.close();
    await until(rest, () => balanced(rest), 'rebalance');
    const ms = performance.now() - start;
    const after = owners(rest);
    let moves = 0;
    for (const [p, owner] of after) if (before.get(p) !== owner) moves++;
    return { ms, moves, minimum };
  } finally {
    for (const m of members) {
      await m.assigner.close().catch(() => undefined);
      await m.client.close();
    }
  }
}

async function bench(server: Running): Promise<void> {
  try {
    await round(server.connectString); // warm-up
    const times: number[] = [];
    let moves = 0;
    let minimum = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const r = await round(server.connectString);
      times.push(r.ms);
      moves += r.moves;
      minimum += r.minimum;
    }
    console.log(
      `${server.name}: rebalance of ${PARTITIONS} partitions after 1 of ${MEMBERS} members left, ` +
        `p50 ${percentile(times, 0.5).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms; ` +
        `moves ${moves} vs minimum ${minimum} over ${ROUNDS} rounds`,
    );
  } finally {
    await server.stop();
  }
}

await bench(await bundledServer());
await bench(await realZooKeeper());
