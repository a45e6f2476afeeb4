/**
 * Tokens for outcomes a server waits for (a submitted write's commit, a sync's read index): each
 * registration gets a new token, never reused, and the waiter is taken out exactly once.
 */
export class Waiters<T> {
  readonly #waiting = new Map<number, T>();
  #next = 1;

  add(waiter: T): number {
    const token = this.#next++;
    this.#waiting.set(token, waiter);
    return token;
  }

  /** The waiter of `token`, removed; undefined if unknown, already taken or cleared. */
  take(token: number | undefined): T | undefined {
    if (token === undefined) return undefined;
    const waiter = this.#waiting.get(token);
    this.#waiting.delete(token);
    return waiter;
  }

  clear(): void {
    this.#waiting.clear();
  }
}
