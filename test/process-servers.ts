// Servers in their own process, for faults a process suffers (SIGSTOP, restart): real ZooKeeper
// (LocalZooKeeper) and the bundled server run through its CLI (zookit-server) with a data dir.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalZooKeeper } from '@zookit/testing';
import { lacks } from './prerequisites.js';
import { ServerProcess } from './server/crash/server-process.js';

/** A server process the suites can pause, resume and restart (same port, same data). */
export interface ProcessServer {
  readonly connectString: string;
  pause(): Promise<void>;
  resume(): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface ProcessTarget {
  readonly name: 'zookeeper' | 'zookit';
  start(options: { tickTime: number }): Promise<ProcessServer>;
}

class ZookitProcess implements ProcessServer {
  #proc: ServerProcess;
  readonly #dir: string;
  readonly #tickTime: number;

  constructor(proc: ServerProcess, dir: string, tickTime: number) {
    this.#proc = proc;
    this.#dir = dir;
    this.#tickTime = tickTime;
  }

  get connectString(): string {
    return this.#proc.connectString;
  }

  static async start(tickTime: number): Promise<ZookitProcess> {
    const dir = await mkdtemp(join(tmpdir(), 'zookit-process-'));
    const proc = await ServerProcess.start(['--port', '0', '--data-dir', dir, '--tick-time', String(tickTime)]);
    return new ZookitProcess(proc, dir, tickTime);
  }

  async pause(): Promise<void> {
    await this.#proc.pause();
  }

  async resume(): Promise<void> {
    this.#proc.resume();
  }

  async restart(): Promise<void> {
    const port = this.connectString.split(':')[1] as string;
    await this.#proc.stop();
    this.#proc = await ServerProcess.start([
      '--port',
      port,
      '--data-dir',
      this.#dir,
      '--tick-time',
      String(this.#tickTime),
    ]);
  }

  async stop(): Promise<void> {
    this.#proc.resume();
    await this.#proc.stop();
    await rm(this.#dir, { recursive: true, force: true });
  }
}

/** Both servers; real ZooKeeper is left out when it is not installed (test/prerequisites.ts). */
export const processTargets: readonly ProcessTarget[] = (
  [
    { name: 'zookeeper', start: ({ tickTime }) => LocalZooKeeper.start({ tickTime }) },
    { name: 'zookit', start: ({ tickTime }) => ZookitProcess.start(tickTime) },
  ] satisfies ProcessTarget[]
).filter((target) => target.name !== 'zookeeper' || !lacks('zookeeper'));
