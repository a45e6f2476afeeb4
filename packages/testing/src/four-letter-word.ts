import { connect } from 'node:net';

/** Options of {@link fourLetterWord}. */
export interface FourLetterWordOptions {
  /** Give up after this many ms (rejecting with a `TimeoutError`). Default 5000. */
  timeout?: number;
  /** Cancels the command; the promise rejects with `signal.reason`. */
  signal?: AbortSignal;
}

/**
 * Sends a four-letter-word command (`ruok`, `srvr`, `mntr`, `stat`, ...) to a ZooKeeper server
 * and resolves with everything it answered before closing the connection. The server must
 * whitelist the command (`4lw.commands.whitelist`); a refused command answers a sentence saying
 * so, not an error. Rejects on connection errors and, when the server does not close the
 * connection in time (it is paused, or overloaded), with a `TimeoutError` (`signal.reason`).
 */
export function fourLetterWord(
  host: string,
  port: number,
  command: string,
  options: FourLetterWordOptions = {},
): Promise<string> {
  if (!/^[a-z]{4}$/.test(command)) throw new TypeError(`command must be four lowercase letters, got '${command}'`);
  const timeout = options.timeout ?? 5000;
  if (!(timeout > 0)) throw new RangeError(`timeout must be positive, got ${timeout}`);
  const signals = [AbortSignal.timeout(timeout), ...(options.signal ? [options.signal] : [])];
  const signal = AbortSignal.any(signals);
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host, port });
    let settled = false;
    const done = (error?: unknown): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      if (error !== undefined) reject(error);
      else resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onAbort = (): void => done(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    // No half-close after the command: the server could see end-of-stream before it answers.
    socket.on('connect', () => socket.write(command));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('end', () => done());
    socket.on('close', () => done());
    socket.on('error', (error) => done(error));
  });
}
