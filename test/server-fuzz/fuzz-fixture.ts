// The setup every server-fuzz suite shares: one bundled server, the /fuzz subtree, a healthy
// client working throughout, and helpers to play hand-written inputs and watch for exceptions.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ZooKeeperClient } from '@zookit/client';
import { ConnectRequest, encodeRecordFrame } from '@zookit/protocol';
import { digestId, ZooKeeperServer } from '@zookit/server';
import { type ConnectionRun, runConnection } from './fuzz-connection.js';
import { bundledTarget, type FuzzTarget } from './fuzz-server.js';
import { HealthyClient } from './healthy-client.js';
import { hex } from './judge.js';
import { handmadeScript } from './scripts.js';
import { FUZZ_ROOT } from './valid-frames.js';

/** The healthy client authenticates as the super user, so ACLs set by fuzz input cannot lock it out. */
const SUPER = 'super:fuzz-healthy-client';

export interface FuzzFixture {
  readonly server: ZooKeeperServer;
  readonly target: FuzzTarget;
  readonly healthy: HealthyClient;
  /** Exceptions thrown out of the server (uncaught in this process) since the fixture started. */
  readonly exceptions: string[];
  close(): Promise<void>;
}

export async function startFixture(): Promise<FuzzFixture> {
  const exceptions: string[] = [];
  const onException = (e: unknown) => exceptions.push((e as Error)?.stack ?? String(e));
  process.on('uncaughtException', onException);
  const server = await ZooKeeperServer.start({ tickTime: 500, maxClientCnxns: 0, superDigest: digestId(SUPER) });
  const setup = await ZooKeeperClient.connect(server.connectString);
  await setup.create(FUZZ_ROOT);
  await setup.close();
  const healthy = await HealthyClient.start(server.connectString, {
    root: '/healthy',
    auth: [{ scheme: 'digest', credentials: SUPER }],
  });
  return {
    server,
    target: bundledTarget(server),
    healthy,
    exceptions,
    async close() {
      await healthy.stop();
      await server.close();
      process.off('uncaughtException', onException);
    },
  };
}

/** A ConnectRequest for a new session (with the readOnly byte). */
export function hello(timeOut = 10_000): Buffer {
  return encodeRecordFrame(ConnectRequest, {
    protocolVersion: 0,
    lastZxidSeen: 0n,
    timeOut,
    sessionId: 0n,
    passwd: new Uint8Array(16),
    readOnly: false,
  });
}

/** Sends `frames` in one write on a new connection and judges what the server did. */
export function play(target: FuzzTarget, frames: readonly Buffer[], timeoutMs = 3000): Promise<ConnectionRun> {
  return runConnection(target, handmadeScript(frames), timeoutMs);
}

/** `'allowed'`, or what ZooKeeper allows and what the server did instead, with the input. */
export function verdict(run: ConnectionRun): string {
  if (run.judgement.ok) return 'allowed';
  const { step, expected, observed } = run.judgement.mismatch;
  return `${step ? `frame #${step.index} ${step.label} [${hex(step.bytes, 120)}]` : 'stream'}: expected ${expected}; observed ${observed}`;
}

/** Resolves once `condition()` holds; rejects with `what` after `timeoutMs`. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A full garbage collection, when the runtime lets us force one (node --expose-gc, or via v8 flags). */
/**
 * Collects garbage until the heap stops shrinking (sockets and their buffers are released over a
 * few turns of the event loop after a close). False when no collector can be reached.
 */
export async function settledGarbage(): Promise<boolean> {
  let last = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 5; round++) {
    if (!collectGarbage()) return false;
    const { heapUsed, arrayBuffers } = process.memoryUsage();
    if (heapUsed + arrayBuffers >= last) return true;
    last = heapUsed + arrayBuffers;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return true;
}

export function collectGarbage(): boolean {
  let gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    try {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as () => void;
    } catch {
      return false;
    }
  }
  gc();
  return true;
}
