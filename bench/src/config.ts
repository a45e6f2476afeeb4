import { CLIENTS, type ClientName, OPS, type Op } from './row-spec.js';

/** What to run, from the environment (see docs/benchmarks.md). */
export interface BenchConfig {
  /** Timed operations per row with 64 outstanding (BENCH_OPS). */
  readonly ops64: number;
  /** Timed operations per row with 1 outstanding (BENCH_OPS_SEQ). */
  readonly ops1: number;
  /** Untimed warm-up operations per row, before the timed ones (BENCH_WARMUP). */
  readonly warmup: number;
  readonly windows: readonly number[];
  readonly clients: readonly ClientName[];
  readonly ops: readonly Op[];
  /** Full passes over every row; each row reports its median-throughput pass (BENCH_ROUNDS). */
  readonly rounds: number;
  readonly dataSize: number;
  readonly readNodes: number;
  /** Foreign CPU use (cores) above which the machine is not quiet and a row is repeated (BENCH_QUIET, in % of one core). */
  readonly quietThreshold: number;
  /** How long to wait for a quiet machine before each row, in ms (BENCH_QUIET_TIMEOUT, in s). */
  readonly quietTimeout: number;
  /** Runs of a row at most while others disturb it; the least disturbed is kept (BENCH_ATTEMPTS). */
  readonly attempts: number;
  /** Directory for `--cpu-prof` profiles of the zookit rows (BENCH_CPU_PROF), or undefined. */
  readonly cpuProfDir: string | undefined;
  /** Where the markdown report goes (BENCH_OUT). */
  readonly out: string;
}

export function readConfig(env: NodeJS.ProcessEnv, defaultOut: string): BenchConfig {
  return {
    ops64: int(env, 'BENCH_OPS', 40_000),
    ops1: int(env, 'BENCH_OPS_SEQ', 10_000),
    // Enough for the JVM to compile the Java client's hot paths with C2 (~10k calls each).
    warmup: int(env, 'BENCH_WARMUP', 10_000),
    windows: list(env, 'BENCH_WINDOWS', ['1', '64']).map((w) => {
      const n = Number(w);
      if (!Number.isInteger(n) || n < 1) throw new RangeError(`BENCH_WINDOWS: ${w} is not a positive integer`);
      return n;
    }),
    clients: list(env, 'BENCH_CLIENTS', CLIENTS),
    ops: list(env, 'BENCH_OP_LIST', OPS),
    rounds: int(env, 'BENCH_ROUNDS', 3),
    dataSize: int(env, 'BENCH_DATA_SIZE', 32),
    readNodes: int(env, 'BENCH_READ_NODES', 1000),
    quietThreshold: int(env, 'BENCH_QUIET', 10) / 100,
    quietTimeout: int(env, 'BENCH_QUIET_TIMEOUT', 30) * 1000,
    attempts: int(env, 'BENCH_ATTEMPTS', 3),
    cpuProfDir: env.BENCH_CPU_PROF || undefined,
    out: env.BENCH_OUT || defaultOut,
  };
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${name}: expected a positive integer, got ${raw}`);
  return n;
}

function list<T extends string>(env: NodeJS.ProcessEnv, name: string, allowed: readonly T[]): T[] {
  const raw = env[name];
  if (raw === undefined || raw === '') return [...allowed];
  const items = raw.split(',').map((s) => s.trim());
  for (const item of items) {
    if (!(allowed as readonly string[]).includes(item) && name !== 'BENCH_WINDOWS') {
      throw new RangeError(`${name}: unknown ${item} (expected some of ${allowed.join(',')})`);
    }
  }
  return items as T[];
}
