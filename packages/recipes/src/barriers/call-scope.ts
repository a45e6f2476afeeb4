/**
 * Bounds a recipe's calls by the caller's `signal` and by the recipe's close(): each call runs
 * with one signal that aborts on either (with that one's reason), and close() waits until the
 * calls in flight have cleaned up after themselves (watches removed, nodes deleted).
 */
export class CallScope {
  readonly #closing = new AbortController();
  readonly #pending = new Set<Promise<unknown>>();

  get closed(): boolean {
    return this.#closing.signal.aborted;
  }

  /** Runs `call`; rejects at once if the scope is closed or `callerSignal` already aborted. */
  run<T>(callerSignal: AbortSignal | undefined, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const closing = this.#closing.signal;
    const running = (async () => {
      const signal = callerSignal ? AbortSignal.any([closing, callerSignal]) : closing;
      signal.throwIfAborted();
      return call(signal);
    })();
    this.#pending.add(running);
    const forget = () => this.#pending.delete(running);
    running.then(forget, forget);
    return running;
  }

  /** Aborts every call with `reason` and resolves once all have settled. Idempotent. */
  async close(reason: Error): Promise<void> {
    if (!this.#closing.signal.aborted) this.#closing.abort(reason);
    await Promise.allSettled([...this.#pending]);
  }
}
