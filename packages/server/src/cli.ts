#!/usr/bin/env node
// zookit-server: the bundled server as a process. See USAGE in cli-args.ts.
import { parseCliArgs, USAGE, UsageError } from './cli-args.js';
import { ZooKeeperServer } from './zookeeper-server.js';

async function main(argv: readonly string[]): Promise<void> {
  let options: ReturnType<typeof parseCliArgs>;
  try {
    options = parseCliArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`zookit-server: ${err.message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  let server: ZooKeeperServer;
  try {
    server = await ZooKeeperServer.start({
      port: options.port,
      host: options.host,
      dataDir: options.dataDir,
      tickTime: options.tickTime,
      snapshotEvery: options.snapshotEvery,
      maxClientCnxns: options.maxClientCnxns,
    });
  } catch (err) {
    process.stderr.write(`zookit-server: cannot start: ${(err as Error).message}\n`);
    process.exit(1);
  }
  process.stdout.write(`zookit-server listening on ${server.connectString}\n`);
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      process.stderr.write(`zookit-server: ${signal} again, exiting without waiting\n`);
      process.exit(1);
    }
    stopping = true;
    server.close().then(
      () => process.exit(0),
      (err: Error) => {
        process.stderr.write(`zookit-server: shutting down failed: ${err.message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

await main(process.argv.slice(2));
