import net from 'node:net';
import type { HostAddress } from './connect-string.js';

/**
 * Asks a server with the `isro` four-letter word whether it serves writes (`rw`) or only
 * reads (`ro`). Resolves `false` on any error or after `timeoutMs`: an unreachable server is
 * not a read-write one.
 */
export function isReadWriteServer(host: HostAddress, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: host.host, port: host.port });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => finish(false), timeoutMs);
    const finish = (rw: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(rw);
    };
    socket.on('connect', () => socket.end('isro'));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => finish(false));
    socket.on('close', () => finish(Buffer.concat(chunks).toString('latin1').trim() === 'rw'));
  });
}

/**
 * While connected to a read-only server, looks for a read-write one among `hosts` with a
 * backoff from 100 ms to 60 s (as ZooKeeper's Java client), calling `onFound` with the first
 * that answers `rw`. Returns the function that stops looking.
 */
export function probeForReadWriteServer(
  hosts: readonly HostAddress[],
  current: HostAddress,
  onFound: (host: HostAddress) => void,
): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let delay = 100;
  const round = async () => {
    for (const host of hosts) {
      if (stopped) return;
      if (host.host === current.host && host.port === current.port) continue;
      if (await isReadWriteServer(host, 1000)) {
        if (!stopped) onFound(host);
        return;
      }
    }
    if (stopped) return;
    delay = Math.min(delay * 2, 60_000);
    timer = setTimeout(() => void round(), delay);
  };
  timer = setTimeout(() => void round(), delay);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
