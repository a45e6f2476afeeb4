/**
 * Runs async tasks one at a time, in submission order, so a recipe's reactions to events
 * (reconnects, watch fires, close) never interleave. A failing task does not stop the next.
 */
export class Serial {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task, task);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}
