/**
 * @zookit/client — a promise-based ZooKeeper client that never claims a session it may have
 * lost. See docs/client.md for connection states and what a recipe must do on each.
 */

export { ACL, Id, Ids, InvalidPathError, Perms, Stat } from '@zookit/protocol';
export { ZooKeeperClient } from './client.js';
export type { ZooKeeperClientOptions } from './client-options.js';
export type { ConnectString, HostAddress } from './connect-string.js';
export { InvalidConnectStringError, parseConnectString } from './connect-string.js';
export type { ConnectionState, ConnectionStateEvent, ConnectionStateListener } from './connection-state.js';
export type { OperationTraceContext, StateChannelMessage } from './diagnostics.js';
export { CLIENT_OPERATION_CHANNEL, CLIENT_STATE_CHANNEL } from './diagnostics.js';
export type { ZooKeeperErrorOptions } from './errors.js';
export {
  APIError,
  AuthFailedError,
  BadArgumentsError,
  BadVersionError,
  ClientClosedError,
  ConnectionLossError,
  createZooKeeperError,
  DataInconsistencyError,
  EphemeralOnLocalSessionError,
  InvalidACLError,
  InvalidCallbackError,
  isRetryable,
  MarshallingError,
  NewConfigNoQuorumError,
  NoAuthError,
  NoChildrenForEphemeralsError,
  NodeExistsError,
  NoNodeError,
  NotEmptyError,
  NotReadOnlyError,
  NoWatcherError,
  OperationTimeoutError,
  QuotaExceededError,
  ReconfigDisabledError,
  ReconfigInProgressError,
  RequestTimeoutError,
  RuntimeInconsistencyError,
  SessionClosedRequireSaslAuthError,
  SessionExpiredError,
  SessionMovedError,
  SystemError,
  ThrottledOpError,
  UnimplementedError,
  UnknownSessionError,
  ZooKeeperError,
} from './errors.js';
export type { ReadOp, ReadResult, TransactionOp, TransactionResult } from './operations/multi.js';
export { TransactionError } from './operations/multi.js';
export { protectedPrefix } from './operations/protected-create.js';
export type { AuthInfo, Logger, NewSessionPolicy } from './options.js';
export { RequestTooLargeError } from './request-too-large-error.js';
export type { BoundedExponentialBackoffRetryOptions } from './retry/bounded-exponential-backoff-retry.js';
export { boundedExponentialBackoffRetry } from './retry/bounded-exponential-backoff-retry.js';
export type { ExponentialBackoffRetryOptions } from './retry/exponential-backoff-retry.js';
export { exponentialBackoffRetry } from './retry/exponential-backoff-retry.js';
export type { RetryAttempt, RetryInfo, RetryOptions } from './retry/retry.js';
export { retry } from './retry/retry.js';
export type { RetryForeverOptions } from './retry/retry-forever.js';
export { retryForever } from './retry/retry-forever.js';
export type { RetryNTimesOptions } from './retry/retry-n-times.js';
export { retryNTimes } from './retry/retry-n-times.js';
export type { RetryOneTimeOptions } from './retry/retry-one-time.js';
export { retryOneTime } from './retry/retry-one-time.js';
export type { RetryPolicy } from './retry/retry-policy.js';
export type { RetryUntilElapsedOptions } from './retry/retry-until-elapsed.js';
export { retryUntilElapsed } from './retry/retry-until-elapsed.js';
export { Transaction } from './transaction.js';
export type {
  CreateModeName,
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
  ParentsMode,
  PersistentWatchMode,
  ReadOptions,
  VersionOptions,
  Watched,
  WatcherTypeName,
  WatchOption,
} from './types.js';
export type { PersistentWatch } from './watches/persistent-watch.js';
export type { WatchEvent, WatchEventType, Watcher } from './watches/watch-event.js';
