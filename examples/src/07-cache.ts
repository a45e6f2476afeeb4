// A cache of a subtree, kept current by one persistent recursive watch.
import { ZooKeeperClient } from '@zookit/client';
import { TreeCache } from '@zookit/recipes';
import { ZooKeeperServer } from '@zookit/server';

async function cacheSubtree(connectString: string): Promise<void> {
  await using zk = await ZooKeeperClient.connect(connectString);
  const root = `/zookit-examples/config-${Date.now().toString(36)}`;
  await zk.create('/zookit-examples').catch(() => undefined); // may exist already
  await zk.create(root);
  await zk.create(`${root}/db`, 'postgres://a');

  const cache = new TreeCache(zk, root);
  cache.on((e) => {
    if (e.type === 'created' || e.type === 'updated' || e.type === 'deleted') {
      console.log(`${e.type} ${e.path}${e.type === 'deleted' ? '' : ` = ${e.node.data?.toString() ?? ''}`}`);
    } else console.log(e.type);
  });
  await cache.start();

  await zk.setData(`${root}/db`, 'postgres://b');
  await zk.create(`${root}/cache`, 'redis://c');
  await zk.delete(`${root}/cache`);
  // Wait (at most 5 s) until the cache has seen all three changes, checking after each event.
  const converged = () => cache.get(`${root}/db`)?.data?.toString() === 'postgres://b' && !cache.get(`${root}/cache`);
  let seen = converged() ? 'converged' : 'timed out';
  if (!converged()) {
    for await (const _event of cache.events({ signal: AbortSignal.timeout(5000) })) {
      if (converged()) {
        seen = 'converged';
        break;
      }
    }
  }
  const db = cache.get(`${root}/db`)?.data?.toString();
  console.log(`cache view: db = ${db}, children = ${cache.children(root)?.join(',')} (${seen})`);
  await cache.close();
}

// Runs on your ZooKeeper when ZK_CONNECT=host:port is set, else on a zookit server in this process.
if (process.env.ZK_CONNECT) {
  await cacheSubtree(process.env.ZK_CONNECT);
} else {
  await using server = await ZooKeeperServer.start();
  await cacheSubtree(server.connectString);
}
