import type { CreateModeName, CreateResult, ZooKeeperClient } from '@zookit/client';
import { NoNodeError } from '@zookit/client';
import { deleteQuietly } from '../internal/delete-quietly.js';
import { ensureParents } from '../internal/paths.js';

/**
 * Creates one of a recipe's own protected (`_c_<uuid>-`) ephemeral nodes, creating missing
 * parents as containers. `signal` cancels the wait, but not by abandoning the create: a create
 * already sent may be applied, and an abandoned node would hold its lock or lease until the
 * session ends. So an abort waits for the create's outcome, deletes the node if it was made,
 * and then rejects with `signal.reason`.
 */
export async function createOwnNode(
  client: ZooKeeperClient,
  path: string,
  data: Uint8Array | null,
  mode: Extract<CreateModeName, 'ephemeral' | 'ephemeral-sequential'>,
  signal: AbortSignal | undefined,
): Promise<CreateResult> {
  signal?.throwIfAborted();
  const created = createWithParents(client, path, data, mode);
  if (!signal) return created;
  let onAbort!: () => void;
  const aborted = new Promise<'aborted'>((resolve) => {
    onAbort = () => resolve('aborted');
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const first = await Promise.race([created, aborted]);
    if (first !== 'aborted') return first;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  const late = await created.catch(() => undefined);
  if (late) await deleteQuietly(client, late.path);
  throw signal.reason;
}

async function createWithParents(
  client: ZooKeeperClient,
  path: string,
  data: Uint8Array | null,
  mode: 'ephemeral' | 'ephemeral-sequential',
): Promise<CreateResult> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await client.create(path, data, { mode, protected: true });
    } catch (err) {
      // The parent (a container) is missing or was just reaped: create it and try again.
      if (!(err instanceof NoNodeError) || attempt >= 3) throw err;
      await ensureParents(client, path);
    }
  }
}
