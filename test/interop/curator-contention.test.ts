// Curator (a JVM running test/interop/java/CuratorContender.java) and zookit recipes contending
// on the same znodes, on both servers: a zookit Mutex and a Curator InterProcessMutex exclude each
// other and queue in one sequence order, and zookit and Curator LeaderLatches elect one leader and
// hand leadership across implementations (docs/recipes.md, "Curator compatibility").
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { NodeExistsError, NoNodeError, ZooKeeperClient } from '@zookit/client';
import { LeaderLatch, Mutex } from '@zookit/recipes';
import { waitUntil } from '@zookit/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { lacks } from '../prerequisites.js';
import { serverTargets, type TestServer } from '../servers.js';
import { JavaScenarios } from './java-runner.js';
import { LineProcess } from './line-process.js';

const SESSION_TIMEOUT_MS = 4_000;
/** JVM start plus Curator connecting. */
const JVM_READY_MS = 20_000;
/** Bound on one Curator process (its own watchdog fires at 60 s). */
const PROCESS_TIMEOUT_MS = 50_000;
/** Bound on one wait for the lock or for leadership. */
const WAIT_MS = 15_000;
const TEST_TIMEOUT_MS = 90_000;
/** Compiling the contender (javac bound 60 s) while the server starts. */
const SETUP_TIMEOUT_MS = 120_000;
const ROUNDS = 15;

const LOCK_NODE = /^_c_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-lock-\d{10}$/;
const LATCH_NODE = /^_c_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-latch-\d{10}$/;

const java = new JavaScenarios();
afterAll(() => java.close());

function sequenceOf(node: string): number {
  return Number(node.slice(-10));
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

describe.skipIf(lacks('curator')).each(serverTargets)('Curator 5.4 and zookit contending on $name', (target) => {
  let server: TestServer | undefined;
  const clients: ZooKeeperClient[] = [];
  const processes: LineProcess[] = [];

  beforeAll(async () => {
    [server] = await Promise.all([target.start({ tickTime: 500 }), java.prepare(['CuratorContender'])]);
  }, SETUP_TIMEOUT_MS);
  afterEach(async () => {
    await Promise.all(processes.splice(0).map((p) => p.dispose()));
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await Promise.all(processes.splice(0).map((p) => p.dispose()));
    await server?.stop();
  });

  async function client(): Promise<ZooKeeperClient> {
    const c = await ZooKeeperClient.connect(server!.connectString, { sessionTimeout: SESSION_TIMEOUT_MS });
    clients.push(c);
    return c;
  }

  /** Starts a CuratorContender JVM (killed after the test, or at its timeout). */
  async function curator(mode: 'mutex' | 'hold' | 'latch', path: string, ...rest: string[]): Promise<LineProcess> {
    // Rejects with a MissingPrerequisiteError ("… Install it: sudo apt-get install -y …") without a JDK or jar.
    const { command, args } = await java.commandLine('CuratorContender', [server!.connectString, mode, path, ...rest]);
    const child = new LineProcess(command, args, { timeoutMs: PROCESS_TIMEOUT_MS });
    processes.push(child);
    return child;
  }

  /** Creates `path` and its missing ancestors as persistent nodes. */
  async function mkdirs(zk: ZooKeeperClient, path: string): Promise<void> {
    let at = '';
    for (const part of path.split('/').slice(1)) {
      at += `/${part}`;
      try {
        await zk.create(at);
      } catch (error) {
        if (!(error instanceof NodeExistsError)) throw error;
      }
    }
  }

  async function children(zk: ZooKeeperClient, path: string): Promise<string[]> {
    return (await zk.getChildren(path)).children;
  }

  /**
   * The children of a lock or latch node, [] once it is gone: the recipes create it as a container,
   * which the server may reap as soon as it is empty (zookit every 1 s, ZooKeeper every 60 s).
   */
  async function childrenLeft(zk: ZooKeeperClient, path: string): Promise<string[]> {
    try {
      return await children(zk, path);
    } catch (error) {
      if (error instanceof NoNodeError) return [];
      throw error;
    }
  }

  it(
    `mutex: a zookit Mutex and a Curator InterProcessMutex, ${ROUNDS} rounds each at once, never hold together`,
    async () => {
      const zk = await client();
      const lockPath = `/curator-contention/${randomUUID()}/lock`;
      const holders = `${lockPath}-holders`;
      await mkdirs(zk, holders);
      const contender = await curator('mutex', lockPath, String(ROUNDS));
      await contender.waitForLine((line) => line === 'ready', JVM_READY_MS);

      // The marker protocol, as the Java side runs it: while holding, create an ephemeral marker
      // (NodeExists means another holder) and check it is the only one, before and after a hold.
      const mutex = new Mutex(zk, lockPath);
      const overlaps: string[] = [];
      let created = 0;
      let mostWaiting = 0;
      contender.send('go');
      for (let i = 0; i < ROUNDS; i++) {
        const lease = await mutex.acquire({ signal: AbortSignal.timeout(WAIT_MS) });
        try {
          const marker = `zookit-${i}`;
          try {
            await zk.create(`${holders}/${marker}`, '', { mode: 'ephemeral' });
            created++;
          } catch (error) {
            if (!(error instanceof NodeExistsError)) throw error;
            overlaps.push(`round ${i}: ${marker} exists`);
            continue;
          }
          const during = await children(zk, holders);
          mostWaiting = Math.max(mostWaiting, (await children(zk, lockPath)).length - 1);
          await delay(5); // the hold
          const after = await children(zk, holders);
          if (during.join() !== marker || after.join() !== marker) {
            overlaps.push(`round ${i}: markers ${during} then ${after}`);
          }
          await zk.delete(`${holders}/${marker}`);
        } finally {
          await lease.release();
        }
      }

      const exit = await contender.exited;
      expect(exit.code, contender.describe()).toBe(0);
      const acquired = contender.lines.filter((line) => line.startsWith('acquired '));
      expect(acquired.length, contender.describe()).toBe(ROUNDS);
      expect(contender.lines.filter((line) => /OVERLAP|ERROR/.test(line))).toEqual([]);
      expect(contender.lines).toContain('done');
      expect(overlaps).toEqual([]);
      expect(created).toBe(ROUNDS);
      // They did contend: at some point one side held while the other's node waited.
      const curatorMostWaiting = Math.max(...acquired.map((line) => Number(/waiting=(\d+)/.exec(line)?.[1] ?? 0)));
      expect(Math.max(mostWaiting, curatorMostWaiting), contender.describe()).toBeGreaterThan(0);
      expect(await childrenLeft(zk, lockPath)).toEqual([]);
      expect(await children(zk, holders)).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'mutex: node names are _c_<uuid>-lock-NNNNNNNNNN on both sides, and zookit queues behind a Curator holder',
    async () => {
      const zk = await client();
      const lockPath = `/curator-contention/${randomUUID()}/lock`;
      const contender = await curator('hold', lockPath);
      const held = await contender.waitForLine((line) => line.startsWith('held '), JVM_READY_MS);
      const curatorNode = baseName(held.slice('held '.length));
      expect(held.slice('held '.length)).toBe(`${lockPath}/${curatorNode}`);
      expect(curatorNode).toMatch(LOCK_NODE);

      let acquired = false;
      const acquiring = new Mutex(zk, lockPath).acquire({ signal: AbortSignal.timeout(WAIT_MS + JVM_READY_MS) });
      acquiring.then(
        () => {
          acquired = true;
        },
        () => {},
      );
      const queued = await waitUntil(
        async () => {
          const nodes = await children(zk, lockPath);
          return nodes.length === 2 ? nodes : undefined;
        },
        { timeout: WAIT_MS, interval: 10, description: "zookit's lock node next to Curator's" },
      );
      const zookitNode = queued.find((node) => node !== curatorNode);
      expect(queued).toContain(curatorNode);
      expect(zookitNode).toMatch(LOCK_NODE);
      expect(sequenceOf(zookitNode!)).toBeGreaterThan(sequenceOf(curatorNode));

      // zookit waits while Curator holds: watched for 500 ms, it never acquires.
      const watchUntil = performance.now() + 500;
      while (performance.now() < watchUntil) {
        expect(acquired, 'zookit acquired a lock Curator holds').toBe(false);
        await delay(20);
      }
      expect(contender.lines).not.toContain('released');
      expect(acquired).toBe(false);

      contender.send('release');
      const lease = await acquiring;
      expect(lease.path).toBe(`${lockPath}/${zookitNode}`);
      await contender.waitForLine((line) => line === 'released', WAIT_MS);
      expect(await children(zk, lockPath)).toEqual([zookitNode]);
      await lease.release();
      expect((await contender.exited).code, contender.describe()).toBe(0);
      expect(await childrenLeft(zk, lockPath)).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'leader election: a Curator LeaderLatch between two zookit latches; always one leader, handed over across both',
    async () => {
      const latchPath = `/curator-contention/${randomUUID()}/latch`;
      const zkA = await client();
      const zkB = await client();
      const observer = await client();
      const a = new LeaderLatch(zkA, latchPath, { id: 'zookit-a' });
      const b = new LeaderLatch(zkB, latchPath, { id: 'zookit-b' });
      try {
        // Start order fixes the sequence order: a, then Curator, then b.
        await a.start();
        await waitUntil(async () => a.hasLeadership, { timeout: WAIT_MS, interval: 10, description: 'a to lead' });
        const contender = await curator('latch', latchPath);
        const started = await contender.waitForLine((line) => line.startsWith('started '), JVM_READY_MS);
        const curatorNode = baseName(started.slice('started '.length));
        await b.start();

        const nodes = await children(observer, latchPath);
        expect(nodes).toHaveLength(3);
        for (const node of nodes) expect(node).toMatch(LATCH_NODE);
        const bySequence = [...nodes].sort((x, y) => sequenceOf(x) - sequenceOf(y));
        expect(bySequence).toEqual([baseName(a.ourPath!), curatorNode, baseName(b.ourPath!)]);

        interface View {
          readonly name: string;
          open: boolean;
          leads(): boolean;
          close(): Promise<void>;
        }
        /** Curator's view: its last transition line (a latch that never led prints nothing). */
        const curatorLeads = () =>
          contender.lines.filter((line) => line === 'leader' || line === 'follower').at(-1) === 'leader';
        const views: View[] = [
          { name: 'zookit-a', open: true, leads: () => a.hasLeadership, close: () => a.close() },
          {
            name: 'curator',
            open: true,
            leads: curatorLeads,
            close: async () => {
              contender.send('close');
              await contender.waitForLine((line) => line === 'closed', WAIT_MS);
            },
          },
          { name: 'zookit-b', open: true, leads: () => b.hasLeadership, close: () => b.close() },
        ];
        const leaders = () => views.filter((view) => view.open && view.leads()).map((view) => view.name);

        // Each leader in turn (by sequence): one leader, stable while sampled, then it closes.
        for (const [stage, expected] of ['zookit-a', 'curator', 'zookit-b'].entries()) {
          await waitUntil(async () => leaders().length === 1, {
            timeout: WAIT_MS,
            interval: 10,
            description: `one leader among ${views.filter((v) => v.open).map((v) => v.name)}`,
          });
          expect(leaders()).toEqual([expected]);
          const sampleUntil = performance.now() + (stage === 0 ? 2000 : 1000);
          let samples = 0;
          while (performance.now() < sampleUntil) {
            expect(leaders(), `sample ${samples} at stage ${stage}\n${contender.describe()}`).toEqual([expected]);
            samples++;
            await delay(20);
          }
          expect(samples).toBeGreaterThan(10);
          const leader = views.find((view) => view.name === expected)!;
          leader.open = false;
          await leader.close();
          // Its node goes (Curator's close deletes it in the background, so poll).
          await waitUntil(async () => (await childrenLeft(observer, latchPath)).length === 2 - stage, {
            timeout: WAIT_MS,
            interval: 10,
            description: `${expected}'s latch node to go`,
          });
        }
        expect((await contender.exited).code, contender.describe()).toBe(0);
        // Curator saw itself lead exactly once, and never dropped to follower before its close.
        expect(contender.lines.filter((line) => line === 'leader' || line === 'follower')).toEqual(['leader']);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    },
    TEST_TIMEOUT_MS,
  );
});
