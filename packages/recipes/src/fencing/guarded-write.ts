import type { Data, Stat, ZooKeeperClient } from '@zookit/client';
import type { Lease } from '../locks/lease.js';

/**
 * Writes data kept in ZooKeeper itself, only while `lease` is still held: one `multi` with a
 * `check` on the holder's node and the `setData`. It commits only if the holder's ephemeral node
 * still exists — strictly within the holder's session — so no token bookkeeping is needed.
 * Rejects with a TransactionError (NoNode on the check) once the lease is gone.
 */
export async function guardedSetData(
  client: ZooKeeperClient,
  lease: Lease,
  path: string,
  data: Data,
  options: { version?: number; signal?: AbortSignal } = {},
): Promise<Stat> {
  const [, result] = await client.multi(
    [
      { type: 'check', path: lease.path, version: -1 },
      { type: 'setData', path, data, version: options.version ?? -1 },
    ],
    { signal: options.signal },
  );
  return (result as { stat: Stat }).stat;
}
