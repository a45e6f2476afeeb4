import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { forgetPid, killOnExit } from './exit-cleanup.js';
import { processStopped } from './process-stopped.js';
import { waitUntil } from './wait-until.js';
import { ZooKeeperStartError } from './zookeeper-start-error.js';

/** How to run and probe one server process (internal). */
export interface ServerProcessSpec {
  /** For messages: "ZooKeeper 127.0.0.1:2181". */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** stdout and stderr of every run are appended here. */
  readonly logFile: string;
  /** Resolves true once the server serves; must not throw for a server that is still starting. */
  readonly isReady: (signal: AbortSignal) => Promise<boolean>;
  readonly startTimeout: number;
  readonly stopTimeout: number;
}

interface Run {
  readonly child: ChildProcess;
  /** Log size when this run started: its tail starts here. */
  readonly logStart: number;
  /** Resolves when the process has exited (or failed to spawn). */
  readonly exited: Promise<void>;
  /** How it ended ("exited with code 1"), `undefined` while it runs. */
  readonly exit: string | undefined;
  paused: boolean;
}

const LOG_TAIL_LINES = 40;
const LOG_TAIL_BYTES = 16 * 1024;

/**
 * Supervises one server JVM across restarts: spawns it with output going to a log file (no
 * pipes that could fill up), probes readiness, signals it, and ends it. Every live process is
 * SIGKILLed when this Node process exits. Internal engine of LocalZooKeeperServer.
 */
export class ServerProcess {
  readonly spec: ServerProcessSpec;
  #run: Run | undefined;
  #closed = false;

  constructor(spec: ServerProcessSpec) {
    this.spec = spec;
  }

  /** The running process's pid, or `undefined` when none runs. */
  get pid(): number | undefined {
    return this.#live()?.child.pid;
  }

  /** Whether a process runs (paused or not). */
  get running(): boolean {
    return this.#live() !== undefined;
  }

  /** Whether the running process is stopped by SIGSTOP. */
  get paused(): boolean {
    return this.#live()?.paused ?? false;
  }

  /** How the last run ended ("exited with code 1"), `undefined` while it runs or before the first. */
  get exit(): string | undefined {
    return this.#run?.exit;
  }

  /** Starts the process without waiting for it to serve. Throws when one already runs. */
  async spawn(): Promise<void> {
    if (this.#closed) throw new Error(`${this.spec.name} was stopped for good and cannot start again`);
    if (this.#live()) throw new Error(`${this.spec.name} is already running`);
    const logStart = await stat(this.spec.logFile).then(
      (s) => s.size,
      () => 0,
    );
    const fd = openSync(this.spec.logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(this.spec.command, this.spec.args, { stdio: ['ignore', fd, fd] });
    } finally {
      closeSync(fd); // the child holds its own copy
    }
    // A forgotten server must not keep this process alive: killOnExit ends it when we exit.
    child.unref();
    const state: { exit: string | undefined } = { exit: undefined };
    const exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        state.exit = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        resolve();
      });
      // Also emitted when a signal cannot be sent; only a child without a pid never started.
      child.on('error', (error) => {
        if (child.pid !== undefined) return;
        state.exit = `could not be started: ${error.message}`;
        resolve();
      });
    });
    const run: Run = {
      child,
      logStart,
      exited: exited.finally(() => {
        if (child.pid !== undefined) forgetPid(child.pid);
      }),
      get exit() {
        return state.exit;
      },
      paused: false,
    };
    if (child.pid !== undefined) killOnExit(child.pid);
    this.#run = run;
  }

  /**
   * Waits until the process serves. On early exit or timeout, kills it and rejects with a
   * {@link ZooKeeperStartError} carrying the tail of this run's log.
   */
  async waitReady(timeout = this.spec.startTimeout): Promise<void> {
    const run = this.#run;
    if (!run) throw new Error(`${this.spec.name} was not spawned`);
    const exited = new AbortController();
    void run.exited.then(() => exited.abort());
    try {
      await waitUntil(
        async (signal) => {
          if (run.exit !== undefined) throw new Error(`${this.spec.name} ${run.exit} before serving`);
          return this.spec.isReady(AbortSignal.any([signal, exited.signal]));
        },
        { timeout, interval: 50, signal: exited.signal, description: `${this.spec.name} to serve` },
      );
    } catch (error) {
      const message =
        run.exit !== undefined
          ? `${this.spec.name} ${run.exit} before serving`
          : error instanceof Error
            ? error.message
            : String(error);
      await this.kill();
      throw new ZooKeeperStartError(message, await this.logTail(run), { cause: error });
    }
  }

  /** {@link spawn} then {@link waitReady}. */
  async start(): Promise<void> {
    await this.spawn();
    await this.waitReady();
  }

  /**
   * Ends the process: SIGTERM (and SIGCONT, so a paused JVM can act on it), then SIGKILL if it
   * has not exited after `stopTimeout`. Resolves once it has exited; no-op when none runs.
   */
  async stop(): Promise<void> {
    const run = this.#live();
    if (!run) return;
    this.#signal(run, 'SIGTERM');
    if (run.paused) this.#signal(run, 'SIGCONT');
    const timer = new AbortController();
    const gone = await Promise.race([
      this.#exited(run).then(() => true),
      delay(this.spec.stopTimeout, false, { signal: timer.signal }).catch(() => false),
    ]);
    timer.abort(); // do not keep this process alive for the rest of the bound
    if (!gone) await this.kill();
  }

  /** {@link stop}, and refuse to {@link spawn} again. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.stop();
  }

  /** SIGKILL, then resolves once the process has exited; no-op when none runs. */
  async kill(): Promise<void> {
    const run = this.#live();
    if (!run) return;
    this.#signal(run, 'SIGKILL');
    await this.#exited(run);
  }

  /**
   * SIGSTOP: the process keeps its sockets but answers nothing until {@link resume}. Resolves
   * once every thread of it is stopped (on Linux), not merely signalled.
   */
  async pause(): Promise<void> {
    const run = this.#require('pause');
    this.#signal(run, 'SIGSTOP');
    run.paused = true;
    if (run.child.pid !== undefined) await processStopped(run.child.pid);
  }

  /** SIGCONT after {@link pause}. */
  resume(): void {
    const run = this.#require('resume');
    this.#signal(run, 'SIGCONT');
    run.paused = false;
  }

  /** The last lines the current (or given) run logged. */
  async logTail(run = this.#run): Promise<string> {
    if (!run) return '';
    let file: Awaited<ReturnType<typeof open>> | undefined;
    try {
      file = await open(this.spec.logFile, 'r');
      const size = (await file.stat()).size;
      const start = Math.max(run.logStart, size - LOG_TAIL_BYTES);
      const buffer = Buffer.alloc(size - start);
      await file.read(buffer, 0, buffer.length, start);
      return buffer.toString('utf8').trimEnd().split('\n').slice(-LOG_TAIL_LINES).join('\n');
    } catch {
      return ''; // no log yet, or already removed
    } finally {
      await file?.close();
    }
  }

  /** Resolves when `run` has exited. The child is unref'd, so it is ref'd meanwhile: an awaited exit keeps us alive. */
  async #exited(run: Run): Promise<void> {
    run.child.ref();
    try {
      await run.exited;
    } finally {
      run.child.unref();
    }
  }

  #live(): Run | undefined {
    const run = this.#run;
    return run && run.exit === undefined ? run : undefined;
  }

  #require(action: string): Run {
    const run = this.#live();
    if (!run) throw new Error(`cannot ${action} ${this.spec.name}: it is not running`);
    return run;
  }

  #signal(run: Run, signal: NodeJS.Signals): void {
    try {
      run.child.kill(signal);
    } catch {
      // it exited in the meantime; run.exited settles
    }
  }
}
