import { lookup } from 'node:dns/promises';
import { performance } from 'node:perf_hooks';
import { ConnectionLossError, InvalidConnectStringError, ZooKeeperClient } from '@zookit/client';
import { freePorts } from '@zookit/testing';
import { describe, expect, it } from 'vitest';

// No server: a loopback port nobody listens on refuses at once, and a `.invalid` name never resolves.
describe('connect() errors name their cause', () => {
  it('lists every server with its cause, and chains the socket errors in an AggregateError', async () => {
    const [port] = await freePorts(1);
    const connectString = `127.0.0.1:${port},zookit-test.invalid:2181`;
    // The lookup must have failed before the connect timeout for its cause to be known; on a
    // loaded machine a lookup can take seconds, so the timeout is derived from one lookup here.
    const started = performance.now();
    await lookup('zookit-test.invalid').then(
      () => expect.fail('zookit-test.invalid resolved'),
      () => undefined,
    );
    const connectTimeout = Math.max(1500, Math.ceil(4 * (performance.now() - started)));
    const error = await ZooKeeperClient.connect(connectString, { connectTimeout }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConnectionLossError);
    const { message, cause } = error as Error;
    expect(message).toContain(`no session with ${connectString} within ${connectTimeout} ms`);
    expect(message).toMatch(new RegExp(`127\\.0\\.0\\.1:${port}: connect ECONNREFUSED`));
    expect(message).toMatch(/zookit-test\.invalid:2181: getaddrinfo (ENOTFOUND|EAI_AGAIN) zookit-test\.invalid/);
    expect(cause).toBeInstanceOf(AggregateError);
    const codes = (cause as AggregateError).errors.map((e: Error) => (e.cause as NodeJS.ErrnoException).code).sort();
    expect(codes[0]).toBe('ECONNREFUSED');
    expect(codes[1]).toMatch(/^(ENOTFOUND|EAI_AGAIN)$/);
  });

  it.each([
    [
      'localhost:notaport',
      /bad address "localhost:notaport" .*: port must be an integer in 1\.\.65535, got "notaport"/,
    ],
    ['', /expected "host:port\[,host:port\.\.\.\]\[\/chroot\]", got ""/],
    ['localhost:2181/bad/', /invalid chroot "\/bad\/": .*must not end with \//],
    ['::1:2181', /an IPv6 address must be in brackets/],
    [':2181', /no host name/],
  ])('refuses %j at once with InvalidConnectStringError', async (connectString, message) => {
    const attempt = ZooKeeperClient.connect(connectString, { connectTimeout: 60_000 });
    // "At once": settled before the event loop runs a single I/O or timer turn, so nothing was
    // dialled and no timeout was waited for.
    const first = await Promise.race([
      attempt.then(
        () => 'connected',
        () => 'rejected',
      ),
      new Promise((resolve) => setImmediate(() => resolve('an event-loop turn later'))),
    ]);
    expect(first).toBe('rejected');
    await expect(attempt).rejects.toThrow(InvalidConnectStringError);
    await expect(attempt).rejects.toThrow(message);
  });
});
