import type { LogEntry } from '../core/log-entry.js';
import type { Recovered, Storage } from './storage.js';

/**
 * No persistence: an entry is "durable" as soon as it is appended (a test server that loses
 * everything when the process ends). With `retain: true` the entries are kept, so that a server
 * restarted on the same MemoryStorage in this process recovers them (memory then grows with
 * every write); by default nothing is kept.
 */
export class MemoryStorage implements Storage {
  readonly #entries: LogEntry[] = [];
  readonly #retain: boolean;
  #onDurable: ((zxid: bigint) => void) | undefined;

  constructor(options: { retain?: boolean } = {}) {
    this.#retain = options.retain ?? false;
  }

  async open(onDurable: (zxid: bigint) => void): Promise<Recovered> {
    this.#onDurable = onDurable;
    return { snapshot: undefined, entries: [...this.#entries] };
  }

  append(entry: LogEntry): void {
    if (this.#retain) this.#entries.push(entry);
    this.#onDurable?.(entry.zxid);
  }

  async close(): Promise<void> {
    this.#onDurable = undefined;
  }
}
