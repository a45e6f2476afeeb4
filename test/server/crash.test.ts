// zookit-server as a process with a data directory, killed with SIGKILL under a write load and
// restarted on the same directory, over and over: no acknowledged write is lost, sequence
// numbers never go back, no multi is half applied. KILL_SEED=n replays the kill timings.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectionLossError, ZooKeeperClient } from '@zookit/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../packages/server/src/storage/seeded-random.js';
import { Ledger, ROOT } from './crash/ledger.js';
import { runCli, ServerProcess } from './crash/server-process.js';

const CYCLES = 24;
const WORKERS = 4;
const SEED = Number(process.env.KILL_SEED ?? 20_240_611);

/** Every server started, so that a failing test leaves no process behind. */
const started: ServerProcess[] = [];
async function start(args: readonly string[]): Promise<ServerProcess> {
  const server = await ServerProcess.start(args);
  started.push(server);
  return server;
}
afterAll(async () => {
  await Promise.all(started.map((s) => s.kill()));
});

describe('zookit-server: kill -9 under load, restart on the same data directory', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zookit-crash-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it(`keeps every acknowledged write over ${CYCLES} kill/restart cycles`, async () => {
    const random = seededRandom(SEED);
    const ledger = new Ledger();
    const closing: Promise<void>[] = [];
    const args = ['--port', '0', '--data-dir', join(dir, 'data'), '--snapshot-every', '40'];
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const server = await start(args);
      const zk = await ZooKeeperClient.connect(server.connectString, { sessionTimeout: 4000 });
      if (cycle === 0) {
        for (const path of [ROOT, `${ROOT}/q`, `${ROOT}/m`, `${ROOT}/d`]) await zk.create(path);
        for (let w = 0; w < WORKERS; w++) await zk.create(`${ROOT}/d/w${w}`, '0');
      }
      await ledger.verify(zk);
      // A new sequential node gets a higher number than any acknowledged one (checked in sequence()).
      ledger.sequence((await zk.create(`${ROOT}/q/n-`, null, { mode: 'persistent-sequential' })).path);

      const target = ledger.acknowledged + random.int(1, 60);
      let killed = false;
      let reached!: () => void;
      const reachedTarget = new Promise<void>((resolve) => {
        reached = resolve;
      });
      const worker = async (w: number): Promise<void> => {
        const ops = seededRandom(SEED + cycle * 100 + w);
        const node = `${ROOT}/d/w${w}`;
        for (let n = 0; !killed; n++) {
          try {
            const op = ops.int(0, 2);
            if (op === 0) {
              ledger.sequence((await zk.create(`${ROOT}/q/n-`, null, { mode: 'persistent-sequential' })).path);
            } else if (op === 1) {
              const v = (ledger.sent.get(node) ?? 0) + 1;
              ledger.sent.set(node, v);
              await zk.setData(node, String(v));
              ledger.value(node, v);
            } else {
              const id = `${cycle}-${w}-${n}`;
              await zk.multi([
                { type: 'create', path: `${ROOT}/m/a-${id}` },
                { type: 'create', path: `${ROOT}/m/b-${id}` },
              ]);
              ledger.pair(id);
            }
          } catch (err) {
            // Cut off by the kill: the outcome is unknown, so it is not counted as acknowledged.
            if (!killed || !(err instanceof ConnectionLossError)) throw err;
            ledger.unknown++;
            return;
          }
          if (ledger.acknowledged >= target) reached();
        }
      };
      const workers = Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
      await Promise.race([reachedTarget, workers]);
      killed = true;
      const exit = await server.kill();
      expect(exit.signal).toBe('SIGKILL');
      await workers;
      // Closing waits (boundedly) to deliver closeSession to a server that is gone: in the background.
      closing.push(zk.close());
    }
    const server = await start(args);
    const zk = await ZooKeeperClient.connect(server.connectString, { sessionTimeout: 4000 });
    await ledger.verify(zk);
    await zk.close();
    expect(await server.stop()).toMatchObject({ code: 0 });
    await Promise.all(closing);
    expect(ledger.acknowledged).toBeGreaterThan(CYCLES * 10);
  });
});

describe('zookit-server CLI', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zookit-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    '%s shuts down cleanly with exit code 0, and a restart has every write',
    async (signal) => {
      const args = ['--port', '0', '--data-dir', join(dir, signal), '--tick-time', '500'];
      const first = await start(args);
      const zk = await ZooKeeperClient.connect(first.connectString, { sessionTimeout: 4000 });
      await zk.create('/kept', 'yes');
      const { path } = await zk.create('/kept/n-', null, { mode: 'persistent-sequential' });
      await zk.close();
      expect(await first.stop(signal)).toMatchObject({ code: 0, signal: null });
      const second = await start(args);
      const again = await ZooKeeperClient.connect(second.connectString, { sessionTimeout: 4000 });
      expect((await again.getData('/kept')).data?.toString()).toBe('yes');
      expect((await again.getChildren('/kept')).children).toEqual([path.slice('/kept/'.length)]);
      await again.close();
      expect(await second.stop()).toMatchObject({ code: 0 });
    },
  );

  it.each([
    [['--port', 'abc'], /--port: expected an integer from 0 to 65535, got "abc"/],
    [['--port', '70000'], /--port: expected an integer/],
    [['--tick-time', '0'], /--tick-time: expected an integer from 1/],
    [['--data-dir'], /--data-dir: missing value/],
    [['--snapshot-every', '5'], /--snapshot-every: needs --data-dir/],
    [['--verbose'], /--verbose: unknown option/],
    [['2181'], /2181: unexpected argument/],
  ])('refuses %j with a usage message naming it and exit code 2', async (args, message) => {
    const exit = await runCli(args);
    expect(exit.code).toBe(2);
    expect(exit.stderr).toMatch(message);
    expect(exit.stderr).toContain('usage: zookit-server');
    expect(exit.stdout).toBe('');
  });

  it('--help prints the usage and exits 0', async () => {
    const exit = await runCli(['--help']);
    expect(exit).toMatchObject({ code: 0, stderr: '' });
    expect(exit.stdout).toContain('usage: zookit-server');
  });
});
