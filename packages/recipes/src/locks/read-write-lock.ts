/**
 * ReadWriteLock — a distributed read/write lock compatible with Curator's
 * InterProcessReadWriteLock: one path, writers' nodes `_c_<uuid>-__WRIT__NNNNNNNNNN`, readers'
 * `_c_<uuid>-__READ__NNNNNNNNNN`, ordered by the sequence whichever half they belong to. Fair:
 * holders are granted in queue order; readers in a row hold together.
 *
 * - A writer waits for every earlier node and watches its immediate predecessor.
 * - A reader waits only for earlier writers and watches the nearest one (never a later node).
 * - Downgrade: an `owner` holding the write lock may take the read lock at once; the read node
 *   gets the writer's sequence (Curator's CURATOR-621 fix), so writers queued behind stay
 *   blocked until the read is released too.
 * - Upgrade: an `owner` holding a lease asking for the write lock is refused at once with
 *   {@link LockRefusedError} — it would wait for itself forever. So is a second write by the
 *   owner of the write lock (not reentrant). A read by an owner already holding a read is
 *   granted at once beside that read (a queued writer between would otherwise deadlock it).
 *   Once ZooKeeper 3.8's counter saturated (every node named `…2147483647`), a writer queued
 *   behind may share the lease's sequence and be older than the new read, which could then not
 *   keep it out: that read is refused with {@link LockRefusedError} (`tied`), leaving no node.
 *
 * Failure semantics (as Mutex):
 * - suspended: waiters keep waiting; a holder's `lease.signal` aborts under the standard error
 *   policy (default), not under the session policy.
 * - lost / session expiry: the server deletes the holder's node and the next in line acquire;
 *   the old lease's signal aborts (`lost`) and its `release()` is a no-op. A waiter whose node
 *   died with the session joins again with a new node.
 * - close of the client: leases end (`closed`); pending acquires reject.
 * - a cancelled (`signal`) or failed acquire deletes its node before rejecting.
 * Owners are tracked per ReadWriteLock object, from grant until `release()`; without `owner`,
 * every acquire is a holder of its own (a process asking for the write lock while it holds a
 * read then waits forever). A lease whose signal aborted still counts against an upgrade but
 * no longer lets the owner read beside it: release it first.
 */
import type { ZooKeeperClient } from '@zookit/client';
import type { ConnectionErrorPolicy } from '../connection-error-policy.js';
import { deleteQuietly } from '../internal/delete-quietly.js';
import { checkPath } from '../internal/paths.js';
import { orderChildrenOf } from '../internal/sequence-order.js';
import { createOwnNode } from './create-own-node.js';
import { grantLease } from './grant-lease.js';
import type { Lease } from './lease.js';
import { LockEngine } from './lock-engine.js';
import {
  isWriter,
  READ_LOCK_NAME,
  readerPolicy,
  readWriteKey,
  readWriteOrder,
  WRITE_LOCK_NAME,
  writerPolicy,
} from './read-write-order.js';

/** Options of a {@link ReadWriteLock}. */
export interface ReadWriteLockOptions {
  /** Default `'standard'`: a holder's lease ends on `suspended`. */
  readonly errorPolicy?: ConnectionErrorPolicy;
}

/** Options of one acquire of either half. */
export interface ReadWriteAcquireOptions {
  /** Bounds the wait: the acquire rejects with `signal.reason` and leaves no node behind. */
  readonly signal?: AbortSignal;
  /** Who acquires (any object): enables downgrade and the refusal of upgrades. */
  readonly owner?: object;
  /** Stored in the lock node (Curator's lockData). */
  readonly data?: Uint8Array | string;
}

/**
 * A refused acquire that could only deadlock, an upgrade (read → write) or a second write by
 * the same owner, or a downgrade that could not keep queued writers out (`tied`: see
 * {@link ReadWriteLock}).
 */
export class LockRefusedError extends Error {
  override readonly name = 'LockRefusedError';
  readonly reason: 'upgrade' | 'reentry' | 'tied';

  constructor(reason: LockRefusedError['reason'], path: string) {
    super(
      reason === 'upgrade'
        ? `${path}: the owner holds the read lock; taking the write lock would wait for itself (release the read lock first)`
        : reason === 'reentry'
          ? `${path}: the owner already holds the write lock, which is not reentrant`
          : `${path}: a writer queued behind the owner's lease shares its sequence ${SATURATED} (ZooKeeper 3.8's saturated counter), so a read beside that lease would not keep it out; release and acquire the read lock instead`,
    );
    this.reason = reason;
  }
}

type Mode = 'read' | 'write';
/** The only suffix a saturated ZooKeeper 3.8 counter hands out again (docs/compatibility.md). */
const SATURATED = '2147483647';
interface Held {
  readonly mode: Mode;
  readonly lease: Lease;
}

export class ReadWriteLock {
  readonly path: string;
  readonly #client: ZooKeeperClient;
  readonly #errorPolicy: ConnectionErrorPolicy;
  readonly #engines: Record<Mode, LockEngine>;
  readonly #halves: Record<Mode, ReadWriteLockHalf>;
  readonly #owners = new Map<object, Set<Held>>();

  constructor(client: ZooKeeperClient, path: string, options: ReadWriteLockOptions = {}) {
    this.path = checkPath('path', path);
    this.#client = client;
    this.#errorPolicy = options.errorPolicy ?? 'standard';
    const engine = (lockName: string, policy: typeof readerPolicy, kind: string) =>
      new LockEngine({
        client,
        basePath: path,
        lockName,
        policy,
        errorPolicy: this.#errorPolicy,
        order: readWriteOrder,
        recipe: 'ReadWriteLock',
        kind,
      });
    this.#engines = {
      read: engine(READ_LOCK_NAME, readerPolicy, 'ReadWriteLock (read)'),
      write: engine(WRITE_LOCK_NAME, writerPolicy, 'ReadWriteLock (write)'),
    };
    const half = (mode: Mode) =>
      new ReadWriteLockHalf(mode, path, (options, wait) => this.#acquire(mode, options, wait));
    this.#halves = { read: half('read'), write: half('write') };
  }

  /** The shared half: any number of readers hold it together while no writer does. */
  readLock(): ReadWriteLockHalf {
    return this.#halves.read;
  }

  /** The exclusive half. */
  writeLock(): ReadWriteLockHalf {
    return this.#halves.write;
  }

  async #acquire(mode: Mode, options: ReadWriteAcquireOptions, wait: boolean): Promise<Lease | undefined> {
    const { owner, signal } = options;
    const data = toBytes(options.data);
    const held = owner ? [...(this.#owners.get(owner) ?? [])] : [];
    if (mode === 'write' && held.length > 0) {
      throw new LockRefusedError(held.some((h) => h.mode === 'write') ? 'reentry' : 'upgrade', this.path);
    }
    let lease: Lease | undefined;
    // The write node if held, else a read node: a read beside it sorts before every queued writer.
    const anchor =
      held.find((h) => h.mode === 'write' && !h.lease.signal.aborted) ?? held.find((h) => !h.lease.signal.aborted);
    if (mode === 'read' && anchor) lease = await this.#readBeside(anchor.lease, data, signal);
    lease ??= wait
      ? await this.#engines[mode].acquire(signal, data)
      : await this.#engines[mode].tryAcquire(signal, data);
    return lease && owner ? this.#track(owner, mode, lease) : lease;
  }

  /**
   * Takes the read lock beside a lease the owner holds, with a node that has the same sequence
   * (Curator names it so too). Resolves `undefined` if that lease turns out to have ended.
   */
  async #readBeside(
    anchor: Lease,
    data: Uint8Array | null,
    signal: AbortSignal | undefined,
  ): Promise<Lease | undefined> {
    const sequence = readWriteKey(anchor.path.slice(anchor.path.lastIndexOf('/') + 1));
    const node = await createOwnNode(
      this.#client,
      `${this.path}/${READ_LOCK_NAME}${sequence}`,
      data,
      'ephemeral',
      signal,
    );
    // The anchor must have been held when our node appeared: same session, not released. Its
    // release aborts its signal before deleting its node, so no writer can have been granted
    // in between.
    let tied = false;
    if (node.stat.ephemeralOwner === anchor.sessionId && !anchor.signal.aborted) {
      try {
        tied = sequence === SATURATED && (await this.#writerBefore(node.path, anchor.path, signal));
      } catch (err) {
        await deleteQuietly(this.#client, node.path);
        throw err;
      }
      if (!tied) {
        return grantLease(this.#client, node.path, node.stat, this.#errorPolicy, {
          recipe: 'ReadWriteLock',
          path: this.path,
        });
      }
    }
    await deleteQuietly(this.#client, node.path);
    if (tied) throw new LockRefusedError('tied', this.path);
    return undefined;
  }

  /**
   * Whether a writer other than `anchor` sorts before `node`. Only possible once ZooKeeper 3.8's
   * counter saturated: a writer queued behind the anchor may share its suffix and be older than
   * our read, so the read would not keep it out (ties go by czxid), and no name can fix that.
   */
  async #writerBefore(node: string, anchor: string, signal: AbortSignal | undefined): Promise<boolean> {
    const { children } = await this.#client.getChildren(this.path, { signal });
    const order = await orderChildrenOf(this.#client, this.path, children, readWriteOrder, signal);
    const anchorName = anchor.slice(this.path.length + 1);
    const index = order.indexOf(node.slice(this.path.length + 1));
    return order.slice(0, index < 0 ? order.length : index).some((n) => isWriter(n) && n !== anchorName);
  }

  /** Remembers the lease as the owner's until it is released. */
  #track(owner: object, mode: Mode, lease: Lease): Lease {
    const set = this.#owners.get(owner) ?? new Set<Held>();
    this.#owners.set(owner, set);
    const held: Held = { mode, lease };
    set.add(held);
    const release = async () => {
      set.delete(held);
      if (set.size === 0 && this.#owners.get(owner) === set) this.#owners.delete(owner);
      await lease.release();
    };
    return { ...lease, release, [Symbol.asyncDispose]: release };
  }
}

/** One half of a {@link ReadWriteLock}: `acquire`, `tryAcquire`, `withLock`, as a Mutex. */
export class ReadWriteLockHalf {
  readonly mode: Mode;
  /** The read-write lock's path (shared by both halves). */
  readonly path: string;
  readonly #acquire: (options: ReadWriteAcquireOptions, wait: boolean) => Promise<Lease | undefined>;

  /** @internal Obtained from {@link ReadWriteLock.readLock} / {@link ReadWriteLock.writeLock}. */
  constructor(
    mode: Mode,
    path: string,
    acquire: (options: ReadWriteAcquireOptions, wait: boolean) => Promise<Lease | undefined>,
  ) {
    this.mode = mode;
    this.path = path;
    this.#acquire = acquire;
  }

  /** Waits for this half and returns the lease (token: the czxid of our node). */
  async acquire(options: ReadWriteAcquireOptions = {}): Promise<Lease> {
    return (await this.#acquire(options, true)) as Lease;
  }

  /** Takes this half if it is free now; otherwise leaves no node and resolves `undefined`. */
  tryAcquire(options: ReadWriteAcquireOptions = {}): Promise<Lease | undefined> {
    return this.#acquire(options, false);
  }

  /** Runs `fn` holding this half and releases it afterwards (also when `fn` throws). */
  async withLock<T>(fn: (lease: Lease) => Promise<T> | T, options: ReadWriteAcquireOptions = {}): Promise<T> {
    const lease = await this.acquire(options);
    try {
      return await fn(lease);
    } finally {
      await lease.release();
    }
  }
}

function toBytes(data: Uint8Array | string | undefined): Uint8Array | null {
  if (data === undefined) return null;
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}
