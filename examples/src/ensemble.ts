// Where the examples run: the ZooKeeper named by ZK_CONNECT, or else an embedded zookit server
// started in this process (no Java, no Docker, a few milliseconds).
import { ZooKeeperServer } from '@zookit/server';

/** A connect string and how to let go of it. */
export interface Target extends AsyncDisposable {
  readonly connectString: string;
  readonly embedded: boolean;
}

export async function target(): Promise<Target> {
  const external = process.env.ZK_CONNECT;
  if (external) return { connectString: external, embedded: false, [Symbol.asyncDispose]: async () => {} };
  const server = await ZooKeeperServer.start({ tickTime: 500 });
  return { connectString: server.connectString, embedded: true, [Symbol.asyncDispose]: () => server.close() };
}

/** A fresh path for this run, so examples never collide on a shared ZooKeeper. */
export function scratch(name: string): string {
  return `/zookit-examples/${name}-${Date.now().toString(36)}`;
}
