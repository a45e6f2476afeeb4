/** The five timed operations. */
export const OPS = ['create', 'getData', 'setData', 'exists', 'delete'] as const;
export type Op = (typeof OPS)[number];

/** The three clients compared. */
export const CLIENTS = ['zookit', 'nzc', 'java'] as const;
export type ClientName = (typeof CLIENTS)[number];

/** Display names of the clients. */
export const CLIENT_LABELS: Record<ClientName, string> = {
  zookit: '@zookit/client',
  nzc: 'node-zookeeper-client 1.1.3',
  java: 'Java client 3.8.0',
};

/**
 * One row: a client runs `warmup` untimed then `count` timed operations `op`, with at most
 * `window` requests outstanding, on nodes under `base`. Nodes are `${base}/n${i}`: create and
 * delete use i in [0, warmup + count) (delete's were created beforehand); getData, setData and
 * exists cycle over i in [0, readNodes). Both runners (Node and Java) take these fields as
 * positional arguments in this order.
 */
export interface RowSpec {
  readonly connectString: string;
  readonly op: Op;
  readonly window: number;
  readonly count: number;
  readonly warmup: number;
  readonly base: string;
  readonly dataSize: number;
  readonly readNodes: number;
}

/** What a runner prints on stdout (one JSON object). Latencies are in ms. */
export interface RowResult {
  readonly client: ClientName;
  readonly op: Op;
  readonly window: number;
  readonly count: number;
  readonly seconds: number;
  readonly p50: number;
  readonly p99: number;
  /** CPU time (user + system, all threads) the client's process used during the timed part, in ms. */
  readonly cpuMs: number;
  /** CPU used by other processes during the row, in cores (set by the orchestrator). */
  readonly foreignCpu?: number;
}

export function rowArgs(spec: RowSpec): string[] {
  return [
    spec.connectString,
    spec.op,
    String(spec.window),
    String(spec.count),
    String(spec.warmup),
    spec.base,
    String(spec.dataSize),
    String(spec.readNodes),
  ];
}

export function parseRowArgs(args: readonly string[]): RowSpec {
  const [connectString, op, window, count, warmup, base, dataSize, readNodes] = args;
  if (readNodes === undefined || args.length !== 8) {
    throw new TypeError('expected: connectString op window count warmup base dataSize readNodes');
  }
  if (!(OPS as readonly string[]).includes(op as string)) throw new TypeError(`op: unknown ${op}`);
  return {
    connectString: connectString as string,
    op: op as Op,
    window: Number(window),
    count: Number(count),
    warmup: Number(warmup),
    base: base as string,
    dataSize: Number(dataSize),
    readNodes: Number(readNodes),
  };
}

/** The path of the i-th operation of a row. */
export function nodePath(spec: RowSpec, i: number): string {
  return spec.op === 'create' || spec.op === 'delete' ? `${spec.base}/n${i}` : `${spec.base}/n${i % spec.readNodes}`;
}

/** Nearest-rank percentile of sorted values (ClientBench.java uses the same definition). */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] as number;
}
