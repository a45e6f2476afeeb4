import {
  ConnectionLossError,
  NodeExistsError,
  NoNodeError,
  SessionExpiredError,
  TransactionError,
  type TransactionOp,
  type ZooKeeperClient,
} from '@zookit/client';
import type { ConnectionErrorPolicy } from '../connection-error-policy.js';
import type { EventChannel } from '../internal/event-channel.js';
import { grantLease } from '../locks/grant-lease.js';
import type { Lease } from '../locks/lease.js';
import type { QueueConsumer, QueueErrorMode, QueueEvent } from './queue-types.js';

/** What a take needs to know about its queue. */
export interface TakeContext {
  readonly client: ZooKeeperClient;
  readonly path: string;
  readonly lockPath: string;
  readonly consumer: QueueConsumer;
  readonly errorMode: QueueErrorMode;
  readonly errorPolicy: ConnectionErrorPolicy;
  readonly events: EventChannel<QueueEvent>;
  /** The name a requeued item gets before its new sequence (`queue-<key>`). */
  requeueName(name: string): string;
}

/** `done`: the item was handed to the consumer; `locked`: another consumer holds it; `gone`: consumed already. */
export type TakeOutcome = 'done' | 'locked' | 'gone';

const asBuffer = (data: Buffer | null) => data ?? Buffer.alloc(0);

/**
 * At-most-once: read, then delete; only the consumer whose delete succeeded calls its handler
 * (a NoNode means another consumer won the item). The handler's failure loses the item.
 */
export async function takeAtMostOnce(ctx: TakeContext, name: string, closing: AbortSignal): Promise<TakeOutcome> {
  const { client, path } = ctx;
  const itemPath = `${path}/${name}`;
  let data: Buffer;
  try {
    data = asBuffer((await client.getData(itemPath, { signal: closing })).data);
    await client.delete(itemPath, { signal: closing });
  } catch (err) {
    if (err instanceof NoNodeError) return 'gone';
    throw err;
  }
  try {
    await ctx.consumer({ name, data, signal: closing });
    ctx.events.emit({ type: 'processed', name });
  } catch (error) {
    ctx.events.emit({ type: 'failed', name, error, action: 'dropped' });
  }
  return 'done';
}

/**
 * Safe mode: lock the item with an ephemeral `<lockPath>/<name>`, read it, run the handler with
 * the lock's signal and token, then delete item and lock in one multi (or requeue / delete per
 * the error mode). A handler that ends after its signal aborted, or a lock that is no longer
 * this session's, leaves the item in the queue and only the lock is released.
 */
export async function takeSafely(ctx: TakeContext, name: string, closing: AbortSignal): Promise<TakeOutcome> {
  const { client, path } = ctx;
  const itemPath = `${path}/${name}`;
  const lease = await lockItem(ctx, name, closing);
  if (!lease) return 'locked';
  try {
    let data: Buffer;
    try {
      data = asBuffer((await client.getData(itemPath, { signal: closing })).data);
    } catch (err) {
      // Consumed (and its lock deleted) between our listing and our lock.
      if (err instanceof NoNodeError) return 'gone';
      throw err;
    }
    const signal = AbortSignal.any([lease.signal, closing]);
    let failure: { error: unknown } | undefined;
    try {
      await ctx.consumer({ name, data, signal, token: lease.token });
    } catch (error) {
      failure = { error };
    }
    if (signal.aborted) {
      ctx.events.emit({ type: 'abandoned', name, reason: signal.reason });
      return 'done';
    }
    const ops: TransactionOp[] = [
      { type: 'delete', path: itemPath },
      { type: 'delete', path: lease.path },
    ];
    if (failure && ctx.errorMode === 'requeue') {
      ops.push({
        type: 'create',
        path: `${path}/${ctx.requeueName(name)}`,
        data,
        options: { mode: 'persistent-sequential' },
      });
    }
    const outcome = await commit(client, lease, ops);
    if (outcome === 'abandoned') ctx.events.emit({ type: 'abandoned', name, reason: new Error('the lock was lost') });
    else if (failure) {
      ctx.events.emit({
        type: 'failed',
        name,
        error: failure.error,
        action: ctx.errorMode === 'requeue' ? 'requeued' : 'deleted',
      });
    } else ctx.events.emit({ type: 'processed', name });
    return 'done';
  } finally {
    // Deletes the lock unless the multi did (then a no-op), and drops the lease's listeners.
    await lease.release();
  }
}

/**
 * Creates the item's lock. NodeExists is another consumer's lock, unless it is ours: a create
 * whose reply was lost to a connection loss, retried; then it is taken.
 */
async function lockItem(ctx: TakeContext, name: string, signal: AbortSignal): Promise<Lease | undefined> {
  const { client, lockPath } = ctx;
  const lockNode = `${lockPath}/${name}`;
  for (let attempt = 0; ; attempt++) {
    try {
      const { stat } = await client.create(lockNode, null, { mode: 'ephemeral', signal });
      return grantLease(client, lockNode, stat, ctx.errorPolicy);
    } catch (err) {
      if (err instanceof NodeExistsError) {
        const { stat } = await client.exists(lockNode, { signal });
        if (stat?.ephemeralOwner !== client.sessionId) return undefined;
        return grantLease(client, lockNode, stat, ctx.errorPolicy);
      }
      // The lock parent (a container) is missing or was just reaped.
      if (!(err instanceof NoNodeError) || attempt >= 3) throw err;
      await client.ensurePath(lockPath, { mode: 'container', signal });
    }
  }
}

/**
 * Runs the completing multi only under the lock's session: a request is never carried over to
 * a later session (the client fails it with SessionExpired), so a multi sent while our session
 * is current deletes our own lock or fails, never the lock another consumer took after our
 * session ended. A multi cut off by a connection loss is sent again: if the first one was
 * applied, the item is gone (NoNode), which is the same outcome.
 */
async function commit(
  client: ZooKeeperClient,
  lease: Lease,
  ops: readonly TransactionOp[],
): Promise<'ok' | 'abandoned'> {
  for (;;) {
    if (client.sessionId !== lease.sessionId || client.state === 'lost' || client.state === 'closed')
      return 'abandoned';
    try {
      await client.multi(ops);
      return 'ok';
    } catch (err) {
      if (err instanceof ConnectionLossError) continue;
      if (err instanceof SessionExpiredError) return 'abandoned';
      // The item was deleted (by our earlier attempt, or by hand): nothing is left to do. The
      // lock was deleted: it is not ours any more; the item stays for the next consumer.
      if (err instanceof TransactionError && err.codeName === 'NoNode')
        return err.failedIndex === 0 ? 'ok' : 'abandoned';
      throw err;
    }
  }
}
