import { spawn } from 'node:child_process';

/** How a child process ended, with everything it wrote. */
export interface ProcessResult {
  /** The command line, for messages. */
  readonly command: string;
  /** Exit code; `null` when it was killed by a signal. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Whether it was killed for running past its timeout. */
  readonly timedOut: boolean;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
}

/** Options of {@link runProcess}. */
export interface RunProcessOptions {
  /** SIGKILL after this many ms. */
  readonly timeoutMs: number;
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Runs a command to completion, capturing stdout and stderr, and SIGKILLs it at the timeout.
 * Resolves in every case but a failure to spawn (missing executable), which rejects.
 */
export function runProcess(
  command: string,
  args: readonly string[],
  options: RunProcessOptions,
): Promise<ProcessResult> {
  const started = performance.now();
  const commandLine = [command, ...args].join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    // 'close' (not 'exit') so that the pipes are drained.
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        command: commandLine,
        code,
        signal,
        timedOut,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        durationMs: Math.round(performance.now() - started),
      });
    });
  });
}

/** The last `lines` lines of `text`, with a note of how many were left out. */
function tail(text: string, lines: number): string {
  const all = text.trimEnd().split('\n');
  if (all.length <= lines) return all.join('\n');
  return [`[${all.length - lines} earlier lines left out]`, ...all.slice(-lines)].join('\n');
}

/** A report of a run for an assertion message: how it ended, its stdout, the tail of its stderr. */
export function describeProcessResult(result: ProcessResult): string {
  const ending = result.timedOut
    ? 'killed at its timeout'
    : result.signal
      ? `killed by ${result.signal}`
      : `exited with code ${result.code}`;
  const failures = result.stdout.split('\n').filter((line) => line.startsWith('FAIL '));
  return [
    ...(failures.length > 0 ? ['failed steps:', ...failures, ''] : []),
    `${result.command}`,
    `${ending} after ${result.durationMs} ms`,
    '--- stdout ---',
    tail(result.stdout, 200) || '(empty)',
    '--- stderr (tail) ---',
    tail(result.stderr, 60) || '(empty)',
  ].join('\n');
}
