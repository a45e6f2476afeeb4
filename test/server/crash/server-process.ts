// The zookit-server CLI as a child process, as an operator runs it.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { processStopped } from '@zookit/testing';
import { type CommandResult, runCommand } from '../../run-command.js';

const packageJson = createRequire(import.meta.url).resolve('@zookit/server/package.json');
const bin = (JSON.parse(readFileSync(packageJson, 'utf8')) as { bin: Record<string, string> }).bin['zookit-server'];

/** The CLI script (the package's `bin`); run `tsc -b` first. */
export const CLI = join(dirname(packageJson), bin as string);

/** How a process ended. */
export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

/** Runs the CLI to its end (for arguments it refuses). */
export function runCli(args: readonly string[]): Promise<CommandResult> {
  return runCommand(process.execPath, [CLI, ...args]);
}

/** A running `zookit-server`: started, then killed or stopped. */
export class ServerProcess {
  readonly connectString: string;
  readonly #child: ChildProcess;
  readonly #exit: Promise<Exit>;

  private constructor(connectString: string, child: ChildProcess, exit: Promise<Exit>) {
    this.connectString = connectString;
    this.#child = child;
    this.#exit = exit;
  }

  /** Starts the CLI with `args` and resolves once it printed its "listening on" line. */
  static start(args: readonly string[], timeoutMs = 20_000): Promise<ServerProcess> {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const exit = new Promise<Exit>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr })));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`zookit-server did not print "listening on" within ${timeoutMs} ms; stderr: ${stderr}`));
      }, timeoutMs);
      const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
      lines.on('line', (line) => {
        const m = /^zookit-server listening on (\S+)$/.exec(line);
        if (!m) return;
        clearTimeout(timer);
        resolve(new ServerProcess(m[1] as string, child, exit));
      });
      void exit.then((e) => {
        clearTimeout(timer);
        reject(new Error(`zookit-server exited (code ${e.code}, signal ${e.signal}) before listening: ${e.stderr}`));
      });
    });
  }

  /** SIGSTOP: the process stops answering; sockets stay open. Resolves once it is stopped. */
  async pause(): Promise<void> {
    this.#child.kill('SIGSTOP');
    if (this.#child.pid !== undefined) await processStopped(this.#child.pid);
  }

  /** SIGCONT after {@link pause}. */
  resume(): void {
    this.#child.kill('SIGCONT');
  }

  /** kill -9, and waits until the process is gone. */
  kill(): Promise<Exit> {
    this.#child.kill('SIGKILL');
    return this.#exit;
  }

  /** Sends `signal` (a clean shutdown) and waits for the exit. */
  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<Exit> {
    this.#child.kill(signal);
    return this.#exit;
  }
}
