import diagnosticsChannel from 'node:diagnostics_channel';
import {
  CLIENT_OPERATION_CHANNEL,
  CLIENT_STATE_CHANNEL,
  InvalidPathError,
  NoNodeError,
  type OperationTraceContext,
  type StateChannelMessage,
  ZooKeeperClient,
} from '@zookit/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serverTargets, type TestServer } from '../servers.js';
import { useClientFixture } from './client-fixture.js';

type Recorded = { event: string; context: OperationTraceContext };

describe.each(serverTargets)('diagnostics channels against $name', (target) => {
  let server: TestServer;
  let zk: ZooKeeperClient;
  let root: string;
  useClientFixture(target, (fixture) => {
    ({ server, zk, root } = fixture);
  });

  const channel = diagnosticsChannel.tracingChannel<unknown, OperationTraceContext>(CLIENT_OPERATION_CHANNEL);
  let recorded: Recorded[] = [];
  const record = (event: string) => (context: OperationTraceContext) => void recorded.push({ event, context });
  const subscribers = {
    start: record('start'),
    end: record('end'),
    asyncStart: record('asyncStart'),
    asyncEnd: record('asyncEnd'),
    error: record('error'),
  };
  beforeEach(() => {
    recorded = [];
    channel.subscribe(subscribers);
  });
  afterEach(() => {
    channel.unsubscribe(subscribers);
  });

  it('traces each operation with its name, path, session and result or error', async () => {
    await zk.create(`${root}/a`, 'x');
    await expect(zk.getData(`${root}/missing`)).rejects.toThrow(NoNodeError);
    await expect(zk.exists('bad')).rejects.toThrow(InvalidPathError);

    const events = (operation: string) => recorded.filter((r) => r.context.operation === operation).map((r) => r.event);
    expect(events('create')).toEqual(['start', 'end', 'asyncStart', 'asyncEnd']);
    expect(events('getData')).toEqual(['start', 'end', 'error', 'asyncStart', 'asyncEnd']);
    expect(events('exists')).toEqual(['start', 'end', 'error', 'asyncStart', 'asyncEnd']);

    const create = recorded.find((r) => r.context.operation === 'create')?.context;
    expect(create).toMatchObject({ path: `${root}/a`, sessionId: zk.sessionId, result: { path: `${root}/a` } });
    const getData = recorded.find((r) => r.context.operation === 'getData')?.context;
    expect(getData?.path).toBe(`${root}/missing`);
    expect(getData?.error).toBeInstanceOf(NoNodeError);
    expect(recorded.find((r) => r.context.operation === 'exists')?.context.error).toBeInstanceOf(InvalidPathError);
    // One trace per public call: deleteRecursive's inner requests are not traced apart.
    recorded = [];
    await zk.deleteRecursive(root);
    expect(new Set(recorded.map((r) => r.context.operation))).toEqual(new Set(['deleteRecursive']));
  });

  it('publishes every state change on the state channel', async () => {
    const states: StateChannelMessage[] = [];
    const onState = (message: unknown) => void states.push(message as StateChannelMessage);
    diagnosticsChannel.subscribe(CLIENT_STATE_CHANNEL, onState);
    try {
      const other = await ZooKeeperClient.connect(server.connectString);
      const sessionId = other.sessionId;
      await other.close();
      expect(states.filter((s) => s.sessionId === sessionId).map((s) => s.state)).toEqual(['connected', 'closed']);
    } finally {
      diagnosticsChannel.unsubscribe(CLIENT_STATE_CHANNEL, onState);
    }
  });
});
