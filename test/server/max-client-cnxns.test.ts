// maxClientCnxns, the per-IP connection cap, on real ZooKeeper 3.8 and on the bundled server:
// the same steps, the same outcome. ZooKeeper's NIOServerCnxnFactory accepts the refused socket
// and closes it at once (shutdownOutput, then close with SO_LINGER 0: a FIN, then a RST), so the
// client never gets a ConnectResponse: it reads an end of stream, or a reset (ECONNRESET, or EPIPE
// when the RST lands after the FIN), depending on timing.
import { connect } from 'node:net';
import { ConnectRequest, encodeRecordFrame, PROTOCOL_VERSION } from '@zookit/protocol';
import { ZooKeeperServer } from '@zookit/server';
import { LocalZooKeeper } from '@zookit/testing';
import { describe, expect, it } from 'vitest';
import { RawClient } from '../protocol/raw-client.js';
import type { TestServer } from '../servers.js';
import { runCli, ServerProcess } from './crash/server-process.js';

interface CapTarget {
  readonly name: 'zookeeper' | 'zookit';
  start(maxClientCnxns: number): Promise<TestServer>;
}

const targets: readonly CapTarget[] = [
  {
    name: 'zookeeper',
    start: (maxClientCnxns) => LocalZooKeeper.start({ tickTime: 500, config: { maxClientCnxns } }),
  },
  {
    name: 'zookit',
    start: async (maxClientCnxns) => {
      const server = await ZooKeeperServer.start({ tickTime: 500, maxClientCnxns });
      return { connectString: server.connectString, stop: () => server.close() };
    },
  },
];

/** Opens `n` sessions one after another: each is counted by the server once its handshake is answered. */
async function sessions(connectString: string, n: number): Promise<RawClient[]> {
  const clients: RawClient[] = [];
  for (let i = 0; i < n; i++) clients.push(await RawClient.connect(connectString));
  return clients;
}

/**
 * How a connection attempt ends: 'session' when the server answers a ConnectRequest, 'refused'
 * when the connection ends without an answer (end of stream, ECONNRESET or EPIPE).
 */
async function attempt(connectString: string): Promise<string> {
  const [host, port] = connectString.split(':');
  const socket = connect({ host: host as string, port: Number(port) });
  const outcome = await new Promise<string>((resolve) => {
    socket.once('data', () => resolve('session'));
    socket.once('end', () => resolve('refused'));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      resolve(error.code === 'ECONNRESET' || error.code === 'EPIPE' ? 'refused' : String(error.code)),
    );
    const request: ConnectRequest = {
      protocolVersion: PROTOCOL_VERSION,
      lastZxidSeen: 0n,
      timeOut: 10_000,
      sessionId: 0n,
      passwd: new Uint8Array(16),
      readOnly: false,
    };
    socket.write(encodeRecordFrame(ConnectRequest, request));
  });
  socket.destroy();
  return outcome;
}

describe.each(targets)('maxClientCnxns on $name', (target) => {
  it('refuses the (n+1)th connection from one IP without a reply, and accepts again once one closes', async () => {
    const server = await target.start(3);
    const clients = await sessions(server.connectString, 3);
    try {
      expect(await attempt(server.connectString)).toBe('refused');
      await clients.pop()?.close();
      // The server counts the closed connection out when it sees the close: wait for that, not a sleep.
      let outcome = await attempt(server.connectString);
      for (let tries = 1; outcome === 'refused' && tries < 50; tries++) {
        outcome = await attempt(server.connectString);
      }
      expect(outcome).toBe('session');
    } finally {
      for (const client of clients) await client.close();
      await server.stop();
    }
  });

  it('0 lifts the cap: 100 sessions from one IP', async () => {
    const server = await target.start(0);
    const clients = await Promise.all(Array.from({ length: 100 }, () => RawClient.connect(server.connectString)));
    try {
      expect(new Set(clients.map((c) => c.session.sessionId)).size).toBe(100);
    } finally {
      await Promise.all(clients.map((c) => c.close()));
      await server.stop();
    }
  });
});

describe('maxClientCnxns on zookit: options', () => {
  it('defaults to ZooKeeper’s 60', async () => {
    await using server = await ZooKeeperServer.start({ tickTime: 500 });
    const clients = await sessions(server.connectString, 60);
    try {
      expect(await attempt(server.connectString)).toBe('refused');
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
  });

  it.each([-1, 1.5, Number.NaN])('rejects %s with a RangeError naming the option', async (value) => {
    await expect(ZooKeeperServer.start({ maxClientCnxns: value })).rejects.toThrow(
      new RangeError(`maxClientCnxns must be an integer ≥ 0 (0: no limit), got ${value}`),
    );
  });
});

describe('zookit-server --max-client-cnxns', () => {
  it('caps the process’s connections per IP', async () => {
    const server = await ServerProcess.start(['--port', '0', '--max-client-cnxns', '1']);
    try {
      const [client] = await sessions(server.connectString, 1);
      expect(await attempt(server.connectString)).toBe('refused');
      await client?.close();
    } finally {
      expect((await server.stop()).code).toBe(0);
    }
  });

  it('exits 2 with the reason and the usage on a bad value', async () => {
    const exit = await runCli(['--max-client-cnxns', 'lots']);
    expect(exit.code).toBe(2);
    expect(exit.stderr).toContain(
      'zookit-server: --max-client-cnxns: expected an integer from 0 to 2147483647, got "lots"\n\nusage: zookit-server',
    );
  });
});
