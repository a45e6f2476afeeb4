import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * How late this process's timers ran while a test waited, so a deadline the client keeps with a
 * timer ("suspended within 2T/3 of silence") can be asserted as "within the deadline plus the
 * lateness the machine imposed on every timer" — on a loaded 2-core machine the process may not
 * run for hundreds of ms, and that is not the client missing its deadline.
 */
export class TimerLateness {
  readonly #histogram = monitorEventLoopDelay({ resolution: 10 });

  constructor() {
    this.#histogram.enable();
  }

  /** The largest lateness seen so far, in ms. */
  get maxMs(): number {
    return this.#histogram.max / 1e6;
  }

  stop(): void {
    this.#histogram.disable();
  }
}
