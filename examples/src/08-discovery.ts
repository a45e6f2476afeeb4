// Service discovery in curator-x-discovery's layout: two instances of a service register, a client
// picks instances through a ServiceProvider, and keeps working when one instance goes away.
import { ZooKeeperClient } from '@zookit/client';
import { ServiceDiscovery, serviceInstance } from '@zookit/recipes';
import { ZooKeeperServer } from '@zookit/server';

async function discover(connectString: string): Promise<void> {
  const basePath = `/zookit-examples/services-${Date.now().toString(36)}`;
  // Each instance runs with its own session, as two processes would.
  const instances = [];
  for (const [id, port] of [
    ['api-1', 8081],
    ['api-2', 8082],
  ] as const) {
    const zk = await ZooKeeperClient.connect(connectString);
    const discovery = new ServiceDiscovery(zk, { basePath });
    discovery.start();
    await discovery.registerService(
      serviceInstance({ name: 'api', id, address: 'localhost', port, uriSpec: '{scheme}://{address}:{port}' }),
    );
    instances.push(zk);
  }

  await using zk = await ZooKeeperClient.connect(connectString);
  await using discovery = new ServiceDiscovery(zk, { basePath });
  discovery.start();
  const provider = discovery.serviceProvider('api'); // round-robin; closed with the discovery
  await provider.start();
  const picks = () => Array.from({ length: 3 }, () => provider.getInstance()?.id ?? 'none').join(', ');
  console.log(`picks: ${picks()}`);

  // api-1's process ends: its session and its ephemeral registration go with it.
  await instances[0]?.close();
  for await (const event of provider.cache.events({ signal: AbortSignal.timeout(5000) })) {
    if (event.type === 'removed') break;
  }
  console.log(`after api-1 went away: picks ${picks()}`);
  await instances[1]?.close();
}

// Runs on your ZooKeeper when ZK_CONNECT=host:port is set, else on a zookit server in this process.
if (process.env.ZK_CONNECT) {
  await discover(process.env.ZK_CONNECT);
} else {
  await using server = await ZooKeeperServer.start();
  await discover(server.connectString);
}
