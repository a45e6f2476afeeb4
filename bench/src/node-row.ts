/**
 * One row of the client benchmark with a Node client, in its own process (as ClientBench.java is
 * for the Java client): `node dist/node-row.js <zookit|nzc> <row arguments>` prints a RowResult.
 * A window of 1 is a loop of sequential awaits; a window of 64 is 64 such loops sharing one
 * counter, so that 64 requests are in flight at all times.
 */
import { performance } from 'node:perf_hooks';
import { type BenchClient, connectNzc, connectZookit } from './node-clients.js';
import { nodePath, parseRowArgs, percentile, type RowResult, type RowSpec } from './row-spec.js';

type OpRunner = (i: number) => Promise<unknown>;

function opRunner(client: BenchClient, spec: RowSpec): OpRunner {
  const data = Buffer.alloc(spec.dataSize, 'x');
  switch (spec.op) {
    case 'create':
      return (i) => client.create(nodePath(spec, i), data);
    case 'getData':
      return (i) => client.getData(nodePath(spec, i));
    case 'setData':
      return (i) => client.setData(nodePath(spec, i), data);
    case 'exists':
      return (i) => client.exists(nodePath(spec, i));
    case 'delete':
      return (i) => client.delete(nodePath(spec, i));
  }
}

/** Runs operations first … first+count-1 with at most `window` outstanding; records latencies if asked. */
async function runWindow(
  run: OpRunner,
  window: number,
  first: number,
  count: number,
  latencies: Float64Array | undefined,
): Promise<void> {
  let next = 0;
  const loop = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      const t0 = performance.now();
      await run(first + i);
      if (latencies) latencies[i] = performance.now() - t0;
    }
  };
  await Promise.all(Array.from({ length: Math.min(window, count) }, loop));
}

async function main(): Promise<void> {
  const [clientName, ...rest] = process.argv.slice(2);
  if (clientName !== 'zookit' && clientName !== 'nzc') throw new TypeError('client: expected zookit or nzc');
  const spec = parseRowArgs(rest);
  const client =
    clientName === 'zookit' ? await connectZookit(spec.connectString) : await connectNzc(spec.connectString);
  try {
    const run = opRunner(client, spec);
    await runWindow(run, spec.window, 0, spec.warmup, undefined);
    const latencies = new Float64Array(spec.count);
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    await runWindow(run, spec.window, spec.warmup, spec.count, latencies);
    const seconds = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpu0);
    latencies.sort();
    const result: RowResult = {
      client: clientName,
      op: spec.op,
      window: spec.window,
      count: spec.count,
      seconds,
      p50: percentile(latencies, 0.5),
      p99: percentile(latencies, 0.99),
      cpuMs: (cpu.user + cpu.system) / 1000,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await client.close();
  }
}

main().then(
  // node-zookeeper-client may keep timers alive after close; the result is out, so end here.
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
