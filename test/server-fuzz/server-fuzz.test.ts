// Bad input over real sockets (issue 4): the bundled server must give every connection an
// outcome ZooKeeper allows (oracle.ts), never throw, never hold more than the connection at
// fault, and keep serving a healthy client throughout.
//
// Gate: a few thousand frames from a fixed seed (FUZZ_SEED overrides). The long run is
// long-run.fuzz.ts (`pnpm fuzz:server`), outside the gate. A reported violation names its script
// kind and seed: `replayScript(target, kind, seed)` plays it again.
import { connect, type Socket } from 'node:net';
import { ErrorCode, encodeRequestFrame, GetDataRequest, OpCode, SetDataRequest } from '@zookit/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectClean, MIX } from './expect-clean.js';
import { runConnection } from './fuzz-connection.js';
import {
  collectGarbage,
  type FuzzFixture,
  hello,
  play,
  settledGarbage,
  startFixture,
  verdict,
  waitFor,
} from './fuzz-fixture.js';
import { formatSummary, fuzzServer } from './fuzz-server.js';
import { Prng } from './prng.js';
import { scriptFor } from './scripts.js';

const SEED =
  process.env.FUZZ_SEED === 'random'
    ? Math.floor(Math.random() * 0x1_0000_0000)
    : Prng.seedFrom(process.env.FUZZ_SEED ?? '4');
const MB = 1024 * 1024;

/** A raw connection that records what it receives. */
function rawConnection(port: number): { socket: Socket; received: () => Buffer; closed: () => boolean } {
  const socket = connect({ host: '127.0.0.1', port, noDelay: true });
  const chunks: Buffer[] = [];
  let closed = false;
  socket.on('data', (d: Buffer) => chunks.push(d));
  socket.on('error', () => {});
  socket.on('close', () => {
    closed = true;
  });
  return { socket, received: () => Buffer.concat(chunks), closed: () => closed };
}

describe('server fuzz – bad input over real sockets', () => {
  let f: FuzzFixture;

  beforeAll(async () => {
    f = await startFixture();
  });

  afterAll(async () => {
    await f?.close();
  });

  it('fuzz – every connection ends as ZooKeeper allows, nothing throws, a healthy client is served throughout, nothing leaks', async () => {
    await f.healthy.progress(20);
    await settledGarbage();
    const heapBefore = process.memoryUsage().heapUsed;
    const opsBefore = f.healthy.ops;
    const summary = await fuzzServer(f.target, {
      seed: SEED,
      frames: 2500,
      sequential: 40,
      concurrency: 4,
      timeoutMs: 3000,
      mix: MIX,
    });
    console.info(formatSummary(summary));
    expectClean(summary, f);
    // The oracle saw every kind of outcome (so it is not vacuously satisfied).
    expect(summary.closedSilently).toBeGreaterThan(0);
    expect(summary.closedAfterReply).toBeGreaterThan(0);
    expect(summary.repliedOk).toBeGreaterThan(0);
    expect(summary.errorReplies['-5 MarshallingError']).toBeGreaterThan(0);
    expect(summary.errorReplies['-6 Unimplemented']).toBeGreaterThan(0);
    expect(f.healthy.ops - opsBefore).toBeGreaterThan(50);

    // Afterwards: still serving, only the healthy client's connection left, heap back near where it was.
    await f.healthy.progress(20);
    await waitFor(() => f.server.core.connections.size === 1, 'only the healthy connection left');
    if (await settledGarbage()) {
      // Generous: the fuzz input legitimately adds znodes and sessions that have not expired yet.
      expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * MB);
    }
  }, 60_000);

  it('a 0x7fffffff length prefix is refused at once, before or after the handshake, without allocating it', async () => {
    const exceptions = f.exceptions.length;
    collectGarbage();
    const before = process.memoryUsage();
    const huge = Buffer.from('7fffffff', 'hex');
    const filler = Buffer.alloc(1024, 0x41);
    for (const frames of [
      [huge, filler],
      [hello(), huge, filler],
      [hello(), Buffer.from('80000000', 'hex')],
    ]) {
      const run = await play(f.target, frames, 2000);
      expect(verdict(run)).toBe('allowed');
      expect(run.observation.closedByServer).toBe(true);
      expect(run.ms).toBeLessThan(1000);
    }
    const after = process.memoryUsage();
    expect(after.rss - before.rss).toBeLessThan(256 * MB);
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(64 * MB);
    expect(f.exceptions.slice(exceptions)).toEqual([]);
  });

  it('requests that fail are not retained: 40 setData of 1 MB to a missing node leave memory flat', async () => {
    const big = encodeRequestFrame({ xid: 1, type: OpCode.setData }, SetDataRequest, {
      path: '/fuzz/missing',
      data: Buffer.alloc(1_000_000, 0x61),
      version: -1,
    });
    const baseline = f.server.core.connections.size;
    const send = async (times: number) => {
      for (let i = 0; i < times; i++) {
        const run = await play(f.target, [hello(), big]);
        expect(verdict(run)).toBe('allowed');
        expect(run.observation.frames[1]?.readInt32BE(12)).toBe(ErrorCode.NoNode);
      }
      // The server frees a connection when it sees the close, which can come after the client's.
      await waitFor(() => f.server.core.connections.size === baseline, 'every fuzz connection closed on the server');
    };
    // Warm up first, so that buffers and code the first sends allocate once are in the baseline.
    await send(5);
    if (!(await settledGarbage())) return;
    const before = process.memoryUsage();
    await send(40);
    await settledGarbage();
    const after = process.memoryUsage();
    const grown = (after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers) / MB;
    expect(grown, `${grown.toFixed(1)} MB still held after 40 MB of failed writes`).toBeLessThan(16);
  });

  it('half a frame, then a stall – holds only its own connection: not answered, others served, freed on close', async () => {
    await waitFor(() => f.server.core.connections.size === 1, 'only the healthy connection before the test');
    const baseline = f.server.core.connections.size;
    const exceptions = f.exceptions.length;
    const getData = encodeRequestFrame({ xid: 1, type: OpCode.getData }, GetDataRequest, { path: '/', watch: false });
    // Two bytes (not even a length), half a ConnectRequest, and a session with half a request.
    const stalled = [
      { frames: [Buffer.from([0, 0])], replies: 0 },
      { frames: [hello().subarray(0, 20)], replies: 0 },
      { frames: [hello(), getData.subarray(0, 10)], replies: 1 },
    ].map((s) => ({ ...s, conn: rawConnection(f.target.port) }));
    for (const s of stalled) s.conn.socket.write(Buffer.concat(s.frames));
    const withSession = stalled[2] as (typeof stalled)[number];
    await waitFor(() => withSession.conn.received().length >= 41, 'the ConnectResponse of the stalled session');

    // Others are served meanwhile: the healthy client and a fresh fuzz connection.
    await f.healthy.progress(30);
    const other = await runConnection(f.target, scriptFor('valid', new Prng(SEED)), 3000);
    expect(verdict(other)).toBe('allowed');

    // The stalled ones got nothing (beyond the ConnectResponse) and are still open.
    for (const s of stalled) {
      expect(s.conn.received().length).toBe(s.replies === 0 ? 0 : 41);
      expect(s.conn.closed()).toBe(false);
    }
    // The two-byte one is not a connection for the core yet (it could still be a four-letter word).
    await waitFor(() => f.server.core.connections.size === baseline + 2, 'the two stalled connections open');

    for (const s of stalled) s.conn.socket.destroy();
    await waitFor(() => f.server.core.connections.size === baseline, 'the stalled connections freed');
    expect(f.healthy.failures).toEqual([]);
    expect(f.exceptions.slice(exceptions)).toEqual([]);
  });
});
