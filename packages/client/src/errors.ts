import { ErrorCode, type ErrorCodeName, errorCodeName } from '@zookit/protocol';

/** Options of a {@link ZooKeeperError}. */
export interface ZooKeeperErrorOptions {
  /** The znode path the failed operation addressed (as the caller wrote it, without the chroot). */
  path?: string | undefined;
  cause?: unknown;
  /** Overrides the default message. */
  message?: string | undefined;
}

/**
 * An error reported by ZooKeeper (or by the client for connection and session problems).
 * `code` is the numeric KeeperException code, `codeName` its name (`'NoNode'`), or
 * `'Unknown'` for a code this version does not know: a newer server's code is never a crash.
 * Every known code has a subclass (`NoNodeError`, `SessionExpiredError`, ...) made by
 * {@link createZooKeeperError}.
 */
export class ZooKeeperError extends Error {
  override name = 'ZooKeeperError';
  readonly code: number;
  readonly codeName: ErrorCodeName | 'Unknown';
  readonly path: string | undefined;

  constructor(code: number, options: ZooKeeperErrorOptions = {}) {
    const codeName = errorCodeName(code) ?? 'Unknown';
    const what = codeName === 'Unknown' ? `unknown ZooKeeper error code ${code}` : `${codeName} (${code})`;
    super(options.message ?? (options.path === undefined ? what : `${what} for ${options.path}`), {
      cause: options.cause,
    });
    this.code = code;
    this.codeName = codeName;
    this.path = options.path;
  }
}

type ErrorClass = new (options?: ZooKeeperErrorOptions) => ZooKeeperError;

/** The subclass of one code: its instances carry that `codeName`, so a union of them narrows on it. */
type ErrorClassOf<N extends ErrorCodeName> = new (
  options?: ZooKeeperErrorOptions,
) => ZooKeeperError & { readonly codeName: N };

function defineError<N extends Exclude<ErrorCodeName, 'Ok'>>(codeName: N): ErrorClassOf<N> {
  const code = ErrorCode[codeName];
  // KeeperException names without "Exception"; codes already ending in Error keep their name (MarshallingError).
  const className = codeName.endsWith('Error') ? codeName : `${codeName}Error`;
  const cls = class extends ZooKeeperError {
    constructor(options?: ZooKeeperErrorOptions) {
      super(code, options);
      this.name = className;
    }
  };
  Object.defineProperty(cls, 'name', { value: className });
  return cls as unknown as ErrorClassOf<N>;
}

export const SystemError = defineError('SystemError');
export type SystemError = InstanceType<typeof SystemError>;
export const RuntimeInconsistencyError = defineError('RuntimeInconsistency');
export type RuntimeInconsistencyError = InstanceType<typeof RuntimeInconsistencyError>;
export const DataInconsistencyError = defineError('DataInconsistency');
export type DataInconsistencyError = InstanceType<typeof DataInconsistencyError>;
/** The connection broke before the reply arrived: the operation may or may not have been applied. */
export const ConnectionLossError = defineError('ConnectionLoss');
export type ConnectionLossError = InstanceType<typeof ConnectionLossError>;
export const MarshallingError = defineError('MarshallingError');
export type MarshallingError = InstanceType<typeof MarshallingError>;
export const UnimplementedError = defineError('Unimplemented');
export type UnimplementedError = InstanceType<typeof UnimplementedError>;
/** The operation did not complete in time (client-side). */
export const OperationTimeoutError = defineError('OperationTimeout');
export type OperationTimeoutError = InstanceType<typeof OperationTimeoutError>;
export const BadArgumentsError = defineError('BadArguments');
export type BadArgumentsError = InstanceType<typeof BadArgumentsError>;
export const UnknownSessionError = defineError('UnknownSession');
export type UnknownSessionError = InstanceType<typeof UnknownSessionError>;
export const NewConfigNoQuorumError = defineError('NewConfigNoQuorum');
export type NewConfigNoQuorumError = InstanceType<typeof NewConfigNoQuorumError>;
export const ReconfigInProgressError = defineError('ReconfigInProgress');
export type ReconfigInProgressError = InstanceType<typeof ReconfigInProgressError>;
export const APIError = defineError('APIError');
export type APIError = InstanceType<typeof APIError>;
export const NoNodeError = defineError('NoNode');
export type NoNodeError = InstanceType<typeof NoNodeError>;
export const NoAuthError = defineError('NoAuth');
export type NoAuthError = InstanceType<typeof NoAuthError>;
export const BadVersionError = defineError('BadVersion');
export type BadVersionError = InstanceType<typeof BadVersionError>;
export const NoChildrenForEphemeralsError = defineError('NoChildrenForEphemerals');
export type NoChildrenForEphemeralsError = InstanceType<typeof NoChildrenForEphemeralsError>;
export const NodeExistsError = defineError('NodeExists');
export type NodeExistsError = InstanceType<typeof NodeExistsError>;
export const NotEmptyError = defineError('NotEmpty');
export type NotEmptyError = InstanceType<typeof NotEmptyError>;
/** The session is gone (expired, closed, or presumed dead after a full session timeout without contact). */
export const SessionExpiredError = defineError('SessionExpired');
export type SessionExpiredError = InstanceType<typeof SessionExpiredError>;
export const InvalidCallbackError = defineError('InvalidCallback');
export type InvalidCallbackError = InstanceType<typeof InvalidCallbackError>;
export const InvalidACLError = defineError('InvalidACL');
export type InvalidACLError = InstanceType<typeof InvalidACLError>;
export const AuthFailedError = defineError('AuthFailed');
export type AuthFailedError = InstanceType<typeof AuthFailedError>;
export const SessionMovedError = defineError('SessionMoved');
export type SessionMovedError = InstanceType<typeof SessionMovedError>;
export const NotReadOnlyError = defineError('NotReadOnly');
export type NotReadOnlyError = InstanceType<typeof NotReadOnlyError>;
export const EphemeralOnLocalSessionError = defineError('EphemeralOnLocalSession');
export type EphemeralOnLocalSessionError = InstanceType<typeof EphemeralOnLocalSessionError>;
export const NoWatcherError = defineError('NoWatcher');
export type NoWatcherError = InstanceType<typeof NoWatcherError>;
export const RequestTimeoutError = defineError('RequestTimeout');
export type RequestTimeoutError = InstanceType<typeof RequestTimeoutError>;
export const ReconfigDisabledError = defineError('ReconfigDisabled');
export type ReconfigDisabledError = InstanceType<typeof ReconfigDisabledError>;
export const SessionClosedRequireSaslAuthError = defineError('SessionClosedRequireSaslAuth');
export type SessionClosedRequireSaslAuthError = InstanceType<typeof SessionClosedRequireSaslAuthError>;
export const QuotaExceededError = defineError('QuotaExceeded');
export type QuotaExceededError = InstanceType<typeof QuotaExceededError>;
export const ThrottledOpError = defineError('ThrottledOp');
export type ThrottledOpError = InstanceType<typeof ThrottledOpError>;

const byCode = new Map<number, ErrorClass>(
  [
    SystemError,
    RuntimeInconsistencyError,
    DataInconsistencyError,
    ConnectionLossError,
    MarshallingError,
    UnimplementedError,
    OperationTimeoutError,
    BadArgumentsError,
    UnknownSessionError,
    NewConfigNoQuorumError,
    ReconfigInProgressError,
    APIError,
    NoNodeError,
    NoAuthError,
    BadVersionError,
    NoChildrenForEphemeralsError,
    NodeExistsError,
    NotEmptyError,
    SessionExpiredError,
    InvalidCallbackError,
    InvalidACLError,
    AuthFailedError,
    SessionMovedError,
    NotReadOnlyError,
    EphemeralOnLocalSessionError,
    NoWatcherError,
    RequestTimeoutError,
    ReconfigDisabledError,
    SessionClosedRequireSaslAuthError,
    QuotaExceededError,
    ThrottledOpError,
  ].map((cls) => [new cls().code, cls]),
);

/**
 * The error for a code from the server: the matching subclass, or a plain
 * {@link ZooKeeperError} for a code this table does not know.
 */
export function createZooKeeperError(code: number, options?: ZooKeeperErrorOptions): ZooKeeperError {
  const cls = byCode.get(code);
  return cls ? new cls(options) : new ZooKeeperError(code, options);
}

const retryable = new Set<number>([
  ErrorCode.ConnectionLoss,
  ErrorCode.OperationTimeout,
  ErrorCode.SessionMoved,
  ErrorCode.ThrottledOp,
]);

/**
 * Whether retrying the same operation may succeed: connection loss, client timeout, session
 * moved and throttling. Not SessionExpired: a new session loses ephemerals and watches, so the
 * caller (a recipe) must rebuild its state rather than retry blindly.
 */
export function isRetryable(error: unknown): boolean {
  return error instanceof ZooKeeperError && retryable.has(error.code);
}

/** Thrown for requests made after (or pending at) `close()`. */
export class ClientClosedError extends Error {
  override readonly name = 'ClientClosedError';
}
