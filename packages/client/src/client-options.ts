import { JUTE_EXTRA_MAX_BUFFER, JUTE_MAX_BUFFER } from '@zookit/protocol';
import type { AuthInfo, Logger, NewSessionPolicy, SessionOptions } from './options.js';
import type { RequestTooLargeError } from './request-too-large-error.js';
import { exponentialBackoffRetry } from './retry/exponential-backoff-retry.js';
import type { RetryPolicy } from './retry/retry-policy.js';

/** Options of `ZooKeeperClient.connect`. */
export interface ZooKeeperClientOptions {
  /** Requested session timeout in ms (the server clamps it; ZooKeeper: 2–20 ticks). Default 30000. */
  sessionTimeout?: number;
  /** How long `connect()` waits for the first session, in ms. Default 15000. */
  connectTimeout?: number;
  /** Accept read-only servers (state `read-only`). Default false. */
  canBeReadOnly?: boolean;
  /** Credentials sent on every connection before any request. */
  auth?: readonly AuthInfo[];
  /** What to do after `lost`. Default `'recreate'`. */
  onNewSession?: NewSessionPolicy;
  /** Aborts the initial connection. */
  signal?: AbortSignal;
  /** Where the client logs, pino-shaped (`warn({ ...details }, 'message')`): a pino logger fits. Default none. */
  logger?: Logger;
  /**
   * Largest reply frame accepted, in bytes. Default jute.maxbuffer + 1024: a reply may exceed
   * the server's jute.maxbuffer a little (a getData of a node at the limit adds a Stat).
   */
  maxFrameSize?: number;
  /**
   * Largest request sent, in bytes, counted as ZooKeeper counts it: the frame's length field
   * (everything after the 4-byte length prefix). Default 0xfffff, ZooKeeper's default
   * jute.maxbuffer; set it to the servers' jute.maxbuffer when they run with a larger one. A
   * larger request fails with {@link RequestTooLargeError} and is never sent (the server would
   * drop the connection).
   */
  maxRequestSize?: number;
  /**
   * The default policy of `ZooKeeperClient.retry` (Curator's client retry policy).
   * Default: exponential backoff from 100 ms, at most 3 retries (Curator's common setting).
   */
  retryPolicy?: RetryPolicy;
  /**
   * Resume an existing session (its id and password, from `sessionId`/`sessionPassword` of
   * another client) instead of creating one. If it has expired, `connect()` reports `lost`
   * and then (policy `'recreate'`) a new session.
   */
  session?: { id: bigint; password: Uint8Array };
}

/**
 * Checks `options` and fills in the defaults: the session's settings and the client's retry
 * policy. Throws a TypeError or RangeError naming the first bad option.
 */
export function resolveOptions(options: ZooKeeperClientOptions): {
  sessionOptions: SessionOptions;
  retryPolicy: RetryPolicy;
} {
  const onNewSession = options.onNewSession ?? 'recreate';
  if (onNewSession !== 'recreate' && onNewSession !== 'close') {
    throw new TypeError(`onNewSession: expected 'recreate' or 'close', got ${JSON.stringify(onNewSession)}`);
  }
  for (const [i, a] of (options.auth ?? []).entries()) {
    if (typeof a?.scheme !== 'string') throw new TypeError(`auth[${i}].scheme: expected a string`);
  }
  const sessionOptions: SessionOptions = {
    sessionTimeout: positive('sessionTimeout', options.sessionTimeout ?? 30_000),
    connectTimeout: positive('connectTimeout', options.connectTimeout ?? 15_000),
    canBeReadOnly: options.canBeReadOnly ?? false,
    auth: options.auth ?? [],
    onNewSession,
    maxFrameSize: positive('maxFrameSize', options.maxFrameSize ?? JUTE_MAX_BUFFER + JUTE_EXTRA_MAX_BUFFER, 'bytes'),
    maxRequestSize: positive('maxRequestSize', options.maxRequestSize ?? JUTE_MAX_BUFFER, 'bytes'),
    logger: options.logger ?? {},
    session: checkSession(options.session),
  };
  const retryPolicy = options.retryPolicy ?? exponentialBackoffRetry({ baseSleepMs: 100, maxRetries: 3 });
  if (typeof retryPolicy?.allowRetry !== 'function') throw new TypeError('retryPolicy: expected a RetryPolicy');
  return { sessionOptions, retryPolicy };
}

function checkSession(session: ZooKeeperClientOptions['session']): ZooKeeperClientOptions['session'] {
  if (session === undefined) return undefined;
  if (typeof session.id !== 'bigint' || session.id === 0n)
    throw new TypeError('session.id: expected a non-zero bigint');
  if (!(session.password instanceof Uint8Array)) throw new TypeError('session.password: expected a Uint8Array');
  return session;
}

function positive(name: string, value: number, unit = 'milliseconds'): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name}: expected a positive number of ${unit}, got ${String(value)}`);
  }
  return value;
}
