import {
  ClientClosedError,
  ConnectionLossError,
  type ConnectionState,
  NoNodeError,
  type Stat,
  type WatchEvent,
  type Watcher,
  type ZooKeeperClient,
} from '@zookit/client';
import { type ConnectionErrorPolicy, isErrorState } from '../connection-error-policy.js';
import { type LeaseEvent, publishLease } from '../diagnostics.js';
import { deleteQuietly } from '../internal/delete-quietly.js';
import { type Lease, LeaseLostError } from './lease.js';

/**
 * Turns a node this session owns into a {@link Lease}: the token is the node's czxid; the
 * signal aborts on the first of an error state (per `errorPolicy`), deletion of the node, or
 * `release()`; `release()` deletes the node (only if it still belongs to this session) and is
 * idempotent. A lease that ended stops listening to the client's states, released or not.
 * Shared by every lock recipe so that all leases end the same way. With `origin`, the grant and
 * the end are published on the lease diagnostics channel.
 */
export function grantLease(
  client: ZooKeeperClient,
  path: string,
  stat: Stat,
  errorPolicy: ConnectionErrorPolicy,
  origin?: Pick<LeaseEvent, 'recipe' | 'path'>,
): Lease {
  const controller = new AbortController();
  const publish = (event: LeaseEvent['event'], reason?: LeaseEvent['reason']) => {
    if (origin)
      publishLease(() => ({ event, ...origin, node: path, token: stat.czxid, ...(reason ? { reason } : {}) }));
  };
  const end = (reason: LeaseLostError['reason']) => {
    // An ended lease has nothing left to learn from states: a lost lease that is never
    // released must not keep its listener.
    unsubscribe();
    if (controller.signal.aborted) return;
    controller.abort(new LeaseLostError(reason, path));
    if (reason === 'released') publish('released');
    else publish('lost', reason);
  };
  publish('granted');
  const unsubscribe = client.onStateChange((e) => {
    if (isErrorState(errorPolicy, e.state)) end(stateReason(e.state));
  });
  // A data watch on our own node tells us when someone (an admin, the server reaping an
  // expired session) deletes it. A data change is not an end: watch again. It is set when the
  // signal is first read: a holder that never looks at its signal costs the server no watch
  // (and no notification on release), as in Curator, whose locks do not watch their own node.
  // getData, not exists: on a node already gone, exists would leave a watch for its creation.
  const watch = async (): Promise<void> => {
    for (;;) {
      try {
        await client.getData(path, { watch: watcher });
        return;
      } catch (err) {
        // A dropped connection is not an end by itself: the error policy decides that from the
        // states (under `standard`, `suspended` has already ended the lease). Under `session`
        // the lease outlives it: the client holds the read until it is connected again with
        // the same session, so ask again.
        if (err instanceof ConnectionLossError && !controller.signal.aborted) continue;
        end(err instanceof NoNodeError ? 'deleted' : err instanceof ClientClosedError ? 'closed' : 'lost');
        return;
      }
    }
  };
  const watcher: Watcher = (event: WatchEvent) => {
    if (event.type === 'NodeDeleted') end('deleted');
    else if (event.type === 'SessionExpired') end('lost');
    else if (event.type === 'Closed') end('closed');
    else if (event.type === 'NodeDataChanged' && !controller.signal.aborted) watching = watch();
  };
  let watching: Promise<void> | undefined;
  let released: Promise<void> | undefined;
  const release = (): Promise<void> => {
    released ??= (async () => {
      end('released');
      // Our delete also ends our own watch, if any: the server runs the session's requests in
      // order (a getData still in flight registers first), fires the watch, drops it, and sends
      // the event before the delete's reply. So one round trip releases, as in Curator.
      // A node of an earlier session is not ours to delete: it is gone or about to be.
      if (client.sessionId === stat.ephemeralOwner && (await deleteQuietly(client, path))) return;
      if (!watching) return;
      // The node stays (or was never ours): the watch would linger, so remove it once its
      // registration is done.
      await watching;
      await client
        .removeWatches(path, { type: 'data', watcher, local: !client.connectedServer })
        .catch(() => undefined);
    })();
    return released;
  };
  return {
    token: stat.czxid,
    path,
    sessionId: stat.ephemeralOwner,
    get signal() {
      if (!watching && !controller.signal.aborted) watching = watch();
      return controller.signal;
    },
    release,
    [Symbol.asyncDispose]: release,
  };
}

function stateReason(state: ConnectionState): LeaseLostError['reason'] {
  return state === 'suspended' ? 'suspended' : state === 'closed' ? 'closed' : 'lost';
}
