import net from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import {
  ConnectRequest,
  ConnectResponse,
  decode,
  encodeRecordFrame,
  encodeRequestFrame,
  FrameDecoder,
  OpCode,
  PROTOCOL_VERSION,
} from '@zookit/protocol';

/** Options of {@link expireSession}. */
export interface ExpireSessionOptions {
  /** Bound in ms. Default 10000. */
  timeout?: number;
  signal?: AbortSignal;
}

type Outcome = 'closed' | 'expired' | 'kicked';

/**
 * Ends a live session as if it had expired (Curator's KillSession): connects to `address`
 * (`host:port`) with the session's id and password and closes the session. The server deletes
 * its ephemerals and fires their watches; the session's own client learns on its next contact
 * that the session expired. The session's client may reconnect and take the session back
 * before the close is processed (the server then drops our connection); the helper tries
 * again until the server confirms the close or reports the session expired. Resolves once the
 * session is gone; rejects when `timeout` elapses or `signal` aborts.
 */
export async function expireSession(
  address: string,
  session: { id: bigint; password: Uint8Array },
  options: ExpireSessionOptions = {},
): Promise<void> {
  const timeout = options.timeout ?? 10_000;
  const signal = AbortSignal.any([AbortSignal.timeout(timeout), ...(options.signal ? [options.signal] : [])]);
  for (let attempt = 0; ; attempt++) {
    signal.throwIfAborted();
    const outcome = await closeOnce(address, session, signal);
    if (outcome !== 'kicked') return;
    // Let the owner's reconnection settle, then try again.
    await delay(5 + Math.random() * 20 * Math.min(attempt + 1, 10), undefined, { signal });
  }
}

function closeOnce(
  address: string,
  session: { id: bigint; password: Uint8Array },
  signal: AbortSignal,
): Promise<Outcome> {
  const i = address.lastIndexOf(':');
  const socket = net.connect({ host: address.slice(0, i), port: Number(address.slice(i + 1)) });
  const decoder = new FrameDecoder();
  return new Promise<Outcome>((resolve, reject) => {
    let frames = 0;
    const done = (outcome: Outcome | Error) => {
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const onAbort = () => done(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    socket.on('error', (err) => done(err));
    socket.on('close', () => done('kicked'));
    socket.on('connect', () => {
      const connect = encodeRecordFrame(ConnectRequest, {
        protocolVersion: PROTOCOL_VERSION,
        lastZxidSeen: 0n,
        timeOut: 30_000,
        sessionId: session.id,
        passwd: session.password,
        readOnly: false,
      });
      // One write: the server reads the close right after the handshake.
      socket.write(Buffer.concat([connect, encodeRequestFrame({ xid: 1, type: OpCode.closeSession })]));
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const frame of decoder.push(chunk)) {
          frames++;
          if (frames === 1 && decode(ConnectResponse, frame).timeOut <= 0) return done('expired');
          if (frames === 2) return done('closed');
        }
      } catch (error) {
        done(error as Error);
      }
    });
  });
}
