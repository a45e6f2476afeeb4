import diagnosticsChannel from 'node:diagnostics_channel';
import type { ConnectionState } from './connection-state.js';

/**
 * Name of the `node:diagnostics_channel` TracingChannel on which every promise-returning client
 * operation is traced (`start`, `end`, `asyncStart`, `asyncEnd`, `error`), with an
 * {@link OperationTraceContext}. Subscribe with
 * `diagnostics_channel.tracingChannel(CLIENT_OPERATION_CHANNEL).subscribe({ ... })`.
 */
export const CLIENT_OPERATION_CHANNEL = 'zookit:client:operation';

/** Name of the plain diagnostics channel that publishes every state change as a {@link StateChannelMessage}. */
export const CLIENT_STATE_CHANNEL = 'zookit:client:state';

/**
 * The context object of one traced operation. The same object is passed to every event of that
 * call; TracingChannel sets `result` on success and `error` on failure (invalid arguments
 * included: they fail as rejections too).
 */
export interface OperationTraceContext {
  /** The client method: `'create'`, `'getData'`, `'multi'`, `'ensurePath'`, ... */
  readonly operation: string;
  /** The path as the caller wrote it (without the chroot), for operations that take one. */
  readonly path?: string | undefined;
  /** The session at the call, `undefined` while there is none (before the first, or after `lost`). */
  readonly sessionId: bigint | undefined;
  result?: unknown;
  error?: unknown;
}

/** What {@link CLIENT_STATE_CHANNEL} publishes: the state event as listeners get it. */
export interface StateChannelMessage {
  readonly state: ConnectionState;
  readonly sessionId: bigint;
  readonly newSession: boolean;
  readonly reason?: string | undefined;
}

export const operationChannel = diagnosticsChannel.tracingChannel<string, OperationTraceContext>(
  CLIENT_OPERATION_CHANNEL,
);
export const stateChannel = diagnosticsChannel.channel(CLIENT_STATE_CHANNEL);

/**
 * Runs `run` traced on {@link operationChannel}. Nothing is built when nobody subscribes: one
 * property read per call.
 */
export function traced<T>(
  operation: string,
  path: string | undefined,
  sessionId: bigint,
  run: () => Promise<T>,
): Promise<T> {
  if (!operationChannel.hasSubscribers) return run();
  const context: OperationTraceContext = { operation, path, sessionId: sessionId === 0n ? undefined : sessionId };
  return operationChannel.tracePromise(run, context);
}
