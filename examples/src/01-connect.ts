// Connect, write, read, watch, and follow the connection state.
import { ZooKeeperClient } from '@zookit/client';
import { ZooKeeperServer } from '@zookit/server';

async function connectWriteWatch(connectString: string): Promise<void> {
  await using zk = await ZooKeeperClient.connect(connectString, { sessionTimeout: 4000 });
  zk.onStateChange((e) => console.log(`state: ${e.state} (session 0x${e.sessionId.toString(16)})`));
  console.log(`connected to ${connectString}, session 0x${zk.sessionId.toString(16)}`);

  const base = `/zookit-examples/connect-${Date.now().toString(36)}`; // fresh on a shared ZooKeeper
  await zk.create('/zookit-examples').catch(() => undefined); // may exist already
  await zk.create(base, 'v1');
  const { data, stat, watch } = await zk.getData(base, { watch: true });
  console.log(`read ${data} (version ${stat.version})`);
  await zk.setData(base, 'v2', { version: stat.version });
  console.log('watch fired:', await watch);
  const { path } = await zk.create(`${base}/job-`, 'payload', { mode: 'persistent-sequential' });
  console.log('created', path);
  await zk.delete(path);
  await zk.delete(base);
}

// Runs on your ZooKeeper when ZK_CONNECT=host:port is set, else on a zookit server in this process.
if (process.env.ZK_CONNECT) {
  await connectWriteWatch(process.env.ZK_CONNECT);
} else {
  await using server = await ZooKeeperServer.start();
  await connectWriteWatch(server.connectString);
}
