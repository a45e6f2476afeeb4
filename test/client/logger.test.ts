import { type Logger, ZooKeeperClient } from '@zookit/client';
import { freePorts, waitUntil } from '@zookit/testing';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { serverTargets } from '../servers.js';

/** A real pino logger at level debug writing its JSON lines into `lines`. */
function pinoInto(lines: Array<Record<string, unknown>>): pino.Logger {
  return pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
}

describe('a pino logger is passed to the client as it is', () => {
  it('is assignable to Logger', () => {
    const logger: Logger = pinoInto([]);
    expect(typeof logger.warn).toBe('function');
  });

  it('gets each failed connection attempt at debug, with the server and the error', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const [port] = await freePorts(1);
    await expect(
      ZooKeeperClient.connect(`127.0.0.1:${port}`, { connectTimeout: 1200, logger: pinoInto(lines) }),
    ).rejects.toThrow(/ECONNREFUSED/);
    const attempt = lines.find((l) => l.msg === 'connection attempt failed');
    expect(attempt).toMatchObject({ level: 20, host: `127.0.0.1:${port}` });
    expect((attempt?.err as { message?: string } | undefined)?.message).toMatch(/ECONNREFUSED/);
  });

  describe.each(serverTargets)('against $name', (target) => {
    it('gets a throwing watcher and state listener at error, the error serialized under err', async () => {
      const server = await target.start({ tickTime: 500 });
      const lines: Array<Record<string, unknown>> = [];
      const zk = await ZooKeeperClient.connect(server.connectString, { logger: pinoInto(lines) });
      try {
        zk.onStateChange(() => {
          throw new Error('listener boom');
        });
        const path = `/logger-${Date.now()}`;
        await zk.exists(path, {
          watch: () => {
            throw new Error('watcher boom');
          },
        });
        await zk.create(path, null, { mode: 'ephemeral' });
        await waitUntil(async () => lines.some((l) => l.msg === 'watcher threw'), {
          timeout: 5000,
          description: 'log',
        });
        expect(lines.find((l) => l.msg === 'watcher threw')).toMatchObject({
          level: 50,
          err: { type: 'Error', message: 'watcher boom' },
        });
      } finally {
        await zk.close();
        await server.stop();
      }
      expect(lines.find((l) => l.msg === 'state listener threw')).toMatchObject({
        level: 50,
        err: { message: 'listener boom' },
      });
    });
  });
});
