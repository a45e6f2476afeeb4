// What the sequence suites share: the bundled server started through the recipe fixture and
// kept for its testing knob (`server.core.setNextSequence`), and ways to see who waits on what.
import { randomUUID } from 'node:crypto';
import type { ZooKeeperClient } from '@zookit/client';
import { ZooKeeperServer } from '@zookit/server';
import { fourLetterWord, waitUntil } from '@zookit/testing';
import { expect } from 'vitest';
import type { ServerTarget } from '../servers.js';

export const INT32_MAX = 2 ** 31 - 1;
export const WAIT = { timeout: 5000, interval: 10 };

/** The bundled server as a fixture target, and the running server (once the fixture started it). */
export function bundledServer(): { target: ServerTarget; server: () => ZooKeeperServer } {
  let bundled: ZooKeeperServer | undefined;
  const target: ServerTarget = {
    name: 'zookit',
    start: async ({ tickTime }) => {
      const server = await ZooKeeperServer.start({ tickTime });
      bundled = server;
      return { connectString: server.connectString, stop: () => server.close() };
    },
  };
  return {
    target,
    server: () => {
      if (!bundled) throw new Error('the server is started in beforeAll');
      return bundled;
    },
  };
}

/** A persistent parent (a container would be reaped while empty) whose next child is numbered `next`. */
export async function parentAt(server: ZooKeeperServer, zk: ZooKeeperClient, next: number): Promise<string> {
  const path = `/wrap-${randomUUID()}`;
  await zk.create(path, null);
  server.core.setNextSequence(path, next);
  return path;
}

/** Paths the server watches for `zk`'s session (`wchc`). */
export async function watchedBy(server: ZooKeeperServer, zk: ZooKeeperClient): Promise<string[]> {
  const answer = await fourLetterWord(server.host, server.port, 'wchc');
  const paths: string[] = [];
  let session: bigint | undefined;
  for (const line of answer.split('\n')) {
    if (/^0x[0-9a-f]+$/i.test(line)) session = BigInt(line);
    else if (line.trim() !== '' && session === zk.sessionId) paths.push(line.trim());
  }
  return paths;
}

/**
 * Waits until `zk` waits on `path` (its only watch on the server besides one on its own node
 * `own`, which a leader latch watches), failing at once if `holds()` says it was granted
 * instead (what a text-ordered queue does after the wrap).
 */
export async function waitsOn(
  server: ZooKeeperServer,
  zk: ZooKeeperClient,
  path: string,
  who: string,
  holds: () => boolean,
  own?: string,
): Promise<void> {
  const waiting = async () => (await watchedBy(server, zk)).filter((p) => p !== own).join() === path;
  await waitUntil(async () => holds() || (await waiting()), {
    ...WAIT,
    description: `${who} to watch ${path}`,
  });
  expect(holds(), `${who} holds instead of waiting on ${path}`).toBe(false);
}
