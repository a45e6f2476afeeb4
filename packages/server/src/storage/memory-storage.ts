import type { LogEntry } from '../core/log-entry.js';
import type { Recovered, Storage } from './storage.js';

/**
 * No persistence: an entry is "durable" as soon as it is appended (a test server that loses
 * everything when the process ends). Entries are kept so that a server restarted on the same
 * MemoryStorage in the same process recovers them.
 */
export class MemoryStorage implements Storage {
  readonly #entries: LogEntry[] = [];
  #onDurable: ((zxid: bigint) => void) | undefined;

  async open(onDurable: (zxid: bigint) => void): Promise<Recovered> {
    this.#onDurable = onDurable;
    return { snapshot: undefined, entries: [...this.#entries] };
  }

  append(entry: LogEntry): void {
    this.#entries.push(entry);
    this.#onDurable?.(entry.zxid);
  }

  async close(): Promise<void> {
    this.#onDurable = undefined;
  }
}
