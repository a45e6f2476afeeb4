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
 * ephemeral dies with its session). Curator's "guaranteed" delete. Never throws: resolves true
 * when the node is gone (or dies with the session), false when another error or the attempts
 * ran out left it in place.
 */
export async function deleteQuietly(client: ZooKeeperClient, path: string, attempts = 10): Promise<boolean> {
  for (let i = 0; i < attempts; i++) {
    try {
      await client.delete(path);
      return true;
    } catch (err) {
      if (err instanceof NoNodeError || err instanceof SessionExpiredError || err instanceof ClientClosedError) {
        return true;
      }
      if (!(err instanceof ConnectionLossError)) return false;
    }
  }
  return false;
}
