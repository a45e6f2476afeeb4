import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * CPU used on this machine by processes other than the benchmark's own (this process, its
 * finished row processes, the ZooKeeper JVM), in cores. The machine has 2 cores and is shared
 * (test runs of other work start at any time); a row that competed with them is not comparable
 * with one that did not, so the runner waits for a quiet machine and repeats disturbed rows.
 *
 * Linux only (/proc). Busy time is user + nice + system from /proc/stat; ours is this process's
 * utime + stime + cutime + cstime (row processes count once reaped) plus the server's utime +
 * stime. Interrupt time is left out on both sides: loopback traffic is partly accounted there.
 */
export class CpuMeter {
  readonly #serverPid: number;
  readonly #ticksPerSecond = 100; // USER_HZ: 100 on every Linux architecture Node runs on

  constructor(serverPid: number) {
    this.#serverPid = serverPid;
  }

  /** Starts a measurement; the returned function gives the foreign CPU since then, in cores. */
  start(): () => number {
    const before = this.#sample();
    return () => {
      const after = this.#sample();
      const seconds = (after.time - before.time) / 1000;
      const foreignTicks = after.busy - before.busy - (after.ours - before.ours);
      return seconds > 0 ? Math.max(0, foreignTicks / this.#ticksPerSecond / seconds) : 0;
    };
  }

  /**
   * Waits until others use less than `threshold` cores over one second (the benchmark itself is
   * idle meanwhile), for at most `timeout` ms. Returns the last measured foreign use.
   */
  async waitQuiet(threshold: number, timeout: number): Promise<number> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const stop = this.start();
      await sleep(1000);
      const foreign = stop();
      if (foreign < threshold || Date.now() >= deadline) return foreign;
    }
  }

  #sample(): { time: number; busy: number; ours: number } {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]?.trim().split(/\s+/) ?? [];
    const busy = Number(cpu[1]) + Number(cpu[2]) + Number(cpu[3]);
    const self = statFields('self');
    const server = statFields(String(this.#serverPid));
    // Fields after "(comm)": index 11..14 are utime, stime, cutime, cstime (fields 14..17 of proc(5)).
    const ours = sum(self, 11, 15) + sum(server, 11, 13);
    return { time: performance.now(), busy, ours };
  }
}

function statFields(pid: string): string[] {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

function sum(fields: readonly string[], from: number, to: number): number {
  let total = 0;
  for (let i = from; i < to; i++) total += Number(fields[i]);
  return total;
}
