import type { WatcherEvent } from '@zookit/protocol';
import { stripChroot } from '../connect-string.js';
import type { Logger } from '../options.js';
import type { WatchEventType } from './watch-event.js';
import { deliver, type WatchRegistry, watchEventTypeOf } from './watch-registry.js';

/**
 * Turns server notifications into watcher calls. Calls are queued as microtasks, after the
 * reactions to replies already settled, so watchers and awaiting callers see the server's frames
 * in wire order (an event before the reply of the write that caused it).
 */
export class WatchDispatcher {
  readonly #registry: WatchRegistry;
  readonly #chroot: string | undefined;
  readonly #logger: Logger;

  constructor(registry: WatchRegistry, chroot: string | undefined, logger: Logger) {
    this.#registry = registry;
    this.#chroot = chroot;
    this.#logger = logger;
  }

  /** A notification (xid -1) from the server. */
  onServerEvent(event: WatcherEvent): void {
    const type = watchEventTypeOf(event.type);
    if (!type) {
      this.#logger.warn?.({ type: event.type, path: event.path }, 'ignored a watch event of unknown type');
      return;
    }
    const watchers = this.#registry.materialize(type, event.path);
    if (watchers.length > 0) this.#deliver(watchers, type, event.path);
  }

  /** Ends every watch without a trigger (`SessionExpired` or `Closed`). */
  endAll(type: WatchEventType): void {
    for (const [path, watchers] of this.#registry.drainByPath()) this.#deliver(watchers, type, path);
  }

  #deliver(watchers: Parameters<typeof deliver>[0], type: WatchEventType, serverPath: string): void {
    const event = { type, path: stripChroot(this.#chroot, serverPath) };
    queueMicrotask(() => deliver(watchers, event, (err) => this.#logger.error?.({ err }, 'watcher threw')));
  }
}
