// The long server fuzz run, outside the test gate: `pnpm fuzz:server` (FUZZ_SERVER_FRAMES
// frames, default 100,000; FUZZ_SEED=random prints its seed). Same judge as the gate run.
import { describe, it } from 'vitest';
import { expectClean, MIX } from './expect-clean.js';
import { collectGarbage, startFixture, waitFor } from './fuzz-fixture.js';
import { formatSummary, fuzzServer } from './fuzz-server.js';
import { Prng } from './prng.js';

const LONG_RUN_FRAMES = Number(process.env.FUZZ_SERVER_FRAMES ?? 100_000);
const SEED =
  process.env.FUZZ_SEED === 'random' || process.env.FUZZ_SEED === undefined
    ? Math.floor(Math.random() * 0x1_0000_0000)
    : Prng.seedFrom(process.env.FUZZ_SEED);
const MB = 1024 * 1024;

describe(`server fuzz – long run (seed ${SEED})`, () => {
  it(`${LONG_RUN_FRAMES} frames`, async () => {
    const f = await startFixture();
    try {
      await f.healthy.progress(20);
      collectGarbage();
      const heapBefore = process.memoryUsage().heapUsed;
      let next = 0;
      const summary = await fuzzServer(f.target, {
        seed: SEED,
        frames: LONG_RUN_FRAMES,
        sequential: 50,
        concurrency: 8,
        mix: MIX,
        onConnection: (_run, s) => {
          if (s.framesSent < next) return;
          next += 10_000;
          console.info(`… ${s.framesSent} frames, ${s.connections} connections, healthy requests ${f.healthy.ops}`);
        },
      });
      await waitFor(() => f.server.core.connections.size === 1, 'only the healthy connection left');
      collectGarbage();
      const heapGrowth = (process.memoryUsage().heapUsed - heapBefore) / MB;
      console.info(formatSummary(summary));
      console.info(
        `  healthy client: ${f.healthy.ops} requests, ${f.healthy.failures.length} failures; heap growth after GC ${heapGrowth.toFixed(1)} MB (znodes and unexpired sessions included); process max RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`,
      );
      expectClean(summary, f);
    } finally {
      await f.close();
    }
  }, 3_600_000);
});
