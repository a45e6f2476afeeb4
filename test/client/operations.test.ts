import {
  BadVersionError,
  NoAuthError,
  NodeExistsError,
  NoNodeError,
  NotEmptyError,
  Perms,
  TransactionError,
  type WatchEvent,
  ZooKeeperClient,
} from '@zookit/client';
import { describe, expect, it } from 'vitest';
import { serverTargets, type TestServer } from '../servers.js';
import { useClientFixture } from './client-fixture.js';

describe.each(serverTargets)('client operations against $name', (target) => {
  let server: TestServer;
  let zk: ZooKeeperClient;
  let root: string;
  useClientFixture(target, (fixture) => {
    ({ server, zk, root } = fixture);
  });

  it('creates persistent nodes and returns the path and Stat', async () => {
    const { path, stat } = await zk.create(`${root}/a`, 'hello');
    expect(path).toBe(`${root}/a`);
    expect(stat.version).toBe(0);
    expect(stat.dataLength).toBe(5);
    expect(stat.ephemeralOwner).toBe(0n);
    const { data } = await zk.getData(`${root}/a`);
    expect(data?.toString()).toBe('hello');
  });

  it('creates ephemeral nodes owned by the session, gone after close', async () => {
    const { stat } = await zk.create(`${root}/e`, null, { mode: 'ephemeral' });
    expect(stat.ephemeralOwner).toBe(zk.sessionId);
    expect(await zk.getEphemerals(root)).toEqual([`${root}/e`]);
    const other = await ZooKeeperClient.connect(server.connectString);
    try {
      await zk.close();
      expect((await other.exists(`${root}/e`)).stat).toBeNull();
    } finally {
      await other.close();
    }
  });

  it('creates sequential nodes with the parent counter as %010d', async () => {
    const a = await zk.create(`${root}/q-`, null, { mode: 'persistent-sequential' });
    const b = await zk.create(`${root}/q-`, null, { mode: 'ephemeral-sequential' });
    expect(a.path).toBe(`${root}/q-0000000000`);
    expect(b.path).toBe(`${root}/q-0000000001`);
  });

  it('creates containers and TTL nodes (extended types)', async () => {
    const c = await zk.create(`${root}/c`, null, { mode: 'container' });
    expect(c.stat.ephemeralOwner).toBe(0n);
    const t = await zk.create(`${root}/t`, 'x', { mode: 'persistent-with-ttl', ttl: 60_000 });
    expect(t.stat.ephemeralOwner).toBe(0n);
    const ts = await zk.create(`${root}/ts-`, 'x', { mode: 'persistent-sequential-with-ttl', ttl: 60_000 });
    expect(ts.path).toMatch(/\/ts-\d{10}$/);
  });

  it('refuses a TTL mode without a ttl, and a ttl on a plain mode, before sending', async () => {
    await expect(zk.create(`${root}/x`, null, { mode: 'persistent-with-ttl' })).rejects.toThrow(
      /ttl: TTL modes need a ttl/,
    );
    await expect(zk.create(`${root}/x`, null, { ttl: 5 })).rejects.toThrow(TypeError);
  });

  it('maps server errors to typed errors with code and path', async () => {
    await zk.create(`${root}/dup`);
    const err: unknown = await zk.create(`${root}/dup`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NodeExistsError);
    // Each error class is also a type, whose codeName narrows a union of them.
    const typed = err as NodeExistsError | NoNodeError;
    const codeName: 'NodeExists' | 'NoNode' = typed.codeName;
    expect(codeName).toBe('NodeExists');
    expect(typed.code).toBe(-110);
    expect(typed.path).toBe(`${root}/dup`);
    await expect(zk.getData(`${root}/missing`)).rejects.toBeInstanceOf(NoNodeError);
    await zk.create(`${root}/dup/child`);
    await expect(zk.delete(`${root}/dup`)).rejects.toBeInstanceOf(NotEmptyError);
  });

  it('deletes and sets data with versions', async () => {
    await zk.create(`${root}/v`, '1');
    const s1 = await zk.setData(`${root}/v`, '2', { version: 0 });
    expect(s1.version).toBe(1);
    await expect(zk.setData(`${root}/v`, '3', { version: 0 })).rejects.toBeInstanceOf(BadVersionError);
    await expect(zk.delete(`${root}/v`, { version: 0 })).rejects.toBeInstanceOf(BadVersionError);
    await zk.delete(`${root}/v`, { version: 1 });
    expect((await zk.exists(`${root}/v`)).stat).toBeNull();
  });

  it('lists children with the parent Stat', async () => {
    await zk.create(`${root}/p`);
    await zk.create(`${root}/p/a`);
    await zk.create(`${root}/p/b`);
    const { children, stat } = await zk.getChildren(`${root}/p`);
    expect(children.sort()).toEqual(['a', 'b']);
    expect(stat.numChildren).toBe(2);
    expect(await zk.getAllChildrenNumber(root)).toBe(3);
  });

  it('keeps null data distinct from empty data', async () => {
    await zk.create(`${root}/null`, null);
    await zk.create(`${root}/empty`, '');
    expect((await zk.getData(`${root}/null`)).data).toBeNull();
    expect((await zk.getData(`${root}/empty`)).data).toEqual(Buffer.alloc(0));
  });

  it('stores and reads back close to 1 MB of data', async () => {
    const data = Buffer.alloc(1_000_000, 7);
    await zk.create(`${root}/big`, data);
    expect((await zk.getData(`${root}/big`)).data?.equals(data)).toBe(true);
  });

  it('refuses a request above the frame limit without sending it, and keeps serving', async () => {
    const err = await zk.create(`${root}/huge`, Buffer.alloc(1_100_000)).catch((e) => e);
    expect(err).toBeInstanceOf(RangeError);
    expect(err.name).toBe('RequestTooLargeError');
    expect(err.message).toMatch(/request of \d+ bytes exceeds maxRequestSize 1048575 bytes/);
    expect((await zk.exists(root)).stat).not.toBeNull();
  });

  it('completes 10,000 pipelined requests in order', async () => {
    await zk.create(`${root}/pipe`, '0');
    const order: number[] = [];
    const requests = Array.from({ length: 10_000 }, (_, i) =>
      (i % 2 === 0 ? zk.setData(`${root}/pipe`, String(i)) : zk.exists(`${root}/pipe`)).then(() => order.push(i)),
    );
    await Promise.all(requests);
    expect(order).toEqual(Array.from({ length: 10_000 }, (_, i) => i));
    expect((await zk.getData(`${root}/pipe`)).stat.version).toBe(5000);
  });

  it('applies a transaction atomically and returns per-op results', async () => {
    await zk.create(`${root}/m`, 'a');
    const results = await zk
      .transaction()
      .create(`${root}/m/x`, 'x')
      .setData(`${root}/m`, 'b')
      .check(`${root}/m`, 1)
      .delete(`${root}/m/x`)
      .commit();
    expect(results.map((r) => r.type)).toEqual(['create', 'setData', 'check', 'delete']);
    expect(results[0]).toMatchObject({ type: 'create', path: `${root}/m/x` });
  });

  it('reports a failed transaction with the per-op codes ZooKeeper sends, applying nothing', async () => {
    await zk.create(`${root}/f`, 'a');
    const err = await zk
      .multi([
        { type: 'create', path: `${root}/f/new` },
        { type: 'check', path: `${root}/f`, version: 7 },
        { type: 'delete', path: `${root}/f` },
      ])
      .catch((e) => e);
    expect(err).toBeInstanceOf(TransactionError);
    expect(err.code).toBe(-103);
    expect(err.failedIndex).toBe(1);
    expect(err.results.map((r: { code?: number }) => r.code)).toEqual([0, -103, -2]);
    expect((await zk.exists(`${root}/f/new`)).stat).toBeNull();
  });

  it('reads several nodes with multiRead, each failing alone', async () => {
    await zk.create(`${root}/r`, 'rd');
    const results = await zk.multiRead([
      { type: 'getData', path: `${root}/r` },
      { type: 'getChildren', path: root },
      { type: 'getData', path: `${root}/none` },
    ]);
    expect(results[0]).toMatchObject({ type: 'getData' });
    expect((results[0] as { data: Buffer }).data.toString()).toBe('rd');
    expect(results[1]).toEqual({ type: 'getChildren', children: ['r'] });
    expect(results[2]?.type).toBe('error');
    expect((results[2] as { error: Error }).error).toBeInstanceOf(NoNodeError);
  });

  it('fires a one-shot data watch once, as a callback and as a promise', async () => {
    await zk.create(`${root}/w`, '1');
    const seen: WatchEvent[] = [];
    await zk.getData(`${root}/w`, { watch: (e) => seen.push(e) });
    const { watch } = await zk.exists(`${root}/w`, { watch: true });
    await zk.setData(`${root}/w`, '2');
    await zk.setData(`${root}/w`, '3');
    expect(await watch).toEqual({ type: 'NodeDataChanged', path: `${root}/w` });
    await zk.sync(root);
    expect(seen).toEqual([{ type: 'NodeDataChanged', path: `${root}/w` }]);
    expect(zk.watchCount).toBe(0);
  });

  it('delivers a watch event before the reply of the write that caused it', async () => {
    await zk.create(`${root}/o`, '1');
    const log: string[] = [];
    await zk.getData(`${root}/o`, { watch: () => log.push('event') });
    await zk.setData(`${root}/o`, '2').then(() => log.push('reply'));
    expect(log).toEqual(['event', 'reply']);
  });

  it('fires an exists watch on creation and a child watch on a new child', async () => {
    const created = (await zk.exists(`${root}/later`, { watch: true })).watch;
    const children = (await zk.getChildren(root, { watch: true })).watch;
    await zk.create(`${root}/later`);
    expect(await created).toEqual({ type: 'NodeCreated', path: `${root}/later` });
    expect(await children).toEqual({ type: 'NodeChildrenChanged', path: root });
  });

  it('streams persistent recursive watch events until closed', async () => {
    const ac = new AbortController();
    const watch = zk.watch(root, { mode: 'persistent-recursive', signal: ac.signal });
    await watch.ready;
    await zk.create(`${root}/pr`);
    await zk.setData(`${root}/pr`, 'x');
    await zk.delete(`${root}/pr`);
    const events: WatchEvent[] = [];
    for await (const e of watch) {
      events.push(e);
      if (events.length === 3) break;
    }
    expect(events).toEqual([
      { type: 'NodeCreated', path: `${root}/pr` },
      { type: 'NodeDataChanged', path: `${root}/pr` },
      { type: 'NodeDeleted', path: `${root}/pr` },
    ]);
    expect(zk.watchCount).toBe(0);
    // ZooKeeper 3.8 cannot check one persistent watch type; 'any' proves the server dropped it too.
    expect(await zk.checkWatches(root, { type: 'any' })).toBe(false);
  });

  it('removes one-shot watches locally and on the server, telling the watcher', async () => {
    await zk.create(`${root}/rw`);
    const seen: WatchEvent[] = [];
    await zk.getData(`${root}/rw`, { watch: (e) => seen.push(e) });
    expect(await zk.checkWatches(`${root}/rw`, { type: 'data' })).toBe(true);
    await zk.removeWatches(`${root}/rw`, { type: 'data' });
    expect(seen).toEqual([{ type: 'DataWatchRemoved', path: `${root}/rw` }]);
    expect(await zk.checkWatches(`${root}/rw`, { type: 'data' })).toBe(false);
    await expect(zk.removeWatches(`${root}/rw`, { type: 'data' })).rejects.toThrow(/NoWatcher/);
  });

  it('enforces digest ACLs and re-authenticates', async () => {
    const owner = await ZooKeeperClient.connect(server.connectString, {
      auth: [{ scheme: 'digest', credentials: 'alice:secret' }],
    });
    try {
      await owner.create(`${root}/secret`, 's', { acl: [{ perms: Perms.ALL, id: { scheme: 'auth', id: '' } }] });
      await expect(zk.getData(`${root}/secret`)).rejects.toBeInstanceOf(NoAuthError);
      expect((await owner.getData(`${root}/secret`)).data?.toString()).toBe('s');
      const { acl } = await owner.getACL(`${root}/secret`);
      expect(acl[0]?.id.scheme).toBe('digest');
      expect(acl[0]?.id.id).toMatch(/^alice:/);
      await zk.addAuth('digest', 'alice:secret');
      expect((await zk.getData(`${root}/secret`)).data?.toString()).toBe('s');
      const who = await zk.whoAmI();
      expect(who.map((c) => c.authScheme).sort()).toEqual(['digest', 'ip']);
    } finally {
      await owner.close();
    }
  });

  it('works inside a chroot, stripping it from every returned path', async () => {
    const chrooted = await ZooKeeperClient.connect(`${server.connectString}${root}`);
    try {
      const { path } = await chrooted.create('/inside-', null, { mode: 'ephemeral-sequential' });
      expect(path).toMatch(/^\/inside-\d{10}$/);
      expect((await zk.exists(`${root}${path}`)).stat).not.toBeNull();
      const watch = (await chrooted.getChildren('/', { watch: true })).watch;
      await zk.create(`${root}/poke`);
      expect(await watch).toEqual({ type: 'NodeChildrenChanged', path: '/' });
      expect(await chrooted.getEphemerals()).toEqual([path]);
      const results = await chrooted.multi([{ type: 'create', path: '/in-multi' }]);
      expect(results[0]).toMatchObject({ path: '/in-multi' });
    } finally {
      await chrooted.close();
    }
  });

  it('reads the ensemble config outside the chroot', async () => {
    const { config, stat } = await zk.getConfig();
    expect(typeof config).toBe('string');
    expect(stat.czxid).toBeTypeOf('bigint');
  });

  it('rejects bad arguments with errors naming them, sending nothing', async () => {
    await expect(zk.create('no-slash')).rejects.toThrow(/path "no-slash": Path must start with \/ character/);
    await expect(zk.setData(`${root}`, 5 as never)).rejects.toThrow(/data: expected a Uint8Array, a string or null/);
    await expect(zk.delete(root, { version: 1.5 })).rejects.toThrow(/version: expected an integer/);
    await expect(zk.create(`${root}/m`, null, { mode: 'bogus' as never })).rejects.toThrow(/mode: unknown create mode/);
  });

  it('honours an already aborted signal without sending', async () => {
    const ac = new AbortController();
    ac.abort(new Error('stop'));
    await expect(zk.create(`${root}/ab`, null, { signal: ac.signal })).rejects.toThrow('stop');
    expect((await zk.exists(`${root}/ab`)).stat).toBeNull();
  });
});
