// A long-running child process driven line by line: the test writes commands to its stdin and
// waits for lines on its stdout, and can always kill it.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { waitUntil } from '@zookit/testing';

/** How a {@link LineProcess} ended. */
export interface LineProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A child process whose stdout is read as lines while it runs. SIGKILLed at `timeoutMs`. */
export class LineProcess {
  /** Every complete stdout line so far, in order. */
  readonly lines: string[] = [];
  /** Resolves when the process has ended and its pipes are drained. */
  readonly exited: Promise<LineProcessExit>;
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #commandLine: string;
  #partial = '';
  #stderr = '';
  #exit: LineProcessExit | undefined;

  constructor(command: string, args: readonly string[], options: { timeoutMs: number }) {
    this.#commandLine = [command, ...args].join(' ');
    this.#child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.#child.stdout.setEncoding('utf8');
    this.#child.stderr.setEncoding('utf8');
    this.#child.stdout.on('data', (chunk: string) => {
      const parts = (this.#partial + chunk).split('\n');
      this.#partial = parts.pop() ?? '';
      this.lines.push(...parts.map((line) => line.trimEnd()));
    });
    this.#child.stderr.on('data', (chunk: string) => {
      this.#stderr = (this.#stderr + chunk).slice(-8000);
    });
    // A write after the child ended must not crash the test run.
    this.#child.stdin.on('error', () => {});
    const timer = setTimeout(() => this.kill(), options.timeoutMs);
    this.exited = new Promise((resolve, reject) => {
      this.#child.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      this.#child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (this.#partial) this.lines.push(this.#partial);
        this.#partial = '';
        this.#exit = { code, signal };
        resolve(this.#exit);
      });
    });
    // Rejections are observed by whoever awaits `exited`; never unhandled.
    this.exited.catch(() => {});
  }

  /** Whether the process has ended. */
  get ended(): boolean {
    return this.#exit !== undefined;
  }

  /** Writes one line to stdin. */
  send(line: string): void {
    if (!this.ended && this.#child.stdin.writable) this.#child.stdin.write(`${line}\n`);
  }

  /** Resolves with the first line (from `from` on) that `match` accepts; rejects at `timeoutMs` or when the process ends without one. */
  async waitForLine(match: (line: string) => boolean, timeoutMs: number, from = 0): Promise<string> {
    try {
      return await waitUntil(
        async () => {
          const found = this.lines.slice(from).find(match);
          if (found !== undefined) return found;
          if (this.ended) throw new Error('the process ended without it');
          return undefined;
        },
        { timeout: timeoutMs, interval: 10, description: 'a line from the child process' },
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${this.describe()}`);
    }
  }

  /** SIGKILLs the process if it is still running. */
  kill(): void {
    if (!this.ended) this.#child.kill('SIGKILL');
  }

  /** Kills the process if needed and waits (bounded) for it to end. */
  async dispose(): Promise<void> {
    this.kill();
    await Promise.race([this.exited.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 5000))]);
  }

  /** The command line, how it ended, its stdout and the tail of its stderr, for assertion messages. */
  describe(): string {
    const ending = this.#exit ? `ended with code ${this.#exit.code} signal ${this.#exit.signal}` : 'still running';
    return [
      this.#commandLine.replace(/-cp \S+ /, '-cp … '),
      ending,
      '--- stdout ---',
      this.lines.join('\n') || '(empty)',
      '--- stderr (tail) ---',
      this.#stderr.trimEnd() || '(empty)',
    ].join('\n');
  }
}
