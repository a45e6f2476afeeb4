// A real 3-server ensemble (three QuorumPeerMain JVMs), started once for the file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lacks } from '../../../test/prerequisites.js';
import { LocalZooKeeperEnsemble, parseSrvr } from '../src/index.js';

let ensemble: LocalZooKeeperEnsemble;

beforeAll(async () => {
  ensemble = await LocalZooKeeperEnsemble.start({ servers: 3, tickTime: 500 });
});

afterAll(async () => {
  await ensemble?.stop();
});

async function modes(): Promise<Array<string | undefined>> {
  return Promise.all(
    ensemble.servers.map(async (server) =>
      server.running ? parseSrvr(await server.fourLetterWord('srvr'))?.mode : undefined,
    ),
  );
}

describe.skipIf(lacks('zookeeper'))('LocalZooKeeperEnsemble', () => {
  it('start – three servers form a quorum with exactly one leader', async () => {
    expect(ensemble.servers).toHaveLength(3);
    expect(ensemble.connectString.split(',')).toEqual(ensemble.servers.map((s) => s.connectString));
    expect(new Set(ensemble.servers.map((s) => s.port)).size).toBe(3);
    const seen = await modes();
    expect([...seen].sort()).toEqual(['follower', 'follower', 'leader']);
    expect(await ensemble.leader()).toBe(seen.indexOf('leader'));
  });

  it('kill the leader – the other two elect a new leader, and the old one rejoins as follower', async () => {
    const old = await ensemble.leader();
    const server = ensemble.servers[old];
    if (!server) throw new Error('no leader index');
    await server.kill();
    const next = await ensemble.leader({ timeout: 20_000 });
    expect(next).not.toBe(old);
    await server.restart();
    expect(parseSrvr(await server.fourLetterWord('srvr'))?.mode).toBe('follower');
    expect(await ensemble.leader()).toBe(next);
  });

  it('stop – is idempotent and ends every server', async () => {
    const servers = ensemble.servers;
    await Promise.all([ensemble.stop(), ensemble.stop()]);
    await ensemble.stop();
    expect(servers.map((s) => s.running)).toEqual([false, false, false]);
  });
});
