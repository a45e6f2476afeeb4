/** Credentials sent with every (re)connection, before any request (ZooKeeper's addauth). */
export interface AuthInfo {
  /** Auth scheme, e.g. `'digest'`. */
  readonly scheme: string;
  /** Scheme-specific credentials, e.g. `'user:password'` for digest. Strings are sent as UTF-8. */
  readonly credentials: string | Uint8Array;
}

/**
 * Where the client reports what it does, in the shape of pino and bunyan: `logger.warn({ ...details },
 * 'message')`, so a pino (or bunyan) logger instance can be passed as it is. Errors go in the `err`
 * field (pino's and bunyan's error serializer key). Methods are called as methods (`this` is the
 * logger). Every method is optional; nothing is logged by default. What is logged: `debug` for each
 * failed connection attempt, `warn` for refused credentials, a refused watch re-registration and a
 * watch event of unknown type, `error` for a state listener or watcher that threw.
 */
export interface Logger {
  debug?(details: Record<string, unknown>, message: string): void;
  info?(details: Record<string, unknown>, message: string): void;
  warn?(details: Record<string, unknown>, message: string): void;
  error?(details: Record<string, unknown>, message: string): void;
}

/**
 * What the client does after `lost`: `'recreate'` (default, as Curator) opens a new session and
 * reports it as `reconnected` with `newSession: true`; `'close'` closes the client.
 */
export type NewSessionPolicy = 'recreate' | 'close';

/** Session-level options shared by the client and its session. */
export interface SessionOptions {
  /** Requested session timeout in ms; the server clamps it (ZooKeeper: 2 to 20 ticks). Default 30000. */
  readonly sessionTimeout: number;
  /** How long `connect()` waits for the first session, in ms. Default 15000. */
  readonly connectTimeout: number;
  /** Accept read-only servers (state `read-only`). Default false. */
  readonly canBeReadOnly: boolean;
  readonly auth: readonly AuthInfo[];
  readonly onNewSession: NewSessionPolicy;
  /** Largest reply frame accepted, in bytes. Default jute.maxbuffer + 1024 (see @zookit/protocol). */
  readonly maxFrameSize: number;
  /** Largest request frame sent (its length field), in bytes. Default jute.maxbuffer (0xfffff). */
  readonly maxRequestSize: number;
  readonly logger: Logger;
  /** An existing session to resume instead of creating one (its id and 16-byte password). */
  readonly session?: { readonly id: bigint; readonly password: Uint8Array } | undefined;
}
