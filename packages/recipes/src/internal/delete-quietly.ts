import {
  ClientClosedError,
  ConnectionLossError,
  NoNodeError,
  SessionExpiredError,
  type ZooKeeperClient,
} from '@zookit/client';

/**
 * Deletes a recipe's own (ephemeral) node, retrying after connection losses (the client waits
 * for the next connection) until it is gone: NoNode, or the session or the client ended (an
 * ephemeral dies with its session). Curator's "guaranteed" delete. Never throws.
 */
export async function deleteQuietly(client: ZooKeeperClient, path: string, attempts = 10): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    try {
      await client.delete(path);
      return;
    } catch (err) {
      if (err instanceof NoNodeError || err instanceof SessionExpiredError || err instanceof ClientClosedError) return;
      if (!(err instanceof ConnectionLossError)) return;
    }
  }
}
