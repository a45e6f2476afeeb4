// A cache of a subtree, kept current by one persistent recursive watch.
import { ZooKeeperClient } from '@zookit/client';
import { TreeCache } from '@zookit/recipes';
import { scratch, target } from './ensemble.js';

await using where = await target();
await using zk = await ZooKeeperClient.connect(where.connectString);
const root = scratch('config');
await zk.create('/zookit-examples').catch(() => undefined);
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
await zk.sync(root);
const seen = await waitFor(
  () => cache.get(`${root}/db`)?.data?.toString() === 'postgres://b' && !cache.get(`${root}/cache`),
);
console.log(
  `cache view: db = ${cache.get(`${root}/db`)?.data?.toString()}, children = ${cache.children(root)?.join(',')} (${seen})`,
);
await cache.close();

/** Resolves once `condition` holds, checking after every cache event (bounded to 5 s). */
async function waitFor(condition: () => boolean): Promise<string> {
  if (condition()) return 'converged';
  for await (const _event of cache.events({ signal: AbortSignal.timeout(5000) })) {
    if (condition()) return 'converged';
  }
  return 'timed out';
}
