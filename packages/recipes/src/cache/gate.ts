type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * A one-time condition that any number of callers wait for ("the node was created once", "the
 * cache was loaded"): it opens with a value or fails with an error, once. Each wait takes a
 * signal, rejects with `signal.reason` when it aborts, and removes its abort listener on both
 * paths.
 */
export class Gate<T> {
  #outcome: Outcome<T> | undefined;
  readonly #waiters = new Set<(error?: unknown) => void>();

  get settled(): boolean {
    return this.#outcome !== undefined;
  }

  open(value: T): void {
    this.#settle({ ok: true, value });
  }

  fail(error: unknown): void {
    this.#settle({ ok: false, error });
  }

  /** Rejects the current waiters with `error` without settling: later waits may still succeed. */
  rejectWaiters(error: unknown): void {
    for (const finish of [...this.#waiters]) finish(error);
  }

  wait(signal?: AbortSignal): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const finish = (error?: unknown) => {
        this.#waiters.delete(finish);
        signal?.removeEventListener('abort', onAbort);
        const outcome = this.#outcome;
        if (!outcome) reject(error);
        else if (outcome.ok) resolve(outcome.value);
        else reject(outcome.error);
      };
      const onAbort = () => {
        this.#waiters.delete(finish);
        reject(signal?.reason);
      };
      if (this.#outcome) return finish();
      if (signal?.aborted) return reject(signal.reason);
      this.#waiters.add(finish);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #settle(outcome: Outcome<T>): void {
    if (this.#outcome) return;
    this.#outcome = outcome;
    for (const finish of [...this.#waiters]) finish();
  }
}
