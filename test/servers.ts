// The servers every cross-server suite runs against: real ZooKeeper 3.8 (LocalZooKeeper) and
// the bundled server. A behaviour that differs is a bug in ours unless docs/compatibility.md
// lists it as deliberate.
import { ZooKeeperServer } from '@zookit/server';
import { LocalZooKeeper } from '@zookit/testing';

/** A running server as the suites see it. */
export interface TestServer {
  readonly connectString: string;
  stop(): Promise<void>;
}

/** How to start one kind of server with a given tick (ms). */
export interface ServerTarget {
  readonly name: 'zookeeper' | 'zookit';
  start(options: { tickTime: number }): Promise<TestServer>;
}

export const serverTargets: readonly ServerTarget[] = [
  {
    name: 'zookeeper',
    start: ({ tickTime }) => LocalZooKeeper.start({ tickTime }),
  },
  {
    name: 'zookit',
    start: async ({ tickTime }) => {
      const server = await ZooKeeperServer.start({ tickTime });
      return { connectString: server.connectString, stop: () => server.close() };
    },
  },
];
