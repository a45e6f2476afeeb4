// Clients we did not write — kazoo (Python), ZooKeeper's own Java client and Curator — each run a
// scenario as a child process against the bundled server and against real ZooKeeper 3.8. A
// scenario that passes on ZooKeeper and fails on zookit is a server bug; the assertion message
// holds the child's report (each step's "ok"/"FAIL <step>: <why>") and the tail of its stderr.
import { ZooKeeperServer } from '@zookit/server';
import { LocalZooKeeper } from '@zookit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lacks, type Prerequisite } from '../prerequisites.js';
import { type JavaScenario, JavaScenarios } from './java-runner.js';
import { runKazooScenario } from './kazoo-runner.js';
import { describeProcessResult, type ProcessResult } from './run-process.js';

/** Bound on one scenario process; each scenario's own watchdog fires at 26 s. */
const SCENARIO_TIMEOUT_MS = 30_000;
/** The scenario bound plus compiling the Java scenarios on first use. */
const TEST_TIMEOUT_MS = SCENARIO_TIMEOUT_MS + 30_000;
const TICK_TIME = 500;

interface Target {
  readonly name: 'zookeeper' | 'zookit';
  start(): Promise<{ readonly connectString: string; stop(): Promise<void> }>;
}

const targets: readonly Target[] = (
  [
    {
      name: 'zookeeper',
      // Containers and TTL nodes are reaped every 60 s by default; the scenarios wait seconds.
      start: () =>
        LocalZooKeeper.start({ tickTime: TICK_TIME, systemProperties: { 'znode.container.checkIntervalMs': 500 } }),
    },
    {
      name: 'zookit',
      start: async () => {
        const server = await ZooKeeperServer.start({ tickTime: TICK_TIME });
        return { connectString: server.connectString, stop: () => server.close() };
      },
    },
  ] satisfies Target[]
).filter((target) => target.name !== 'zookeeper' || !lacks('zookeeper'));

const java = new JavaScenarios();
afterAll(() => java.close());

function expectSuccess(result: ProcessResult): void {
  expect(result.code, describeProcessResult(result)).toBe(0);
}

describe.each(targets)('interop: clients we did not write against $name', (target) => {
  let server: { readonly connectString: string; stop(): Promise<void> } | undefined;

  beforeAll(async () => {
    // Compile the Java scenarios (once) while the server starts, not while a scenario runs.
    [server] = await Promise.all([target.start(), java.prepare(['ZkInteropScenario', 'CuratorInteropScenario'])]);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it.skipIf(lacks('kazoo'))(
    'kazoo 2.8: CRUD, ephemeral/sequence, watches fire once, transactions, Lock, Election, Barrier, more recipes, digest ACL, expiry',
    async () => {
      expectSuccess(await runKazooScenario(server!.connectString, { timeoutMs: SCENARIO_TIMEOUT_MS }));
    },
    TEST_TIMEOUT_MS,
  );

  const javaScenarios: readonly [string, JavaScenario, Prerequisite][] = [
    [
      'ZooKeeper 3.8 Java client: create modes incl. container/TTL, watches (also across a reconnect), multi, getEphemerals, persistent watches, removeWatches, ACL, whoAmI, sync',
      'ZkInteropScenario',
      'java-client',
    ],
    [
      'Curator 5.4: mutex of 3, LeaderLatch re-election, barriers, SharedCount, CuratorCache, PersistentNode, expiry',
      'CuratorInteropScenario',
      'curator',
    ],
  ];
  for (const [name, scenario, prerequisite] of javaScenarios) {
    it.skipIf(lacks(prerequisite))(
      name,
      async () => {
        expectSuccess(await java.run(scenario, server!.connectString, { timeoutMs: SCENARIO_TIMEOUT_MS }));
      },
      TEST_TIMEOUT_MS,
    );
  }
});
