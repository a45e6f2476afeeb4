import { type ACL, type ClientInfo, OpCode, type Stat } from '@zookit/protocol';
import { resolveOptions, type ZooKeeperClientOptions } from './client-options.js';
import { connectFailure } from './connect-failure.js';
import { parseConnectString } from './connect-string.js';
import type { ConnectionState, ConnectionStateEvent, ConnectionStateListener } from './connection-state.js';
import { stateChannel, traced } from './diagnostics.js';
import { attempt, checkPath, type OpContext } from './operations/context.js';
import { buildCreate, createRequest } from './operations/create.js';
import { ensurePath, parentsMode, withParents } from './operations/create-parents.js';
import { deleteRecursive } from './operations/delete-recursive.js';
import {
  getACLRequest,
  getAllChildrenNumberRequest,
  getConfigRequest,
  getEphemeralsRequest,
  setACLRequest,
  syncRequest,
  whoAmIRequest,
} from './operations/misc-ops.js';
import {
  multiReadRequest,
  multiRequest,
  type ReadOp,
  type ReadResult,
  type TransactionOp,
  type TransactionResult,
} from './operations/multi.js';
import {
  deleteRequest,
  existsRequest,
  getChildrenRequest,
  getDataRequest,
  setDataRequest,
} from './operations/node-ops.js';
import { protectedCreate } from './operations/protected-create.js';
import { serverWatchRequest } from './operations/watch-ops.js';
import { type RetryAttempt, retry } from './retry/retry.js';
import type { RetryPolicy } from './retry/retry-policy.js';
import { Session } from './session.js';
import { Transaction } from './transaction.js';
import type {
  CreateOptions,
  CreateResult,
  Data,
  EnsembleConfig,
  EnsurePathOptions,
  NodeACL,
  NodeChildren,
  NodeData,
  NodeStat,
  OperationOptions,
  PersistentWatchMode,
  ReadOptions,
  VersionOptions,
  WatcherTypeName,
} from './types.js';
import { type PersistentWatch, persistentWatch } from './watches/persistent-watch.js';
import { removeWatches } from './watches/remove-watches.js';
import type { Watcher } from './watches/watch-event.js';

/**
 * A ZooKeeper client. All operations return promises, take `{ signal }`, and are sent in call
 * order; replies and watch events are delivered in the order the server sent them.
 *
 * Connection: see {@link ConnectionState}. While `suspended`, new requests wait for the next
 * connection; requests in flight when a connection broke fail with ConnectionLoss (they may have
 * been applied). On `lost` every waiting request fails with SessionExpired and every watch ends
 * with a `SessionExpired` event. After `close()` every call rejects with ClientClosedError.
 */
export class ZooKeeperClient implements AsyncDisposable {
  readonly #session: Session;
  readonly #ctx: OpContext;
  readonly #retryPolicy: RetryPolicy;
  #state: ConnectionState | 'connecting' = 'connecting';

  private constructor(session: Session, chroot: string | undefined, retryPolicy: RetryPolicy) {
    this.#session = session;
    this.#ctx = { session, chroot };
    this.#retryPolicy = retryPolicy;
    session.states.on((e) => {
      this.#state = e.state;
      if (stateChannel.hasSubscribers) {
        stateChannel.publish({ state: e.state, sessionId: e.sessionId, newSession: e.newSession, reason: e.reason });
      }
    });
  }

  /**
   * Connects to one of the servers in `connectString` (`host:port,host:port/optional/chroot`)
   * and resolves once a session is established. Rejects at once with InvalidConnectStringError
   * for a connect string it cannot parse (and a TypeError/RangeError naming a bad option); with
   * ConnectionLossError when no server gave a session within `connectTimeout` — its message names
   * each server with what happened to it (ECONNREFUSED, ENOTFOUND, no handshake reply, no answer)
   * and its `cause` is an AggregateError of each failed server's last error; with AuthFailedError
   * when the server refused one of the `auth` credentials (never an anonymous session instead);
   * with `signal.reason` when aborted.
   */
  static async connect(connectString: string, options: ZooKeeperClientOptions = {}): Promise<ZooKeeperClient> {
    const { hosts, chroot } = parseConnectString(connectString);
    const { sessionOptions, retryPolicy } = resolveOptions(options);
    const { connectTimeout } = sessionOptions;
    const session = new Session(hosts, chroot, sessionOptions);
    const client = new ZooKeeperClient(session, chroot, retryPolicy);
    const signals = [AbortSignal.timeout(connectTimeout)];
    if (options.signal) signals.push(options.signal);
    const signal = AbortSignal.any(signals);
    try {
      await session.start(signal);
    } catch (err) {
      // Taken before close(), whose abort of the attempt in progress would be recorded as a failure.
      const failures = new Map(session.attemptFailures);
      await session.close();
      if (options.signal?.aborted) throw options.signal.reason;
      if ((err as Error)?.name === 'TimeoutError') throw connectFailure(connectString, hosts, connectTimeout, failures);
      throw err;
    }
    return client;
  }

  /** The current state (`'connecting'` only before `connect()` resolves). */
  get state(): ConnectionState | 'connecting' {
    return this.#state;
  }

  /** The current session id (0n while a lost session is being replaced). */
  get sessionId(): bigint {
    return this.#session.sessionId;
  }

  /** The current session's password (16 bytes), e.g. to hand the session to another process. */
  get sessionPassword(): Uint8Array {
    return this.#session.sessionPassword;
  }

  /** `host:port` of the server this client is connected to now, `undefined` while disconnected. */
  get connectedServer(): string | undefined {
    return this.#session.server;
  }

  /** The negotiated session timeout in ms. */
  get sessionTimeout(): number {
    return this.#session.sessionTimeout;
  }

  /** The highest zxid seen in a reply; sent when reconnecting so that no server takes us back in time. */
  get lastZxid(): bigint {
    return this.#session.lastZxid;
  }

  /** Number of watcher registrations held by this client (0 when nothing can leak). */
  get watchCount(): number {
    return this.#session.watches.size;
  }

  /** Number of state listeners (iterators included). */
  get stateListenerCount(): number {
    return this.#session.states.listenerCount;
  }

  /** Calls `listener` for every state change, in order. Returns the unsubscribe function. */
  onStateChange(listener: ConnectionStateListener): () => void {
    return this.#session.states.on(listener);
  }

  /** State changes from now on as an async iterable (ends after `closed`; rejects when `signal` aborts). */
  states(options: OperationOptions = {}): AsyncIterableIterator<ConnectionStateEvent> {
    return this.#session.states.iterate(options.signal);
  }

  /**
   * Creates a node; returns its actual path and Stat. See {@link CreateOptions}; with `parents`
   * the missing ancestors are created first (kazoo's `makepath`, Curator's
   * `creatingParentsIfNeeded`).
   */
  create(path: string, data?: Data, options: CreateOptions = {}): Promise<CreateResult> {
    return this.#op('create', path, () => {
      const parents = parentsMode(options.parents);
      // Validates every argument (the protected variant's path too) before anything is sent.
      const spec = buildCreate(this.#ctx, path, data, options);
      const create = (): Promise<CreateResult> =>
        options.protected
          ? protectedCreate(this.#ctx, path, data, options)
          : this.#session.submit(createRequest(this.#ctx, spec, path), options.signal);
      if (parents === undefined) return create();
      return withParents(this.#ctx, path, parents, options.acl, options.signal, create);
    });
  }

  /**
   * Makes sure `path` exists, creating it and its missing ancestors (kazoo's `ensure_path`,
   * Curator's `creatingParentContainersIfNeeded` with `mode: 'container'`, node-zookeeper-client's
   * `mkdirp`). Nodes created get no data, `acl` and `mode` (default persistent); an existing node
   * is left as it is, whoever made it and whatever its ACL. Missing nodes of the chroot are
   * created too. Costs one round trip when everything exists.
   */
  ensurePath(path: string, options: EnsurePathOptions = {}): Promise<void> {
    return this.#op('ensurePath', path, () => {
      const mode = options.mode ?? 'persistent';
      if (mode !== 'persistent' && mode !== 'container') {
        throw new TypeError(`mode: expected 'persistent' or 'container', got ${JSON.stringify(mode)}`);
      }
      return ensurePath(this.#ctx, path, mode, options.acl, options.signal);
    });
  }

  /** Deletes a node (`version` -1, the default, matches any). */
  delete(path: string, options: VersionOptions = {}): Promise<void> {
    return this.#op('delete', path, () =>
      this.#session.submit(deleteRequest(this.#ctx, path, options.version), options.signal),
    );
  }

  /**
   * Deletes `path` and all its descendants (kazoo's `delete(recursive=True)`, Curator's
   * `deletingChildrenIfNeeded`); resolves when none of them exists. A node deleted meanwhile by
   * someone else is fine; a child created meanwhile is listed and deleted too (a node is tried
   * at most 10 times, then NotEmptyError). Not atomic: on failure part of the tree may be gone.
   * Refuses `/`.
   */
  deleteRecursive(path: string, options: OperationOptions = {}): Promise<void> {
    return this.#op('deleteRecursive', path, () => deleteRecursive(this.#ctx, path, options.signal));
  }

  /** The node's Stat, or `null` if it does not exist; a watch then fires on its creation. */
  exists(path: string, options: ReadOptions = {}): Promise<NodeStat> {
    return this.#op('exists', path, () =>
      this.#session.submit(existsRequest(this.#ctx, path, options.watch), options.signal),
    );
  }

  /** The node's data and Stat; rejects with NoNodeError if it does not exist (no watch is set then). */
  getData(path: string, options: ReadOptions = {}): Promise<NodeData> {
    return this.#op('getData', path, () =>
      this.#session.submit(getDataRequest(this.#ctx, path, options.watch), options.signal),
    );
  }

  /** Replaces the node's data; returns the new Stat. */
  setData(path: string, data: Data, options: VersionOptions = {}): Promise<Stat> {
    return this.#op('setData', path, () =>
      this.#session.submit(setDataRequest(this.#ctx, path, data, options.version), options.signal),
    );
  }

  /** The node's children (names) and Stat. */
  getChildren(path: string, options: ReadOptions = {}): Promise<NodeChildren> {
    return this.#op('getChildren', path, () =>
      this.#session.submit(getChildrenRequest(this.#ctx, path, options.watch), options.signal),
    );
  }

  getACL(path: string, options: OperationOptions = {}): Promise<NodeACL> {
    return this.#op('getACL', path, () => this.#session.submit(getACLRequest(this.#ctx, path), options.signal));
  }

  /** Replaces the node's ACL (`version` is the expected aversion); returns the new Stat. */
  setACL(path: string, acl: readonly ACL[], options: VersionOptions = {}): Promise<Stat> {
    return this.#op('setACL', path, () =>
      this.#session.submit(setACLRequest(this.#ctx, path, acl, options.version), options.signal),
    );
  }

  /** Waits until the connected server has caught up with the leader (as of when it got the sync). */
  sync(path: string, options: OperationOptions = {}): Promise<void> {
    return this.#op('sync', path, () => this.#session.submit(syncRequest(this.#ctx, path), options.signal));
  }

  /** This session's ephemeral nodes whose path starts with `prefix` (default all; a valid path). */
  getEphemerals(prefix = '/', options: OperationOptions = {}): Promise<string[]> {
    return this.#op('getEphemerals', prefix, () => {
      checkPath(prefix);
      return this.#session.submit(getEphemeralsRequest(this.#ctx, prefix), options.signal);
    });
  }

  /** Number of descendants of `path` (not counting itself). */
  getAllChildrenNumber(path: string, options: OperationOptions = {}): Promise<number> {
    return this.#op('getAllChildrenNumber', path, () =>
      this.#session.submit(getAllChildrenNumberRequest(this.#ctx, path), options.signal),
    );
  }

  /** The identities of this session as the server sees them. */
  whoAmI(options: OperationOptions = {}): Promise<ClientInfo[]> {
    return this.#op('whoAmI', undefined, () => this.#session.submit(whoAmIRequest(), options.signal));
  }

  /**
   * Adds credentials to this session, now and on every reconnection. Rejects with AuthFailedError
   * if refused; the server then closes the connection and the client ends (`auth-failed`, then
   * `closed`). While disconnected it resolves at once, and a refusal on reconnect ends the client.
   */
  addAuth(scheme: string, credentials: string | Uint8Array): Promise<void> {
    return this.#op('addAuth', undefined, () => {
      if (typeof scheme !== 'string' || scheme === '') throw new TypeError('scheme: expected a non-empty string');
      return this.#session.addAuth({ scheme, credentials });
    });
  }

  /** The ensemble configuration (`/zookeeper/config`, read outside the chroot). */
  getConfig(options: OperationOptions = {}): Promise<EnsembleConfig> {
    return this.#op('getConfig', undefined, () => this.#session.submit(getConfigRequest(), options.signal));
  }

  /**
   * Applies every op or none. Resolves with each op's result; rejects with a TransactionError
   * carrying every op's result (as the server sent them) when one failed.
   */
  multi(ops: readonly TransactionOp[], options: OperationOptions = {}): Promise<TransactionResult[]> {
    return this.#op('multi', undefined, () => this.#session.submit(multiRequest(this.#ctx, ops), options.signal));
  }

  /** A builder for {@link multi}. */
  transaction(): Transaction {
    return new Transaction((ops, options) => this.multi(ops, options));
  }

  /** Several reads in one round trip; each read succeeds or fails alone (ZooKeeper 3.6+). */
  multiRead(ops: readonly ReadOp[], options: OperationOptions = {}): Promise<ReadResult[]> {
    return this.#op('multiRead', undefined, () =>
      this.#session.submit(multiReadRequest(this.#ctx, ops), options.signal),
    );
  }

  /**
   * A persistent watch (ZooKeeper 3.6+) as an async iterable of events; see {@link PersistentWatch}.
   * `for await (const e of zk.watch('/app', { mode: 'persistent-recursive', signal }))`.
   */
  watch(path: string, options: { mode?: PersistentWatchMode; signal?: AbortSignal } = {}): PersistentWatch {
    return persistentWatch(this.#ctx, path, options.mode ?? 'persistent', options.signal);
  }

  /**
   * Removes watches of `type` on `path`: one `watcher`, or all of this client's. Removed watchers
   * receive DataWatchRemoved/ChildWatchRemoved/PersistentWatchRemoved. Unless `local`, the
   * server's registration is removed too once no watcher of this client needs it. Rejects with
   * NoWatcherError when nothing matched.
   */
  removeWatches(
    path: string,
    options: OperationOptions & { type?: WatcherTypeName; watcher?: Watcher; local?: boolean } = {},
  ): Promise<void> {
    return this.#op('removeWatches', path, () => removeWatches(this.#ctx, path, options));
  }

  /** Whether the server holds a watch of `type` on `path` for this session (checkWatches). */
  checkWatches(path: string, options: OperationOptions & { type?: WatcherTypeName } = {}): Promise<boolean> {
    return this.#op('checkWatches', path, () =>
      this.#session.submit(
        serverWatchRequest(this.#ctx, OpCode.checkWatches, path, options.type ?? 'any'),
        options.signal,
      ),
    );
  }

  /**
   * Runs `fn` again after retryable failures (connection loss, timeouts, session moved,
   * throttling) as the client's `retryPolicy` (or `options.policy`) allows; see {@link retry}.
   * Operations that are not idempotent (a sequential create) should use protected mode instead.
   */
  retry<T>(
    fn: (attempt: RetryAttempt) => Promise<T>,
    options: { policy?: RetryPolicy; signal?: AbortSignal } = {},
  ): Promise<T> {
    return retry(fn, { policy: options.policy ?? this.#retryPolicy, signal: options.signal });
  }

  /** Closes the session (ephemerals are deleted at once) and the connection. Idempotent. */
  close(): Promise<void> {
    return this.#session.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * Runs one public operation: argument errors thrown while building it become a rejection
   * (nothing is sent), and the call is traced on the diagnostics channel when someone listens.
   */
  #op<T>(operation: string, path: string | undefined, run: () => Promise<T>): Promise<T> {
    return traced(operation, path, this.#session.sessionId, () => attempt(run));
  }
}
