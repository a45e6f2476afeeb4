/**
 * A recipe's change events for listeners (`on` returns the unsubscribe function) and async
 * iterators, in emission order. Iterators buffer and never drop; they finish when the feed
 * ends and reject with `signal.reason` when their signal aborts. Ending drops every listener.
 */
export class ChangeFeed<T> {
  readonly #listeners = new Set<(event: T) => void>();
  readonly #sinks = new Set<(event: T | undefined) => void>();
  #ended = false;

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
    for (const sink of [...this.#sinks]) sink(event);
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch {
        // A listener's failure must not stop the others or the recipe.
      }
    }
  }

  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#listeners.clear();
    for (const sink of [...this.#sinks]) sink(undefined);
  }

  iterate(signal?: AbortSignal): AsyncIterableIterator<T> {
    const buffered: T[] = [];
    let finished = this.#ended;
    let wake: (() => void) | undefined;
    const onAbort = () => wake?.();
    const sink = (event: T | undefined) => {
      if (event === undefined) stop();
      else buffered.push(event);
      wake?.();
    };
    const stop = () => {
      finished = true;
      this.#sinks.delete(sink);
      signal?.removeEventListener('abort', onAbort);
    };
    if (!finished) {
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
          if (finished) return { value: undefined, done: true };
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = undefined;
        }
      },
      return: async () => {
        stop();
        return { value: undefined, done: true };
      },
    };
    return iterator;
  }
}
