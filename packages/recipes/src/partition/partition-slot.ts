import { NodeExistsError, NoNodeError, type WatchEvent, type ZooKeeperClient } from '@zookit/client';
import { ensureParents } from '../internal/paths.js';
import { Serial } from '../internal/serial.js';
import { deleteOwnNode, removeOwnWatch } from '../nodes/own-node.js';

/** Runs the work of one partition while it is owned; `signal` aborts when the partition is revoked or lost. */
export type PartitionWorker = (
  partition: string,
  context: { readonly token: bigint; readonly signal: AbortSignal },
) => Promise<void>;

/** Why a member stopped owning a partition. */
export type RevokeReason = 'reassigned' | 'lost' | 'closed';

/** What a slot reports to its assigner. */
export interface SlotEvents {
  assigned(partition: string, token: bigint): void;
  revoked(partition: string, token: bigint, reason: RevokeReason): void;
  workerFailed(partition: string, error: unknown): void;
}

/** The context every slot of one assigner shares. */
export interface SlotContext {
  readonly client: ZooKeeperClient;
  readonly ownersPath: string;
  readonly memberId: string;
  readonly worker: PartitionWorker | undefined;
  readonly events: SlotEvents;
}

/**
 * One partition as seen by one member: takes `owners/<p>` when the assignment gives it p and
 * releases it when the assignment takes it away. Safety rules:
 * - work starts only after our own create of `owners/<p>` succeeded (or the node found there
 *   is owned by our current session: a create whose reply was lost); its czxid is the token;
 * - a node held by another session is waited for with an exists watch, never polled, with no
 *   retry budget: the previous owner releases it or its session ends;
 * - the node is deleted only after the worker settled, and only the incarnation we created.
 */
export class PartitionSlot {
  readonly partition: string;
  readonly #ctx: SlotContext;
  readonly #path: string;
  readonly #serial = new Serial();
  #wanted = false;
  #generation = 0;
  #owned: { token: bigint; controller: AbortController; settled: Promise<void> } | undefined;
  #watching = false;

  constructor(ctx: SlotContext, partition: string) {
    this.#ctx = ctx;
    this.partition = partition;
    this.#path = `${ctx.ownersPath}/${partition}`;
  }

  /** The token while owned. */
  get token(): bigint | undefined {
    return this.#owned?.token;
  }

  /** Sets whether the assignment (of `generation`) gives us this partition, and acts on it. */
  want(wanted: boolean, generation: number): void {
    this.#wanted = wanted;
    this.#generation = generation;
    this.kick();
  }

  /** Acts on what is wanted now (again after a failure, e.g. on reconnect). */
  kick(): void {
    this.#serial.run(() => this.#step()).catch(() => undefined);
  }

  /**
   * The session ended: the node died with it. Stops the worker at once (a zombie must not go
   * on), forgets the watch, and wants nothing until the next assignment is read.
   */
  lost(): Promise<void> {
    this.#wanted = false;
    this.#watching = false;
    const owned = this.#owned;
    owned?.controller.abort(new Error(`partition ${this.partition}: session lost`));
    return this.#serial.run(async () => {
      if (this.#owned !== owned || !owned) return;
      await owned.settled;
      this.#owned = undefined;
      this.#ctx.events.revoked(this.partition, owned.token, 'lost');
    });
  }

  /** Releases the partition (worker stopped, node deleted) and removes our watch. */
  close(): Promise<void> {
    this.#wanted = false;
    return this.#serial.run(async () => {
      await this.#release('closed');
      await this.#unwatch();
    });
  }

  async #step(): Promise<void> {
    if (this.#wanted && !this.#owned) await this.#take();
    else if (!this.#wanted && this.#owned) await this.#release('reassigned');
    if (!this.#wanted) await this.#unwatch();
  }

  async #take(): Promise<void> {
    const { client, memberId } = this.#ctx;
    const data = JSON.stringify({ memberId, generation: this.#generation });
    for (;;) {
      try {
        const { stat } = await client.create(this.#path, data, { mode: 'ephemeral' });
        return this.#start(stat.czxid);
      } catch (err) {
        if (err instanceof NoNodeError) {
          await ensureParents(client, this.#path);
          continue;
        }
        if (!(err instanceof NodeExistsError)) throw err;
      }
      this.#watching = true;
      const { stat } = await client.exists(this.#path, { watch: this.#onOwnerEvent });
      if (!stat) continue; // released meanwhile (the watch now waits for a creation: harmless)
      if (stat.ephemeralOwner === client.sessionId) return this.#start(stat.czxid);
      return; // held by another session: its deletion wakes us
    }
  }

  #start(token: bigint): void {
    const controller = new AbortController();
    const { worker, events } = this.#ctx;
    const settled = worker
      ? Promise.resolve()
          .then(() => worker(this.partition, { token, signal: controller.signal }))
          .then(
            () => undefined,
            (err: unknown) => {
              if (!controller.signal.aborted) events.workerFailed(this.partition, err);
            },
          )
      : Promise.resolve();
    this.#owned = { token, controller, settled };
    events.assigned(this.partition, token);
  }

  async #release(reason: RevokeReason): Promise<void> {
    const owned = this.#owned;
    if (!owned) return;
    owned.controller.abort(new Error(`partition ${this.partition}: ${reason}`));
    await owned.settled;
    // Deleted only after the worker settled: until then nobody else may start.
    await deleteOwnNode(this.#ctx.client, this.#path, owned.token);
    this.#owned = undefined;
    this.#ctx.events.revoked(this.partition, owned.token, reason);
  }

  readonly #onOwnerEvent = (event: WatchEvent): void => {
    this.#watching = false;
    if (event.type === 'NodeDeleted' || event.type === 'NodeCreated') this.kick();
  };

  async #unwatch(): Promise<void> {
    if (!this.#watching) return;
    this.#watching = false;
    await removeOwnWatch(this.#ctx.client, this.#path, this.#onOwnerEvent, 'data');
  }
}
