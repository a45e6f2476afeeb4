/**
 * PartitionAssigner — spreads a fixed set of partitions over the members of a group: one
 * leader computes the assignment, each member takes and releases its own partitions, and each
 * partition's owner holds a fencing token (reference §5.2). Nodes under `path`:
 * - `members/<memberId>`: EPHEMERAL (a PersistentNode), data `{capacity, sessionId}`;
 * - `leader/`: a LeaderLatch; its leader is the only writer of the assignment;
 * - `assignment`: PERSISTENT JSON `{generation, partitions, membersView, membersZxid}`, written
 *   with `multi([check(leader's latch node), setData(assignment, version)])`, so a deposed
 *   leader cannot write;
 * - `owners/<partition>`: EPHEMERAL, created by the member that took the partition; its czxid
 *   is the partition's fencing token (a bigint that grows with every change of owner).
 *
 * Guarantees: a member starts a partition's worker only after its own `owners/<p>` create
 * succeeded, and deletes the node only after the worker settled, so two members' workers for
 * one partition never overlap while both sessions live; a new owner waits (exists watch, no
 * polling, no retry budget) until the old owner released or its session ended. After a
 * session ends the old owner's worker may still be running when the server has already let
 * another take over (a zombie): downstream writes must carry the token (see FencedStore).
 * Assignment changes are incremental: only partitions whose owner changes stop.
 *
 * Failure semantics:
 * - suspended: workers keep running (the session may be alive); `onPartitionsAtRisk(signal)`
 *   is called, its signal aborting on reconnect (same session) or once the partitions are
 *   dropped on loss. The leader's latch follows the standard policy: it stops leading.
 * - reconnected (same session): the assignment is read again and acted on.
 * - lost / session expiry: every worker's signal aborts (reason: session lost) and, once they
 *   settled, the partitions are revoked (`reason: 'lost'`); the server has deleted our nodes.
 *   On the new session the member joins again and takes what the next assignment gives it.
 * - close(): stops every worker, waits for them, deletes our owner nodes, leaves the group and
 *   the election, removes every watch and listener; idempotent. The assignment node stays.
 */
import type { ConnectionStateEvent, WatchEvent, ZooKeeperClient } from '@zookit/client';
import { childPath } from '../cache/cache-node.js';
import { EventChannel } from '../internal/event-channel.js';
import { checkPath } from '../internal/paths.js';
import { Serial } from '../internal/serial.js';
import { LeaderLatch } from '../leader/leader-latch.js';
import { removeOwnWatch } from '../nodes/own-node.js';
import { PersistentNode } from '../nodes/persistent-node.js';
import { type AssignFunction, assignPartitions } from './assign-partitions.js';
import { leadAssignment } from './assignment-leader.js';
import { readAssignment } from './assignment-record.js';
import { checkOptions } from './partition-assigner-options.js';
import { PartitionSlot, type PartitionWorker, type RevokeReason } from './partition-slot.js';

export type { PartitionWorker, RevokeReason } from './partition-slot.js';

/** Options of a {@link PartitionAssigner}. */
export interface PartitionAssignerOptions {
  /** This member's id: a node name, unique in the group. */
  readonly memberId: string;
  /** The partitions: their names, or a count n for `'0'`…`'n-1'`. */
  readonly partitions: number | readonly string[];
  /** Runs each owned partition's work; see {@link PartitionWorker}. Optional: events alone also work. */
  readonly worker?: PartitionWorker;
  /** This member's weight for the default assignment. Default 1; 0 takes nothing. */
  readonly capacity?: number;
  /** Computes the assignment (leader only). Default {@link assignPartitions}, sticky and balanced. */
  readonly assign?: AssignFunction;
  /** How long the leader lets membership changes gather before it recomputes, in ms. Default 1000. */
  readonly debounce?: number;
  /** Called when the connection is suspended while started; `signal` aborts when the risk is over. */
  readonly onPartitionsAtRisk?: (signal: AbortSignal) => void;
}

/** What a {@link PartitionAssigner} reports. */
export type PartitionAssignerEvent =
  | { readonly type: 'assigned'; readonly partition: string; readonly token: bigint }
  | { readonly type: 'revoked'; readonly partition: string; readonly token: bigint; readonly reason: RevokeReason }
  | { readonly type: 'generation'; readonly generation: number; readonly partitions: readonly string[] }
  | { readonly type: 'worker-failed'; readonly partition: string; readonly error: unknown }
  | { readonly type: 'error'; readonly error: unknown };

type RecipeState = 'latent' | 'started' | 'closed';

export class PartitionAssigner implements AsyncDisposable {
  readonly path: string;
  readonly memberId: string;
  readonly partitions: readonly string[];
  readonly #client: ZooKeeperClient;
  readonly #options: ReturnType<typeof checkOptions>;
  readonly #node: PersistentNode;
  readonly #latch: LeaderLatch;
  readonly #slots: ReadonlyMap<string, PartitionSlot>;
  readonly #channel = new EventChannel<PartitionAssignerEvent>();
  readonly #serial = new Serial();
  readonly #closing = new AbortController();
  #state: RecipeState = 'latent';
  #generation = 0;
  #appliedZxid = -1n;
  #watching = false;
  #atRisk: AbortController | undefined;
  #leading: Promise<void> = Promise.resolve();
  #unsubscribe: (() => void) | undefined;

  constructor(client: ZooKeeperClient, path: string, options: PartitionAssignerOptions) {
    this.path = checkPath('path', path);
    this.#options = checkOptions(options);
    this.memberId = this.#options.memberId;
    this.partitions = this.#options.partitions;
    this.#client = client;
    this.#node = new PersistentNode(client, childPath(this.#sub('members'), this.memberId), {
      mode: 'ephemeral',
      data: JSON.stringify({ capacity: this.#options.capacity }),
    });
    this.#latch = new LeaderLatch(client, this.#sub('leader'), { id: this.memberId });
    const ctx = {
      client,
      ownersPath: this.#sub('owners'),
      memberId: this.memberId,
      worker: this.#options.worker,
      events: {
        assigned: (partition: string, token: bigint) => this.#channel.emit({ type: 'assigned', partition, token }),
        revoked: (partition: string, token: bigint, reason: RevokeReason) =>
          this.#channel.emit({ type: 'revoked', partition, token, reason }),
        workerFailed: (partition: string, error: unknown) =>
          this.#channel.emit({ type: 'worker-failed', partition, error }),
      },
    };
    this.#slots = new Map(this.partitions.map((p) => [p, new PartitionSlot(ctx, p)]));
  }

  get state(): RecipeState {
    return this.#state;
  }

  /** The generation of the last assignment this member acted on (0 before any). */
  get generation(): number {
    return this.#generation;
  }

  /** Whether this member is the assigner's leader now. */
  get isLeader(): boolean {
    return this.#latch.hasLeadership;
  }

  /** The partitions this member owns now, with their tokens. */
  owned(): Map<string, bigint> {
    const owned = new Map<string, bigint>();
    for (const [p, slot] of this.#slots) if (slot.token !== undefined) owned.set(p, slot.token);
    return owned;
  }

  /**
   * Joins: resolves once our member node exists and the current assignment was read (partitions
   * are taken in the background). Rejects with `signal.reason`; the assigner is then closed.
   */
  async start(options: { signal?: AbortSignal } = {}): Promise<void> {
    if (this.#state !== 'latent') throw new Error(`PartitionAssigner ${this.path} cannot start: it is ${this.#state}`);
    this.#state = 'started';
    this.#unsubscribe = this.#client.onStateChange((e) => this.#onState(e));
    try {
      this.#node.start();
      await this.#node.waitForInitialCreate(options);
      await this.#latch.start();
      this.#leading = this.#lead();
      await this.#serial.run(() => this.#readAssignment());
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  /** Calls `listener` with every event. Returns the unsubscribe function. */
  on(listener: (event: PartitionAssignerEvent) => void): () => void {
    return this.#channel.on(listener);
  }

  /** Events from now on; ends when the assigner closes, rejects with `signal.reason`. */
  events(options: { signal?: AbortSignal } = {}): AsyncIterableIterator<PartitionAssignerEvent> {
    return this.#channel.iterate(options.signal);
  }

  /**
   * Whether the group has converged: every partition of the current assignment has an
   * `owners/` node of the member it is assigned to. Reads the server (any member may ask; the
   * leader's is the view that matters to operators).
   */
  async isBalanced(options: { signal?: AbortSignal } = {}): Promise<boolean> {
    const { signal } = options;
    const read = await readAssignment(this.#client, this.#sub('assignment'), { signal });
    if (!read) return false;
    const owners = await Promise.all(
      this.partitions.map((p) =>
        this.#client.getData(childPath(this.#sub('owners'), p), { signal }).then(
          ({ data }) => (JSON.parse(data?.toString('utf8') ?? '{}') as { memberId?: string }).memberId,
          () => undefined,
        ),
      ),
    );
    return this.partitions.every((p, i) => read.record.partitions[p] === owners[i]);
  }

  /** Stops every worker, releases every partition, leaves; removes watches and listeners. Idempotent. */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#unsubscribe?.();
    this.#closing.abort(new Error(`PartitionAssigner ${this.path} is closed`));
    await this.#latch.close();
    await this.#leading;
    await Promise.all([...this.#slots.values()].map((slot) => slot.close()));
    await this.#serial.run(() => this.#unwatch());
    await this.#node.close();
    this.#atRisk?.abort(new Error('closed'));
    this.#channel.end();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #sub(name: string): string {
    return childPath(this.path, name);
  }

  /** Leads whenever the latch grants leadership, until close. */
  async #lead(): Promise<void> {
    const signal = this.#closing.signal;
    while (!signal.aborted) {
      let leadership: Awaited<ReturnType<LeaderLatch['awaitLeadership']>>;
      try {
        leadership = await this.#latch.awaitLeadership({ signal });
      } catch {
        return; // closed
      }
      await leadAssignment(this.#client, {
        membersPath: this.#sub('members'),
        assignmentPath: this.#sub('assignment'),
        partitions: this.partitions,
        assign: this.#options.assign,
        debounce: this.#options.debounce,
        latchNode: leadership.path,
        signal: leadership.signal,
        onError: (error) => this.#channel.emit({ type: 'error', error }),
      });
    }
  }

  #onState(e: ConnectionStateEvent): void {
    if (this.#state !== 'started') return;
    if (e.state === 'closed') {
      void this.close();
    } else if (e.state === 'suspended') {
      if (this.#atRisk) return;
      this.#atRisk = new AbortController();
      try {
        this.#options.onPartitionsAtRisk?.(this.#atRisk.signal);
      } catch {
        // The user's callback must not stop the recipe.
      }
    } else if (e.state === 'lost') {
      this.#watching = false;
      const risk = this.#atRisk;
      this.#atRisk = undefined;
      void Promise.all([...this.#slots.values()].map((slot) => slot.lost())).then(() =>
        risk?.abort(new Error('partitions dropped: session lost')),
      );
    } else if (e.state === 'reconnected') {
      if (!e.newSession) {
        this.#atRisk?.abort(new Error('reconnected'));
        this.#atRisk = undefined;
      }
      for (const slot of this.#slots.values()) slot.kick();
      this.#background();
    }
  }

  readonly #onAssignment = (event: WatchEvent): void => {
    this.#watching = false;
    if (event.type === 'NodeDataChanged' || event.type === 'NodeCreated' || event.type === 'NodeDeleted') {
      this.#background();
    }
  };

  #background(): void {
    if (this.#state !== 'started') return;
    this.#serial.run(() => this.#readAssignment()).catch(() => undefined);
  }

  /** Reads the assignment (setting the watch) and hands each slot what it should own. */
  async #readAssignment(): Promise<void> {
    if (this.#state !== 'started') return;
    this.#watching = true;
    const read = await readAssignment(this.#client, this.#sub('assignment'), {
      watch: this.#onAssignment,
      signal: this.#closing.signal,
    });
    // A read older than the one applied (answered by a lagging server after a reconnect) is ignored.
    if (!read || read.stat.mzxid < this.#appliedZxid || this.#state !== 'started') return;
    const fresh = read.stat.mzxid !== this.#appliedZxid;
    this.#appliedZxid = read.stat.mzxid;
    const { generation, partitions } = read.record;
    this.#generation = generation;
    const ours = this.partitions.filter((p) => partitions[p] === this.memberId);
    for (const [p, slot] of this.#slots) slot.want(partitions[p] === this.memberId, generation);
    if (fresh) this.#channel.emit({ type: 'generation', generation, partitions: ours });
  }

  async #unwatch(): Promise<void> {
    if (!this.#watching) return;
    this.#watching = false;
    await removeOwnWatch(this.#client, this.#sub('assignment'), this.#onAssignment, 'any');
  }
}
