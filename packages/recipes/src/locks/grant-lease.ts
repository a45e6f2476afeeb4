import type { ConnectionState, Stat, WatchEvent, Watcher, ZooKeeperClient } from '@zookit/client';
import { type ConnectionErrorPolicy, isErrorState } from '../connection-error-policy.js';
import { deleteQuietly } from '../internal/delete-quietly.js';
import { type Lease, LeaseLostError } from './lease.js';

/**
 * Turns a node this session owns into a {@link Lease}: the token is the node's czxid; the
 * signal aborts on the first of an error state (per `errorPolicy`), deletion of the node, or
 * `release()`; `release()` deletes the node (only if it still belongs to this session) and is
 * idempotent. Shared by every lock recipe so that all leases end the same way.
 */
export function grantLease(
  client: ZooKeeperClient,
  path: string,
  stat: Stat,
  errorPolicy: ConnectionErrorPolicy,
): Lease {
  const controller = new AbortController();
  const end = (reason: LeaseLostError['reason']) => {
    if (!controller.signal.aborted) controller.abort(new LeaseLostError(reason, path));
  };
  const unsubscribe = client.onStateChange((e) => {
    if (isErrorState(errorPolicy, e.state)) end(stateReason(e.state));
  });
  // An exists watch on our own node tells us when someone (an admin, the server reaping an
  // expired session) deletes it. A data change is not an end: watch again.
  const watch = (): Promise<void> =>
    client.exists(path, { watch: watcher }).then(
      ({ stat: now }) => {
        if (!now) end('deleted');
      },
      () => end('lost'),
    );
  const watcher: Watcher = (event: WatchEvent) => {
    if (event.type === 'NodeDeleted') end('deleted');
    else if (event.type === 'SessionExpired') end('lost');
    else if (event.type === 'Closed') end('closed');
    else if (event.type === 'NodeDataChanged' && !controller.signal.aborted) watching = watch();
  };
  // The registration in flight: release() waits for it, or its watch would be registered after
  // the removal and fire on our own delete.
  let watching = watch();
  let released: Promise<void> | undefined;
  const release = (): Promise<void> => {
    released ??= (async () => {
      end('released');
      unsubscribe();
      await watching;
      // Remove the watch before deleting, so that our own delete notifies nobody on our side.
      await client
        .removeWatches(path, { type: 'data', watcher, local: !client.connectedServer })
        .catch(() => undefined);
      // A node of an earlier session is not ours to delete: it is gone or about to be.
      if (client.sessionId === stat.ephemeralOwner) await deleteQuietly(client, path);
    })();
    return released;
  };
  return {
    token: stat.czxid,
    path,
    sessionId: stat.ephemeralOwner,
    signal: controller.signal,
    release,
    [Symbol.asyncDispose]: release,
  };
}

function stateReason(state: ConnectionState): LeaseLostError['reason'] {
  return state === 'suspended' ? 'suspended' : state === 'closed' ? 'closed' : 'lost';
}
