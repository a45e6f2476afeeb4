import { performance } from 'node:perf_hooks';
import type { ConnectionStateEvent, ZooKeeperClient } from '@zookit/client';
import { waitUntil } from '@zookit/testing';

/** Records a client's state events with the time they arrived, for assertions on order and timing. */
export class StateRecorder {
  readonly events: Array<ConnectionStateEvent & { at: number }> = [];
  readonly #off: () => void;

  constructor(zk: ZooKeeperClient) {
    this.#off = zk.onStateChange((e) => this.events.push({ ...e, at: performance.now() }));
  }

  get states(): string[] {
    return this.events.map((e) => e.state);
  }

  /** Resolves with the first event of `state` (waiting up to `timeout` ms), or rejects. */
  async next(state: ConnectionStateEvent['state'], timeout = 15_000): Promise<ConnectionStateEvent & { at: number }> {
    await waitUntil(async () => this.events.some((e) => e.state === state), {
      timeout,
      interval: 10,
      description: `state ${state}`,
    });
    return this.events.find((e) => e.state === state) as ConnectionStateEvent & { at: number };
  }

  stop(): void {
    this.#off();
  }
}
