// Every example and the demo run to completion on the embedded server (the gate runs them all),
// and each is one file a reader can copy into an app: it imports only published packages.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const examples = join(dirname(fileURLToPath(import.meta.url)), '../../examples');
const dist = join(examples, 'dist');
const programs = readdirSync(dist).filter((f) => /^(\d\d-.*|demo)\.js$/.test(f));

function run(file: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const { ZK_CONNECT: _, ...env } = process.env;
    const child = spawn(process.execPath, [join(dist, file)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

/** A line each program must print: proof it did its job, not just that it exited. */
const proof: Record<string, RegExp> = {
  '01-connect.js': /watch fired: \{ type: 'NodeDataChanged'/,
  '02-mutex-fencing.js': /fenced out: write to "balance" with fencing token \d+ refused/,
  '03-leader-latch.js': /worker-\d leads now/,
  '04-leader-selector.js': /6 turns, one leader at a time/,
  '05-barrier.js': /all left together/,
  '06-shared-counter.js': /SharedCount after 3 × 5 increments: 15\nAtomicLong after 3 × 2 increments: 6/,
  '07-cache.js': /cache view: db = postgres:\/\/b, children = db \(converged\)/,
  '08-discovery.js': /picks: api-\d, api-\d, api-\d\n[\s\S]*after api-1 went away: picks api-2, api-2, api-2/,
  '10-queue.js': /processed job-1, job-2, job-3: each once, none lost/,
  '09-partitions.js': /after worker-3 died: worker-1: 6, worker-2: 6 \(12 partitions, none lost\)/,
  'demo.js': /wakes up and writes with token \d+: REFUSED[\s\S]*released: everyone is here/,
};

describe('examples', () => {
  it('finds the examples and the demo', () => {
    expect(programs).toEqual(expect.arrayContaining(Object.keys(proof)));
  });

  it.each(readdirSync(join(examples, 'src')))(
    '%s is self-contained: it imports only node: and @zookit/ packages',
    (file) => {
      const source = readFileSync(join(examples, 'src', file), 'utf8');
      const imports = [...source.matchAll(/^import[^;]*?from '([^']+)';/gms)].map((match) => match[1]);
      expect(imports.length).toBeGreaterThan(0);
      expect(imports.filter((from) => !/^(node:|@zookit\/)/.test(from as string))).toEqual([]);
    },
  );

  it.each(programs)('%s runs to completion on the embedded server', async (file) => {
    const { code, out } = await run(file);
    expect(code, out).toBe(0);
    const expected = proof[file];
    expect(expected, `register the line ${file} must print in \`proof\``).toBeDefined();
    expect(out).toMatch(expected as RegExp);
  });
});
