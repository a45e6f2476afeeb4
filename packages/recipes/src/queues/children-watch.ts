import {
  ConnectionLossError,
  NoNodeError,
  SessionExpiredError,
  type Watcher,
  type ZooKeeperClient,
} from '@zookit/client';
import { wakeOn } from '../locks/wake-on.js';

/**
 * A children watch kept armed across listings: the first listing sets it, later listings read
 * without a watch until it fires, so a busy consumer holds one watch per path however often it
 * lists. `cancel()` removes it if it has not fired (close leaves no watch behind).
 */
export class ChildrenWatch {
  readonly #client: ZooKeeperClient;
  readonly #path: string;
  readonly #onFire: () => void;
  #armed = false;
  readonly #watcher: Watcher = () => {
    this.#armed = false;
    this.#onFire();
  };

  constructor(client: ZooKeeperClient, path: string, onFire: () => void) {
    this.#client = client;
    this.#path = path;
    this.#onFire = onFire;
  }

  /** The children, arming the watch if it is not; `undefined` when the node does not exist (no watch is then set). */
  async list(signal: AbortSignal): Promise<string[] | undefined> {
    const arm = !this.#armed;
    if (arm) this.#armed = true;
    try {
      const { children } = await this.#client.getChildren(
        this.#path,
        arm ? { watch: this.#watcher, signal } : { signal },
      );
      return children;
    } catch (err) {
      // A failed read set no watch (the client drops the registration of an abandoned one).
      if (arm) this.#armed = false;
      if (err instanceof NoNodeError) return undefined;
      throw err;
    }
  }

  /** Removes the watch unless it fired. Never throws. */
  async cancel(): Promise<void> {
    if (!this.#armed) return;
    this.#armed = false;
    await removeChildrenWatch(this.#client, this.#path, this.#watcher);
  }
}

/** Removes one children watch of `watcher` on `path`. Never throws. */
export async function removeChildrenWatch(client: ZooKeeperClient, path: string, watcher: Watcher): Promise<void> {
  // NoWatcher (nothing was set, or it fired meanwhile) and connection errors are both fine: a
  // local removal cannot fail, and the server forgets the watch with the session anyway.
  await client
    .removeWatches(path, { type: 'children', watcher, local: !client.connectedServer })
    .catch(() => undefined);
}

/** What a {@link waitForChildren} check decides from one listing (`undefined`: the node is missing). */
export type ChildrenVerdict = 'done' | 'wait' | 'again';

/**
 * Lists `path`'s children with a one-shot watch until `check` says `done` (then resolves with
 * that listing), waiting for the watch after `wait` and listing again at once after `again`
 * (`check` may have changed something, e.g. created the missing node). A listing cut off by a
 * connection or session loss is asked again. No watch is left behind on any path, `signal`'s
 * abort included (rejects with its reason).
 */
export async function waitForChildren(
  client: ZooKeeperClient,
  path: string,
  signal: AbortSignal,
  check: (children: string[] | undefined) => ChildrenVerdict | Promise<ChildrenVerdict>,
): Promise<string[] | undefined> {
  for (;;) {
    const wake = wakeOn(signal);
    let children: string[] | undefined;
    try {
      children = (await client.getChildren(path, { watch: wake.watcher, signal })).children;
    } catch (err) {
      wake.dispose();
      if (err instanceof ConnectionLossError || err instanceof SessionExpiredError) continue;
      if (!(err instanceof NoNodeError)) throw err;
      // No node, no watch set: the check must decide `done` or `again`, never `wait`.
      if ((await check(undefined)) === 'done') return undefined;
      continue;
    }
    const verdict = await check(children);
    if (verdict !== 'wait') {
      if (!wake.watchFired) await removeChildrenWatch(client, path, wake.watcher);
      wake.dispose();
      if (verdict === 'done') return children;
      continue;
    }
    try {
      await wake.promise;
    } catch (err) {
      await removeChildrenWatch(client, path, wake.watcher);
      throw err;
    }
  }
}
