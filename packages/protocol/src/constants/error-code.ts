/**
 * Every KeeperException.Code, named as ZooKeeper's KeeperException subclasses are (without the
 * `Exception` suffix). `SystemError` (-1) and `APIError` (-100) are range markers: codes in
 * (-100, -1] are system errors, codes <= -100 are API errors.
 */
export const ErrorCode = {
  Ok: 0,
  SystemError: -1,
  RuntimeInconsistency: -2,
  DataInconsistency: -3,
  ConnectionLoss: -4,
  MarshallingError: -5,
  Unimplemented: -6,
  OperationTimeout: -7,
  BadArguments: -8,
  UnknownSession: -12,
  NewConfigNoQuorum: -13,
  ReconfigInProgress: -14,
  APIError: -100,
  NoNode: -101,
  NoAuth: -102,
  BadVersion: -103,
  NoChildrenForEphemerals: -108,
  NodeExists: -110,
  NotEmpty: -111,
  SessionExpired: -112,
  InvalidCallback: -113,
  InvalidACL: -114,
  AuthFailed: -115,
  SessionMoved: -118,
  NotReadOnly: -119,
  EphemeralOnLocalSession: -120,
  NoWatcher: -121,
  RequestTimeout: -122,
  ReconfigDisabled: -123,
  SessionClosedRequireSaslAuth: -124,
  QuotaExceeded: -125,
  ThrottledOp: -127,
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
export type ErrorCodeName = keyof typeof ErrorCode;

const errorNames = new Map<number, ErrorCodeName>(
  Object.entries(ErrorCode).map(([name, code]) => [code, name as ErrorCodeName]),
);

/** The name of a known error code, or `undefined` for a code this table does not know. */
export function errorCodeName(code: number): ErrorCodeName | undefined {
  return errorNames.get(code);
}

/** Whether `code` is one of {@link ErrorCode}. Unknown codes from newer servers must still be handled. */
export function isKnownErrorCode(code: number): code is ErrorCode {
  return errorNames.has(code);
}
