import { readdir, readFile } from 'node:fs/promises';
import { waitUntil } from './wait-until.js';

/**
 * Resolves once every thread of process `pid` is stopped (state `T` in /proc), so a SIGSTOP is
 * known to have taken effect: the kernel stops each thread only as it next leaves the kernel,
 * and a JVM has dozens. Where /proc is not there (not Linux) it resolves at once. Rejects
 * after `timeout` ms naming the threads still running.
 */
export async function processStopped(pid: number, timeout = 5000): Promise<void> {
  const tasks = `/proc/${pid}/task`;
  const running = async (): Promise<string[] | undefined> => {
    let ids: string[];
    try {
      ids = await readdir(tasks);
    } catch {
      return undefined; // no /proc, or the process is gone: nothing to wait for
    }
    const states = await Promise.all(ids.map((id) => readFile(`${tasks}/${id}/stat`, 'utf8').catch(() => '')));
    // The state follows the command name in parentheses, which may itself hold spaces or ')'.
    return ids.filter((_, i) => {
      const stat = states[i] as string;
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      return state !== '' && state !== 'T' && state !== 't';
    });
  };
  let last: string[] = [];
  await waitUntil(
    async () => {
      const now = await running();
      if (now === undefined) return true;
      last = now;
      return now.length === 0;
    },
    { timeout, interval: 2, description: `process ${pid} to stop (threads still running: ${last.join(', ')})` },
  );
}
