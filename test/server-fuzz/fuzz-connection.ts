// Plays one script on a real TCP connection and records what the server does: the frames it
// sends back and whether (and how) it closes. Stops as soon as the outcome is decided: the
// server closed, or every frame got what the oracle allows and the connection is still open.
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { FrameDecoder, JUTE_EXTRA_MAX_BUFFER, JUTE_MAX_BUFFER } from '@zookit/protocol';
import { type Judgement, judge, type Observation } from './judge.js';
import { type OracleContext, type Plan, planFor } from './oracle.js';
import type { Script } from './scripts.js';

/** The server under test, as the fuzz client sees it. */
export interface FuzzTarget {
  readonly host: string;
  readonly port: number;
  readonly minSessionTimeout: number;
  readonly maxSessionTimeout: number;
  /** The server's last zxid, when it can be read (the bundled server in this process). */
  lastZxid(): bigint | undefined;
  /** Whether a session exists, when it can be known. */
  sessionExists(id: bigint): boolean | undefined;
}

/** One connection's script, what happened and the verdict. */
export interface ConnectionRun {
  readonly script: Script;
  readonly plan: Plan;
  readonly observation: Observation;
  readonly judgement: Judgement;
  /** The outcome was not decided within the timeout. */
  readonly timedOut: boolean;
  readonly ms: number;
}

function contextFor(target: FuzzTarget, zxidBefore: bigint | undefined, zxidAfter: bigint | undefined): OracleContext {
  return {
    minSessionTimeout: target.minSessionTimeout,
    maxSessionTimeout: target.maxSessionTimeout,
    zxidBefore,
    zxidAfter,
    sessionExists: (id) => target.sessionExists(id),
  };
}

/** Runs `script` against `target`; gives up waiting after `timeoutMs`. */
export async function runConnection(target: FuzzTarget, script: Script, timeoutMs: number): Promise<ConnectionRun> {
  const started = performance.now();
  const zxidBefore = target.lastZxid();
  // While running, the zxid bound above is unknown: a handshake ahead of the server may go either way.
  const provisional = planFor(script.stream, contextFor(target, zxidBefore, undefined));
  const decoder = new FrameDecoder({ maxFrameSize: JUTE_MAX_BUFFER + JUTE_EXTRA_MAX_BUFFER });
  const frames: Buffer[] = [];
  let closedByServer = false;
  let reset = false;
  let unframeable: string | undefined;
  let writesDone = false;
  let finishedByUs = false;
  let wake: () => void = () => {};
  const changed = () => wake();

  const socket = connect({ host: target.host, port: target.port, noDelay: true });
  socket.on('data', (chunk: Buffer) => {
    if (provisional.fourLetterWord) return;
    try {
      frames.push(...decoder.push(chunk));
    } catch (e) {
      unframeable = `server sent an invalid frame: ${(e as Error).message}`;
      socket.destroy();
    }
    changed();
  });
  socket.on('end', () => {
    if (!finishedByUs) closedByServer = true;
    changed();
  });
  socket.on('error', (e: NodeJS.ErrnoException) => {
    // EPIPE/ECONNRESET: the server closed with our bytes unread (a reset), or while we were writing.
    if (!finishedByUs) {
      closedByServer = true;
      if (e.code === 'ECONNRESET' || e.code === 'EPIPE') reset = true;
    }
    changed();
  });
  socket.on('close', () => {
    if (!finishedByUs) closedByServer = true;
    changed();
  });

  const decided = (): boolean => {
    if (closedByServer || unframeable) return true;
    if (!writesDone || provisional.fourLetterWord) return false;
    return judge(provisional, { frames, closedByServer: false, reset: false, unframeable: undefined }).ok;
  };

  const writer = (async () => {
    await new Promise<void>((resolve) => {
      socket.once('connect', resolve);
      socket.once('close', resolve);
    });
    let at = 0;
    for (const end of [...script.cuts, script.stream.length]) {
      if (closedByServer || socket.destroyed) return;
      const ok = socket.write(script.stream.subarray(at, end));
      at = end;
      if (!ok)
        await new Promise<void>((resolve) => {
          socket.once('drain', resolve);
          socket.once('close', resolve);
        });
      if (end < script.stream.length) await (script.pauseMs > 0 ? sleep(script.pauseMs) : new Promise(setImmediate));
    }
  })().finally(() => {
    writesDone = true;
    changed();
  });

  const deadline = started + timeoutMs;
  let timedOut = false;
  while (!decided()) {
    const left = deadline - performance.now();
    if (left <= 0) {
      timedOut = true;
      break;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, left);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
  finishedByUs = !closedByServer;
  socket.destroy();
  await writer;

  const observation: Observation = { frames, closedByServer, reset, unframeable };
  const plan = planFor(script.stream, contextFor(target, zxidBefore, target.lastZxid()));
  const judgement = judge(plan, observation);
  return { script, plan, observation, judgement, timedOut, ms: performance.now() - started };
}
