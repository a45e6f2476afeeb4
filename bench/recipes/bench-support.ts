// What the recipe benchmarks share: the two servers (real ZooKeeper 3.8 and the bundled server in
// its own process), running a child program for its JSON line, percentiles.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { LocalZooKeeper } from '@zookit/testing';

const HERE = dirname(fileURLToPath(import.meta.url)); // bench/recipes/dist
const CLI = join(HERE, '../../../packages/server/dist/cli.js');

/** One library's results on one server; keys as printed by the Java and python programs. */
export type Result = Record<string, number>;

export interface Running {
  readonly name: string;
  readonly connectString: string;
  stop(): Promise<void>;
}

export async function bundledServer(): Promise<Running> {
  const child = spawn(process.execPath, [CLI, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const connectString = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const m = /listening on (\S+)/.exec(line);
      if (m) resolve(m[1] as string);
    });
    child.once('exit', (code) => reject(new Error(`zookit-server exited with ${code}`)));
  });
  return {
    name: 'bundled server',
    connectString,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

export async function realZooKeeper(): Promise<Running> {
  const zk = await LocalZooKeeper.start();
  return { name: 'ZooKeeper 3.8', connectString: zk.connectString, stop: () => zk.stop() };
}

export function run(command: string, args: readonly string[], env?: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${stdout}${stderr}`));
    });
  });
}

export function lastJsonLine(stdout: string): Result {
  const line = stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as Result;
}

export const percentile = (values: number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1))] as number;
};
