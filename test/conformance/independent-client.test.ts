// The same server behaviour seen through node-zookeeper-client, an implementation of the
// protocol we did not write (it also omits the handshake's readOnly byte, like pre-3.4 clients).
import { randomUUID } from 'node:crypto';
import zookeeper from 'node-zookeeper-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverTargets, type TestServer } from '../servers.js';

type Client = zookeeper.Client;

function connect(connectString: string): Promise<Client> {
  const client = zookeeper.createClient(connectString, { sessionTimeout: 4000, retries: 0 });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('node-zookeeper-client did not connect in 5 s')), 5000);
    client.once('connected', () => {
      clearTimeout(timer);
      resolve(client);
    });
    client.connect();
  });
}

/** Promisifies a node-zookeeper-client call; resolves with the callback's arguments after the error. */
function call<T extends unknown[]>(fn: (cb: (err: unknown, ...rest: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, ...rest) => (err ? reject(err) : resolve(rest))));
}

const codeOf = (e: unknown) => (e as { getCode?: () => number }).getCode?.();

describe.each(serverTargets)('node-zookeeper-client against $name', (target) => {
  let server: TestServer;
  let client: Client;
  let root: string;

  beforeAll(async () => {
    server = await target.start({ tickTime: 500 });
    client = await connect(server.connectString);
    root = `/ncz-${randomUUID()}`;
    await call((cb) => client.create(root, cb));
  });
  afterAll(async () => {
    client?.close();
    await server?.stop();
  });

  it('creates persistent, ephemeral and sequential nodes and reads them back', async () => {
    await call((cb) => client.create(`${root}/p`, Buffer.from('data'), cb));
    const [seq] = await call<[string]>((cb) =>
      client.create(`${root}/s-`, Buffer.from(''), zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL, cb),
    );
    expect(seq).toBe(`${root}/s-0000000001`);
    const [data, stat] = await call<[Buffer, zookeeper.Stat]>((cb) => client.getData(`${root}/p`, cb));
    expect(data.toString()).toBe('data');
    expect(stat.version).toBe(0);
    const [children] = await call<[string[]]>((cb) => client.getChildren(root, cb));
    expect(children.sort()).toEqual(['p', 's-0000000001']);
  });

  it('reports version conflicts and missing nodes with the right codes', async () => {
    const bad = await call((cb) => client.setData(`${root}/p`, Buffer.from('x'), 42, cb)).catch(codeOf);
    expect(bad).toBe(zookeeper.Exception.BAD_VERSION);
    const missing = await call((cb) => client.getData(`${root}/nope`, cb)).catch(codeOf);
    expect(missing).toBe(zookeeper.Exception.NO_NODE);
    const [stat] = await call<[zookeeper.Stat | null]>((cb) => client.exists(`${root}/nope`, cb));
    expect(stat).toBeNull();
  });

  it('fires a data watch once', async () => {
    const events: string[] = [];
    await call((cb) =>
      client.getData(`${root}/p`, (event) => events.push(`${event.getName()} ${event.getPath()}`), cb),
    );
    await call((cb) => client.setData(`${root}/p`, Buffer.from('1'), -1, cb));
    await call((cb) => client.setData(`${root}/p`, Buffer.from('2'), -1, cb));
    await call((cb) => client.exists(`${root}/p`, cb));
    expect(events).toEqual([`NODE_DATA_CHANGED ${root}/p`]);
  });

  it('commits a transaction, and reports a failed one op by op', async () => {
    await call((cb) => client.transaction().create(`${root}/t`).setData(`${root}/t`, Buffer.from('v'), 0).commit(cb));
    const failed = await new Promise<Array<{ err: number }>>((resolve) =>
      client
        .transaction()
        .create(`${root}/t2`)
        .check(`${root}/t`, 99)
        .remove(`${root}/t`)
        .commit((_err, results) => resolve(results as Array<{ err: number }>)),
    );
    expect(failed.map((r) => r.err)).toEqual([0, -103, -2]);
  });

  it('authenticates with digest and is refused without it', async () => {
    const acl = [new zookeeper.ACL(zookeeper.Permission.ALL, new zookeeper.Id('auth', ''))];
    const owner = await connect(server.connectString);
    owner.addAuthInfo('digest', Buffer.from('carol:pw'));
    await call((cb) => owner.create(`${root}/acl`, Buffer.from('s'), acl, zookeeper.CreateMode.PERSISTENT, cb));
    const refused = await call((cb) => client.getData(`${root}/acl`, cb)).catch(codeOf);
    expect(refused).toBe(zookeeper.Exception.NO_AUTH);
    const [data] = await call<[Buffer]>((cb) => owner.getData(`${root}/acl`, cb));
    expect(data.toString()).toBe('s');
    owner.close();
  });
});
