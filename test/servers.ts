// The servers every cross-server suite runs against: real ZooKeeper 3.8 (LocalZooKeeper) and
// the bundled server. A behaviour that differs is a bug in ours unless docs/compatibility.md
// lists it as deliberate.
import { ZooKeeperServer } from '@zookit/server';
import { LocalZooKeeper } from '@zookit/testing';
import { lacks } from './prerequisites.js';

/** A running server as the suites see it. */
export interface TestServer {
  readonly connectString: string;
  stop(): Promise<void>;
}

/** Settings both kinds of server accept. */
export interface TestServerOptions {
  readonly tickTime: number;
  /** `user:base64(sha1(user:password))` granted super rights. */
  readonly superDigest?: string;
}

/** How to start one kind of server. */
export interface ServerTarget {
  readonly name: 'zookeeper' | 'zookit';
  start(options: TestServerOptions): Promise<TestServer>;
}

/** Both servers; real ZooKeeper is left out when it is not installed (test/prerequisites.ts). */
export const serverTargets: readonly ServerTarget[] = (
  [
    {
      name: 'zookeeper',
      start: ({ tickTime, superDigest }) =>
        LocalZooKeeper.start({
          tickTime,
          ...(superDigest
            ? { systemProperties: { 'zookeeper.DigestAuthenticationProvider.superDigest': superDigest } }
            : {}),
        }),
    },
    {
      name: 'zookit',
      start: async ({ tickTime, superDigest }) => {
        const server = await ZooKeeperServer.start({ tickTime, ...(superDigest ? { superDigest } : {}) });
        return { connectString: server.connectString, stop: () => server.close() };
      },
    },
  ] satisfies ServerTarget[]
).filter((target) => target.name !== 'zookeeper' || !lacks('zookeeper'));
