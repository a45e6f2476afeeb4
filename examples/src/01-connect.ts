// Connect, write, read, watch, and follow the connection state.
import { ZooKeeperClient } from '@zookit/client';
import { scratch, target } from './ensemble.js';

await using where = await target();
await using zk = await ZooKeeperClient.connect(where.connectString, { sessionTimeout: 4000 });
zk.onStateChange((e) => console.log(`state: ${e.state} (session 0x${e.sessionId.toString(16)})`));
console.log(
  `connected to ${where.embedded ? 'the embedded server' : where.connectString}, session 0x${zk.sessionId.toString(16)}`,
);

const base = scratch('connect');
await zk.create('/zookit-examples').catch(() => undefined);
await zk.create(base, 'v1');
const { data, stat, watch } = await zk.getData(base, { watch: true });
console.log(`read ${data} (version ${stat.version})`);
await zk.setData(base, 'v2', { version: stat.version });
console.log('watch fired:', await watch);
const { path } = await zk.create(`${base}/job-`, 'payload', { mode: 'persistent-sequential' });
console.log('created', path);
await zk.delete(path);
await zk.delete(base);
