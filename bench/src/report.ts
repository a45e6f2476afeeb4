import { CLIENT_LABELS, CLIENTS, type ClientName, type Op, type RowResult } from './row-spec.js';

/** How a run was made: the first line of the results file, and the report's header. */
export interface RunInfo {
  readonly date: string;
  readonly machine: string;
  readonly node: string;
  readonly zookeeper: string;
  readonly serverJvmFlags: string;
  readonly java: string;
  readonly ops1: number;
  readonly ops64: number;
  readonly warmup: number;
  readonly dataSize: number;
  readonly readNodes: number;
  readonly rounds: number;
  readonly ops: readonly Op[];
  readonly windows: readonly number[];
}

/** The whole markdown report: header, the results table, the ratios to the targets. */
export function formatReport(info: RunInfo, results: readonly RowResult[]): string {
  const rows = medianRows(results);
  const rounds = Math.max(0, ...rows.map((r) => r.allOpsPerSec.length));
  const partial = rows.some((r) => r.allOpsPerSec.length < info.rounds) ? ' (not every row completed every round)' : '';
  return [
    `# Client benchmark — ${info.date}`,
    '',
    `- Machine: ${info.machine}; Node ${info.node}; ZooKeeper ${info.zookeeper} (standalone, tickTime 2000, forceSync=no, JVM ${info.serverJvmFlags}); Java: ${info.java}`,
    `- Per row: ${info.ops1} timed ops with 1 outstanding, ${info.ops64} with 64, each after ${info.warmup} untimed warm-up ops; ${info.dataSize}-byte data; reads and setData over ${info.readNodes} nodes; up to ${rounds} of ${info.rounds} round(s)${partial}, the median-throughput round reported.`,
    '',
    resultsTable(rows, info.ops, info.windows),
    '',
    'Ratios of @zookit/client to the others (ops/s: above 1 means zookit is faster; p50: below 1 means zookit is faster):',
    '',
    ratiosTable(rows, info.ops, info.windows),
  ].join('\n');
}

/** One reported row: the pass with the median throughput among the rounds. */
export interface ReportRow extends RowResult {
  readonly opsPerSec: number;
  /** Throughput of every pass, for the spread. */
  readonly allOpsPerSec: readonly number[];
}

export function opsPerSec(r: RowResult): number {
  return r.count / r.seconds;
}

/**
 * Groups the passes of each (client, op, window) and keeps the median-throughput one (with an
 * even number of passes, the slower of the two middle ones).
 */
export function medianRows(results: readonly RowResult[]): ReportRow[] {
  const groups = new Map<string, RowResult[]>();
  for (const r of results) {
    const key = `${r.op}|${r.window}|${r.client}`;
    const group = groups.get(key) ?? [];
    group.push(r);
    groups.set(key, group);
  }
  return [...groups.values()].map((group) => {
    const sorted = [...group].sort((a, b) => opsPerSec(a) - opsPerSec(b));
    const median = sorted[Math.floor((sorted.length - 1) / 2)] as RowResult;
    return { ...median, opsPerSec: opsPerSec(median), allOpsPerSec: sorted.map(opsPerSec) };
  });
}

const cpuPerOp = (r: RowResult): string => (r.cpuMs === undefined ? '—' : ((r.cpuMs * 1000) / r.count).toFixed(1));
const fmtRate = (n: number): string => Math.round(n).toLocaleString('en-US');
const fmtMs = (n: number): string => (n < 10 ? n.toFixed(3) : n.toFixed(1));
const fmtRatio = (n: number | undefined): string => (n === undefined ? '—' : n.toFixed(2));

/** The client × op × window table. */
export function resultsTable(rows: readonly ReportRow[], ops: readonly Op[], windows: readonly number[]): string {
  const lines = [
    "| op | outstanding | client | ops/s | p50 ms | p99 ms | client CPU µs/op | ops/s of each round | others' CPU (cores) |",
    '|---|---:|---|---:|---:|---:|---:|---|---:|',
  ];
  for (const op of ops) {
    for (const window of windows) {
      const group = rows.filter((x) => x.op === op && x.window === window);
      group.sort((a, b) => CLIENTS.indexOf(a.client) - CLIENTS.indexOf(b.client));
      for (const r of group) {
        lines.push(
          `| ${op} | ${window} | ${CLIENT_LABELS[r.client]} | ${fmtRate(r.opsPerSec)} | ${fmtMs(r.p50)} | ${fmtMs(r.p99)} | ${cpuPerOp(r)} | ${r.allOpsPerSec.map(fmtRate).join(', ')} | ${(r.foreignCpu ?? 0).toFixed(2)} |`,
        );
      }
    }
  }
  return lines.join('\n');
}

/**
 * The targets: @zookit/client at least as fast (ops/s) as node-zookeeper-client on every
 * row, and within 10% of the Java client's ops/s at 64 outstanding.
 */
export function ratiosTable(rows: readonly ReportRow[], ops: readonly Op[], windows: readonly number[]): string {
  const find = (client: ClientName, op: Op, window: number) =>
    rows.find((r) => r.client === client && r.op === op && r.window === window);
  const lines = [
    '| op | outstanding | zookit ÷ nzc (ops/s) | target ≥ 1.00 | zookit ÷ Java (ops/s) | target ≥ 0.90 (64 only) | zookit ÷ nzc (p50) | zookit ÷ Java (p50) |',
    '|---|---:|---:|---|---:|---|---:|---:|',
  ];
  for (const op of ops) {
    for (const window of windows) {
      const z = find('zookit', op, window);
      const n = find('nzc', op, window);
      const j = find('java', op, window);
      if (!z) continue;
      const vsNzc = n ? z.opsPerSec / n.opsPerSec : undefined;
      const vsJava = j ? z.opsPerSec / j.opsPerSec : undefined;
      const nzcTarget = vsNzc === undefined ? '—' : vsNzc >= 1 ? 'met' : '**missed**';
      const javaTarget = vsJava === undefined || window !== 64 ? '—' : vsJava >= 0.9 ? 'met' : '**missed**';
      lines.push(
        `| ${op} | ${window} | ${fmtRatio(vsNzc)} | ${nzcTarget} | ${fmtRatio(vsJava)} | ${javaTarget} | ${fmtRatio(n ? z.p50 / n.p50 : undefined)} | ${fmtRatio(j ? z.p50 / j.p50 : undefined)} |`,
      );
    }
  }
  return lines.join('\n');
}
