// The harness every recipe suite shares: one server per suite, clients made through the fixture,
// the recipes a test registers closed after it, and a leak check after every test (kazoo's
// harness, Curator's TestCleanState).
import { type ConnectionState, NoNodeError, ZooKeeperClient } from '@zookit/client';
import { FaultProxy, fourLetterWord } from '@zookit/testing';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { ServerTarget, TestServer } from '../servers.js';

/** What a test can hand to {@link RecipeFixture.track}: a recipe with `close()` or `[Symbol.asyncDispose]`. */
export type Closable = { close(): Promise<unknown> } | AsyncDisposable;

/** Options of {@link useRecipeFixture}. */
export interface RecipeFixtureOptions {
  /** The server's tick in ms. Default 500. */
  readonly tickTime?: number;
  /** Every client's session timeout in ms. Default 3000. */
  readonly sessionTimeout?: number;
}

/** One suite's server and the clients and recipes of the test running now. */
export interface RecipeFixture {
  /** The suite's server (set from `beforeAll` on). */
  readonly server: TestServer;
  /** The clients this test made with {@link client}, in order. */
  readonly clients: readonly ZooKeeperClient[];
  /** Connects a client (to the server unless `connectString` says otherwise) that is closed after the test. */
  client(connectString?: string): Promise<ZooKeeperClient>;
  /** Registers `recipe` to be closed after the test (in reverse order of registration); returns it. */
  track<R extends Closable>(recipe: R): R;
  /**
   * A FaultProxy in front of the server, stopped after the test's clients are closed: clients
   * behind it are checked like the others, and tracked recipes can still reach the server when
   * they close. A test must leave it passing traffic.
   */
  proxy(): Promise<FaultProxy>;
}

/** The states in which a client can still ask the server about its session. */
const LIVE: ReadonlySet<ConnectionState | 'connecting'> = new Set(['connected', 'reconnected', 'read-only']);

/**
 * Starts a server for the enclosing `describe` (call it inside `describe.each(serverTargets)`)
 * and registers the hooks. After every test, in this order:
 * 1. closes every tracked recipe, last registered first;
 * 2. collects leaks of every fixture client: watch registrations left in the client, state
 *    listeners other than those it had right after connect, and, while its session is live,
 *    ephemeral nodes it still owns (getEphemerals) and paths the server still watches for it
 *    (`wchc`, which lists data, exists and persistent watches: a child watch left behind shows
 *    only in the client's count);
 * 3. closes every client, whatever happened before, so that one failing test cannot fail the next,
 *    then stops the test's proxies;
 * 4. fails with the list of every leak found.
 * A client whose session is not live (suspended, lost) is checked on the client side only. A test
 * that keeps something on purpose must release it before it ends.
 */
export function useRecipeFixture(target: ServerTarget, options: RecipeFixtureOptions = {}): RecipeFixture {
  const { tickTime = 500, sessionTimeout = 3000 } = options;
  let server: TestServer | undefined;
  const clients: ZooKeeperClient[] = [];
  /** Each client's state listeners right after connect (its own). */
  const ownListeners = new Map<ZooKeeperClient, number>();
  const recipes: Closable[] = [];
  const proxies: FaultProxy[] = [];

  beforeAll(async () => {
    server = await target.start({ tickTime });
  });
  afterEach(async () => {
    const leaks: string[] = [];
    try {
      for (const [i, recipe] of [...recipes.splice(0).entries()].reverse()) {
        try {
          await ('close' in recipe ? recipe.close() : recipe[Symbol.asyncDispose]());
        } catch (err) {
          leaks.push(`recipe ${i} (${recipe.constructor.name}): close failed: ${(err as Error).message}`);
        }
      }
      leaks.push(...(await clientLeaks(clients, ownListeners)));
      leaks.push(...(await serverWatchLeaks(fixture.server.connectString, clients)));
    } finally {
      await Promise.all(clients.splice(0).map((c) => c.close()));
      ownListeners.clear();
      await Promise.all(proxies.splice(0).map((p) => p.stop()));
    }
    expect(leaks, 'leaks after the test').toEqual([]);
  });
  afterAll(async () => {
    await server?.stop();
  });

  const fixture: RecipeFixture = {
    get server() {
      if (!server) throw new Error('the server is started in beforeAll');
      return server;
    },
    clients,
    client: async (connectString = fixture.server.connectString) => {
      const c = await ZooKeeperClient.connect(connectString, { sessionTimeout });
      clients.push(c);
      ownListeners.set(c, c.stateListenerCount);
      return c;
    },
    track: (recipe) => {
      recipes.push(recipe);
      return recipe;
    },
    proxy: async () => {
      const proxy = await FaultProxy.start({ target: fixture.server.connectString });
      proxies.push(proxy);
      return proxy;
    },
  };
  return fixture;
}

const hex = (session: bigint) => `0x${session.toString(16)}`;

/** Client-side leaks, and the ephemerals of every live session. */
async function clientLeaks(
  clients: readonly ZooKeeperClient[],
  ownListeners: ReadonlyMap<ZooKeeperClient, number>,
): Promise<string[]> {
  const leaks: string[] = [];
  for (const [i, c] of clients.entries()) {
    const name = `client ${i} (session ${hex(c.sessionId)}, ${c.state})`;
    if (c.watchCount !== 0) leaks.push(`${name}: ${c.watchCount} watch registration(s) left`);
    const own = ownListeners.get(c) ?? 0;
    if (c.stateListenerCount !== own) {
      leaks.push(`${name}: ${c.stateListenerCount} state listener(s), ${own} right after connect`);
    }
    if (!LIVE.has(c.state)) continue;
    try {
      for (const path of await c.getEphemerals('/'))
        leaks.push(`session ${hex(c.sessionId)} still owns ephemeral ${path}`);
    } catch (err) {
      leaks.push(`${name}: could not list its ephemerals: ${(err as Error).message}`);
    }
  }
  return leaks;
}

/** Paths the server (`wchc`) still watches for a live session of one of `clients`. */
async function serverWatchLeaks(connectString: string, clients: readonly ZooKeeperClient[]): Promise<string[]> {
  const live = new Map<bigint, number>();
  for (const [i, c] of clients.entries()) if (LIVE.has(c.state)) live.set(c.sessionId, i);
  const hostPort = connectString.split(',')[0]?.split('/')[0] ?? '';
  const colon = hostPort.lastIndexOf(':');
  let answer: string;
  try {
    answer = await fourLetterWord(hostPort.slice(0, colon), Number(hostPort.slice(colon + 1)), 'wchc');
  } catch (err) {
    return [`could not ask ${hostPort} for its watches (wchc): ${(err as Error).message}`];
  }
  // ZooKeeper's format: a line `0x<session>`, then each path it watches on a line of its own, indented.
  const leaks: string[] = [];
  let session: bigint | undefined;
  for (const line of answer.split('\n')) {
    if (/^0x[0-9a-f]+$/i.test(line)) session = BigInt(line);
    else if (/^\s+\//.test(line) && session !== undefined) {
      const i = live.get(session);
      if (i !== undefined) leaks.push(`server still watches ${line.trim()} for session ${hex(session)} (client ${i})`);
    } else if (line.trim() !== '') return [`wchc answered something else than watches: ${JSON.stringify(answer)}`];
  }
  return leaks;
}

/** A promise whose settlement can be observed without awaiting it. */
export function observe<V>(promise: Promise<V>): { promise: Promise<V>; settled: () => boolean } {
  let settled = false;
  promise.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  return { promise, settled: () => settled };
}

/** The children of a lock node, or none once the server reaped the empty container. */
export function childrenOrNone(zk: ZooKeeperClient, path: string): Promise<string[]> {
  return zk.getChildren(path).then(
    (r) => r.children,
    (err) => (err instanceof NoNodeError ? [] : Promise.reject(err)),
  );
}

/** Drains `events` and resolves `'ended'` once the iterator ends (rejects if it fails, e.g. by its signal). */
export async function drained(events: AsyncIterable<unknown>): Promise<'ended'> {
  for await (const _ of events) {
    // nothing to do with the events: only the end matters
  }
  return 'ended';
}
