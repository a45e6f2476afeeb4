// Recipes reference §6 item 6, last part: never two leaders across server stop/restart cycles.
// The server runs in its own process (real ZooKeeper, or the bundled server's CLI with a data
// dir) so that it can be stopped and started again on the same port with the same data.
import { randomUUID } from 'node:crypto';
import { ConnectionLossError, ZooKeeperClient } from '@zookit/client';
import type { ConnectionErrorPolicy } from '@zookit/recipes';
import { LeaderLatch } from '@zookit/recipes';
import { waitUntil } from '@zookit/testing';
import { describe, expect, it } from 'vitest';
import { processTargets } from '../process-servers.js';

/**
 * Long enough for a ZooKeeper JVM to restart within it, so that sessions usually survive a
 * cycle; one that does not (a slow restart on a busy machine) is replaced by a new session, and
 * the invariant must hold either way.
 */
const T = 8000;
const CYCLES = 4;

describe.each(processTargets)('LeaderLatch across server restarts on $name', (target) => {
  it(`never two leaders over ${CYCLES} stop/restart cycles, standard and session policies mixed`, async () => {
    const server = await target.start({ tickTime: 500 });
    const path = `/election/${randomUUID()}`;
    const clients: ZooKeeperClient[] = [];
    const latches = new Map<string, LeaderLatch>();
    /** Who believes it leads right now, as the latches report it. */
    const leading = new Set<string>();
    let mostAtOnce = 0;
    let gains = 0;
    const join = async (id: string, client: ZooKeeperClient, errorPolicy: ConnectionErrorPolicy) => {
      const latch = new LeaderLatch(client, path, { id, errorPolicy });
      latch.onChange((isLeader) => {
        if (isLeader) {
          leading.add(id);
          gains++;
        } else leading.delete(id);
        mostAtOnce = Math.max(mostAtOnce, leading.size);
      });
      latches.set(id, latch);
      await latch.start();
    };
    const settled = async (what: string) =>
      waitUntil(
        async () =>
          leading.size === 1 &&
          clients.every((c) => c.state === 'connected' || c.state === 'reconnected') &&
          (await serverLeader()) === [...leading][0],
        { timeout: 3 * T, interval: 20, description: what },
      );
    /** The id in the first node under the latch path, if that node belongs to the session of that id's client. */
    const serverLeader = async (): Promise<string | undefined> => {
      const probe = clients[0] as ZooKeeperClient;
      try {
        const { children } = await probe.getChildren(path);
        const first = children.sort((x, y) => x.slice(-10).localeCompare(y.slice(-10)))[0];
        if (!first) return undefined;
        const { data, stat } = await probe.getData(`${path}/${first}`);
        const id = data?.toString('utf8') ?? '';
        return stat.ephemeralOwner === clientOf.get(id)?.sessionId ? id : undefined;
      } catch (err) {
        // A connection that breaks under the probe is not an answer: ask again.
        if (err instanceof ConnectionLossError) return undefined;
        throw err;
      }
    };
    const clientOf = new Map<string, ZooKeeperClient>();
    try {
      const policies: Array<[string, ConnectionErrorPolicy]> = [
        ['a', 'standard'],
        ['b', 'session'],
        ['c', 'session'],
      ];
      for (const [id, policy] of policies) {
        const client = await ZooKeeperClient.connect(server.connectString, { sessionTimeout: T });
        clients.push(client);
        clientOf.set(id, client);
        await join(id, client, policy);
      }
      await settled('one leader before the first restart');
      for (let cycle = 1; cycle <= CYCLES; cycle++) {
        await server.restart();
        if (cycle % 2 === 0) {
          // Leadership moves while the clients reconnect: the leader steps down and joins again.
          const [leader] = [...leading];
          const outgoing = leader ? latches.get(leader) : undefined;
          if (leader && outgoing) {
            await outgoing.close();
            const policy = policies.find(([id]) => id === leader)?.[1] ?? 'standard';
            await join(leader, clientOf.get(leader) as ZooKeeperClient, policy);
          }
        }
        await settled(`one leader, known to the server, after restart ${cycle}`);
        expect(mostAtOnce, `two latches led at once during cycle ${cycle}`).toBe(1);
      }
      // Leadership did move: the first grant and one at each step-down (cycles 2 and 4) at least.
      expect(gains).toBeGreaterThanOrEqual(3);
    } finally {
      for (const latch of latches.values()) await latch.close().catch(() => undefined);
      await Promise.all(clients.map((c) => c.close()));
      await server.stop();
    }
  }, 120_000);
});
