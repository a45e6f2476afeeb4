// The one piece of process-wide state in this package: the server pids and temporary
// directories still alive, so that they go with this process even when a test forgets to stop
// a server, or throws or crashes first.
import { rmSync } from 'node:fs';

const pids = new Set<number>();
const dirs = new Set<string>();
let installed = false;
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function cleanUp(): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  pids.clear();
  for (const dir of dirs) {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      // best effort while exiting; nothing can report it
    }
  }
  dirs.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  cleanUp();
  // Listening to a signal replaces Node's default (exit). When nobody else listens, restore
  // the default and re-raise it, so this process still dies as it would have without us.
  if (process.listenerCount(signal) === 1) {
    for (const s of SIGNALS) process.removeListener(s, onSignal);
    process.kill(process.pid, signal);
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', cleanUp);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

/**
 * Makes `pid` receive SIGKILL when this process exits: normally, via `process.exit()`, after an
 * uncaught exception, or on SIGINT/SIGTERM/SIGHUP (which still end this process as before when
 * nothing else handles them). Nothing can run on SIGKILL of this process.
 */
export function killOnExit(pid: number): void {
  install();
  pids.add(pid);
}

/** Forgets `pid` (it has exited). */
export function forgetPid(pid: number): void {
  pids.delete(pid);
}

/** Removes `dir` (recursively) when this process exits, after killing the servers; as {@link killOnExit}. */
export function removeOnExit(dir: string): void {
  install();
  dirs.add(dir);
}

/** Forgets `dir` (it was removed). */
export function forgetDir(dir: string): void {
  dirs.delete(dir);
}
