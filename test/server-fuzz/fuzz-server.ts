/**
 * The server fuzz engine: plays seeded random scripts (random frames, damaged handshakes and
 * requests of every op, truncated frames, refused length prefixes, garbage after a handshake)
 * on real connections, a few at a time, and checks each connection's outcome against what
 * ZooKeeper allows (oracle.ts). Everything is reproducible from the seed it reports.
 *
 * Not a load test: connections are short and a run stops after a frame budget.
 */
import { errorCodeName } from '@zookit/protocol';
import type { ZooKeeperServer } from '@zookit/server';
import { type ConnectionRun, type FuzzTarget, runConnection } from './fuzz-connection.js';
import { hex, LOST_TO_RESET } from './judge.js';
import { LOST_TO_FRAMING_ERROR } from './oracle.js';
import { Prng } from './prng.js';
import { randomScript, SCRIPT_MIX, type Script, type ScriptKind, scriptFor } from './scripts.js';

export type { FuzzTarget } from './fuzz-connection.js';

/** Options of {@link fuzzServer}. */
export interface FuzzOptions {
  readonly seed: number;
  /** Stop starting connections once this many frames were sent. */
  readonly frames: number;
  /** Connections run one at a time before going concurrent. Default 20. */
  readonly sequential?: number;
  /** Connections at once after that. Default 4. */
  readonly concurrency?: number;
  /** Per connection: how long to wait for the outcome. Default 5000 ms. */
  readonly timeoutMs?: number;
  /** Script kinds and weights. Default {@link SCRIPT_MIX}. */
  readonly mix?: ReadonlyArray<readonly [number, ScriptKind]>;
  /** Called after each connection (for progress output). */
  readonly onConnection?: (run: ConnectionRun, summary: FuzzSummary) => void;
}

/** One way the server differed from ZooKeeper, with the first input that showed it. */
export interface Violation {
  /** Groups equal violations: step label and expectation with the numbers blanked. */
  readonly signature: string;
  readonly count: number;
  readonly kind: ScriptKind;
  readonly seed: number;
  readonly step: string;
  /** The offending frame (hex). */
  readonly input: string;
  /** The whole stream the connection sent (hex, shortened). */
  readonly stream: string;
  readonly expected: string;
  readonly observed: string;
}

/** An exception thrown out of the server while fuzz connections were in flight. */
export interface Crash {
  readonly error: string;
  /** The scripts in flight when it happened (one of them triggered it). */
  readonly suspects: readonly Script[];
}

/** What a run did: counts by script kind and by outcome, the violations and exceptions, peak RSS. */
export interface FuzzSummary {
  readonly seed: number;
  framesSent: number;
  bytesSent: number;
  connections: number;
  readonly connectionsByKind: Partial<Record<ScriptKind, number>>;
  /** Per frame: replies with err 0 (the ConnectResponse included). */
  repliedOk: number;
  /** Per frame: error replies, by error code name. */
  readonly errorReplies: Record<string, number>;
  /** Connections the server closed: without a reply to the frame that caused it, or right after one. */
  closedSilently: number;
  closedAfterReply: number;
  /**
   * Connections closed on a framing error (refused length, unreadable header) before the replies
   * to earlier frames of the stream arrived: ZooKeeper may lose those too, the bundled server
   * drops such frames unprocessed when they arrive in the same read as the bad one.
   */
  lostToFramingError: number;
  /** Connections reset while the client still wrote: what had arrived may be lost (counted in `closedSilently`). */
  lostToReset: number;
  /** Connections the client closed (the server rightly kept them open). */
  leftOpen: number;
  timeouts: number;
  readonly violations: Violation[];
  readonly crashes: Crash[];
  peakRssBytes: number;
  ms: number;
}

function signatureOf(run: ConnectionRun, expected: string, observed: string, step: string): string {
  const blank = (s: string) => s.replace(/-?\d+|[0-9a-f]{8,}/g, '#');
  return `${blank(step)} | expected ${blank(expected)} | observed ${blank(observed).slice(0, 80)}${run.timedOut ? ' (timeout)' : ''}`;
}

function record(summary: FuzzSummary, run: ConnectionRun): void {
  summary.connections++;
  summary.framesSent += run.script.frames;
  summary.bytesSent += run.script.stream.length;
  summary.connectionsByKind[run.script.kind] = (summary.connectionsByKind[run.script.kind] ?? 0) + 1;
  if (run.timedOut) summary.timeouts++;
  const { judgement } = run;
  if (judgement.ok) {
    for (const o of judgement.outcomes) {
      if (o.err === 0) summary.repliedOk++;
      else if (o.err !== undefined) {
        const name = `${o.err} ${errorCodeName(o.err) ?? '?'}`;
        summary.errorReplies[name] = (summary.errorReplies[name] ?? 0) + 1;
      }
      if (o.name === LOST_TO_FRAMING_ERROR) summary.lostToFramingError++;
      if (o.name === LOST_TO_RESET) summary.lostToReset++;
      if (o.close) {
        if (o.err === undefined) summary.closedSilently++;
        else summary.closedAfterReply++;
      }
    }
    if (!judgement.outcomes.some((o) => o.close)) summary.leftOpen++;
    return;
  }
  const { step, expected, observed } = judgement.mismatch;
  const label = step ? `#${step.index} ${step.label}` : 'stream';
  const signature = signatureOf(run, expected, observed, step?.label ?? 'stream');
  const i = summary.violations.findIndex((v) => v.signature === signature);
  if (i >= 0) {
    const v = summary.violations[i] as Violation;
    summary.violations[i] = { ...v, count: v.count + 1 };
    return;
  }
  summary.violations.push({
    signature,
    count: 1,
    kind: run.script.kind,
    seed: run.script.seed,
    step: label,
    input: step ? hex(step.bytes, 160) : '',
    stream: hex(run.script.stream, 400),
    expected,
    observed,
  });
}

/** Runs the fuzz campaign against `target` and returns its summary (it never throws for a server fault). */
export async function fuzzServer(target: FuzzTarget, options: FuzzOptions): Promise<FuzzSummary> {
  const started = performance.now();
  const rng = new Prng(options.seed);
  const summary: FuzzSummary = {
    seed: options.seed,
    framesSent: 0,
    bytesSent: 0,
    connections: 0,
    connectionsByKind: {},
    repliedOk: 0,
    errorReplies: {},
    closedSilently: 0,
    closedAfterReply: 0,
    lostToFramingError: 0,
    lostToReset: 0,
    leftOpen: 0,
    timeouts: 0,
    violations: [],
    crashes: [],
    peakRssBytes: process.memoryUsage.rss(),
    ms: 0,
  };
  const inFlight = new Set<Script>();
  const onCrash = (error: unknown) => {
    summary.crashes.push({ error: (error as Error)?.stack ?? String(error), suspects: [...inFlight] });
  };
  process.on('uncaughtException', onCrash);
  const sampler = setInterval(() => {
    summary.peakRssBytes = Math.max(summary.peakRssBytes, process.memoryUsage.rss());
  }, 100);
  const timeoutMs = options.timeoutMs ?? 5000;
  let planned = 0;
  const next = (): Script | undefined => {
    if (planned >= options.frames) return undefined;
    const script = randomScript(rng, options.mix ?? SCRIPT_MIX);
    planned += script.frames;
    return script;
  };
  const play = async (script: Script) => {
    inFlight.add(script);
    try {
      const run = await runConnection(target, script, timeoutMs);
      record(summary, run);
      options.onConnection?.(run, summary);
    } finally {
      inFlight.delete(script);
    }
  };
  try {
    for (let i = 0; i < (options.sequential ?? 20); i++) {
      const script = next();
      if (!script) break;
      await play(script);
    }
    const worker = async () => {
      for (let script = next(); script; script = next()) await play(script);
    };
    await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
  } finally {
    clearInterval(sampler);
    process.off('uncaughtException', onCrash);
  }
  summary.peakRssBytes = Math.max(summary.peakRssBytes, process.memoryUsage.rss());
  summary.ms = performance.now() - started;
  return summary;
}

/** The bundled server in this process as a fuzz target (its zxid and sessions are visible to the oracle). */
export function bundledTarget(server: ZooKeeperServer): FuzzTarget {
  return {
    host: server.host,
    port: server.port,
    minSessionTimeout: server.core.config.minSessionTimeout,
    maxSessionTimeout: server.core.config.maxSessionTimeout,
    lastZxid: () => server.core.lastZxid,
    sessionExists: (id) => server.core.sessions.has(id),
  };
}

/** Plays one script again (e.g. a violation's, from its kind and seed). */
export function replayScript(
  target: FuzzTarget,
  kind: ScriptKind,
  seed: number,
  timeoutMs = 5000,
): Promise<ConnectionRun> {
  return runConnection(target, scriptFor(kind, new Prng(seed)), timeoutMs);
}

/** A human-readable summary: counts, outcomes, violations with their inputs. */
export function formatSummary(s: FuzzSummary): string {
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;
  const lines = [
    `seed ${s.seed}: ${s.framesSent} frames (${s.bytesSent} bytes) on ${s.connections} connections in ${(s.ms / 1000).toFixed(1)} s`,
    `  scripts: ${Object.entries(s.connectionsByKind)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}`,
    `  frame outcomes: replied ok ${s.repliedOk}; error replies ${
      Object.entries(s.errorReplies)
        .sort((a, b) => b[1] - a[1])
        .map(([k, n]) => `${k}: ${n}`)
        .join(', ') || 'none'
    }`,
    `  connections: closed by the server ${s.closedSilently} without a reply (${s.lostToFramingError} of them before replying to earlier frames, ${s.lostToReset} reset) + ${s.closedAfterReply} after one; left open (closed by the client) ${s.leftOpen}; timeouts ${s.timeouts}`,
    `  peak RSS ${mb(s.peakRssBytes)}; violations ${s.violations.reduce((n, v) => n + v.count, 0)} (${s.violations.length} kinds); server exceptions ${s.crashes.length}`,
  ];
  for (const v of s.violations) {
    lines.push(
      `  VIOLATION ×${v.count} [${v.kind} seed ${v.seed}] at ${v.step}`,
      `    expected: ${v.expected}`,
      `    observed: ${v.observed}`,
      `    frame:    ${v.input}`,
      `    stream:   ${v.stream}`,
    );
  }
  for (const c of s.crashes.slice(0, 5)) {
    lines.push(`  SERVER EXCEPTION: ${c.error.split('\n').slice(0, 4).join(' / ')}`);
    for (const sc of c.suspects) lines.push(`    in flight: [${sc.kind} seed ${sc.seed}] ${hex(sc.stream, 200)}`);
  }
  return lines.join('\n');
}
