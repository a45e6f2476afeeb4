/**
 * Delivers a recipe's events to listeners (each `on()` returns its unsubscribe function) and to
 * async iterators, in emission order. Iterators buffer, never drop; they end (after their
 * buffered events) when the channel ends, and reject with `signal.reason` when their signal
 * aborts. Ending the channel drops every listener, so a closed recipe holds no callbacks.
 */
export class EventChannel<T> {
  readonly #listeners = new Set<(event: T) => void>();
  readonly #sinks = new Set<(event: T | undefined) => void>();
  #ended = false;

  /** Listeners plus open iterators (0 once ended: nothing can leak). */
  get size(): number {
    return this.#listeners.size + this.#sinks.size;
  }

  get ended(): boolean {
    return this.#ended;
  }

  on(listener: (event: T) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError('listener: expected a function');
    if (this.#ended) return () => {};
    // Wrapped so that one function added twice is two subscriptions.
    const entry = (event: T) => listener(event);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  emit(event: T): void {
    if (this.#ended) return;
    for (const sink of [...this.#sinks]) sink(event);
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch {
        // A listener's failure must not stop the others or the recipe.
      }
    }
  }

  /** Ends every iterator (after what it buffered) and drops every listener. Idempotent. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#listeners.clear();
    for (const sink of [...this.#sinks]) sink(undefined);
  }

  iterate(signal?: AbortSignal): AsyncIterableIterator<T> {
    const buffered: T[] = [];
    let wake: (() => void) | undefined;
    let done = this.#ended;
    const sink = (event: T | undefined) => {
      if (event === undefined) stop();
      else buffered.push(event);
      wake?.();
    };
    const onAbort = () => wake?.();
    const stop = () => {
      done = true;
      this.#sinks.delete(sink);
      signal?.removeEventListener('abort', onAbort);
    };
    if (!done) {
      this.#sinks.add(sink);
      signal?.addEventListener('abort', onAbort, { once: true });
    }
    const iterator: AsyncIterableIterator<T> = {
      [Symbol.asyncIterator]: () => iterator,
      next: async () => {
        for (;;) {
          if (signal?.aborted) {
            stop();
            throw signal.reason;
          }
          if (buffered.length > 0) return { value: buffered.shift() as T, done: false };
          if (done) return { value: undefined, done: true };
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = undefined;
        }
      },
      return: async () => {
        stop();
        buffered.length = 0;
        return { value: undefined, done: true };
      },
    };
    return iterator;
  }
}
