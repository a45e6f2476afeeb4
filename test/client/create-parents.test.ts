import {
  Ids,
  NoChildrenForEphemeralsError,
  NoNodeError,
  NotEmptyError,
  type WatchEvent,
  ZooKeeperClient,
} from '@zookit/client';
import { describe, expect, it } from 'vitest';
import { serverTargets, type TestServer } from '../servers.js';
import { useClientFixture } from './client-fixture.js';

// The retry bounds of create-parents.ts and delete-recursive.ts (documented in docs/client.md).
const MAX_ATTEMPTS = 10;

describe.each(serverTargets)('create with parents, ensurePath, deleteRecursive against $name', (target) => {
  let server: TestServer;
  let zk: ZooKeeperClient;
  let root: string;
  useClientFixture(target, (fixture) => {
    ({ server, zk, root } = fixture);
  });

  it('creates missing parents as persistent nodes with no data and the node ACL', async () => {
    const acl = [{ perms: 31, id: Ids.ANYONE_ID_UNSAFE }];
    await expect(zk.create(`${root}/a/b/c`, 'x')).rejects.toThrow(NoNodeError);
    const { path, stat } = await zk.create(`${root}/a/b/c`, 'x', { parents: true, acl });
    expect(path).toBe(`${root}/a/b/c`);
    expect(stat.dataLength).toBe(1);
    for (const parent of [`${root}/a`, `${root}/a/b`]) {
      const { data, stat: s } = await zk.getData(parent);
      expect(data?.length).toBe(0);
      expect(s.ephemeralOwner).toBe(0n);
      expect((await zk.getACL(parent)).acl).toEqual(acl);
    }
  });

  it('makes parents of an ephemeral sequential protected node persistent, or containers', async () => {
    const made = await zk.create(`${root}/p/q/lock-`, null, {
      mode: 'ephemeral-sequential',
      protected: true,
      parents: true,
    });
    expect(made.path).toMatch(new RegExp(`^${root}/p/q/_c_[0-9a-f-]{36}-lock-\\d{10}$`));
    expect(made.stat.ephemeralOwner).toBe(zk.sessionId);
    expect((await zk.exists(`${root}/p/q`)).stat?.ephemeralOwner).toBe(0n);
    const { path } = await zk.create(`${root}/c1/c2/e`, null, { mode: 'ephemeral', parents: 'container' });
    expect((await zk.exists(`${root}/c1/c2`)).stat?.numChildren).toBe(1);
    await zk.delete(path);
    await expect(zk.create(`${root}/e/child`, null, { mode: 'ephemeral', parents: 'bogus' as never })).rejects.toThrow(
      /parents: expected true, false, 'persistent' or 'container'/,
    );
  });

  it('never creates under an ephemeral, and refuses parents inside a transaction', async () => {
    await zk.create(`${root}/eph`, null, { mode: 'ephemeral' });
    await expect(zk.create(`${root}/eph/a/b`, null, { parents: true })).rejects.toThrow(NoChildrenForEphemeralsError);
    await expect(zk.multi([{ type: 'create', path: `${root}/m/n`, options: { parents: true } }])).rejects.toThrow(
      /ops\[0\]\.parents: not supported in a transaction/,
    );
  });

  it('tolerates parents created concurrently by another create', async () => {
    // Pipelined: both creates fail NoNode, both find the parents missing, the second one's
    // parent creates meet NodeExists.
    const [x, y] = await Promise.all([
      zk.create(`${root}/r/s/x`, null, { parents: true }),
      zk.create(`${root}/r/s/y`, null, { parents: true }),
    ]);
    expect([x.path, y.path]).toEqual([`${root}/r/s/x`, `${root}/r/s/y`]);
  });

  it('starts over when a parent is deleted between its creation and the node create, a bounded number of times', async () => {
    const parent = `${root}/gone`;
    // The watch event comes before the reply of the create that made the parent, so this delete
    // is sent before the node's create: the node create meets NoNode every time it is armed.
    let deletes = 0;
    let rearm = true;
    const deleteOnCreate = (event: WatchEvent) => {
      if (event.type !== 'NodeCreated') return;
      deletes++;
      void zk.delete(parent);
      if (rearm) void zk.exists(parent, { watch: deleteOnCreate });
    };
    await zk.exists(parent, { watch: deleteOnCreate });
    await expect(zk.create(`${parent}/n`, null, { parents: true })).rejects.toThrow(NoNodeError);
    expect(deletes).toBe(MAX_ATTEMPTS - 1);

    rearm = false;
    deletes = 0;
    await zk.exists(parent, { watch: deleteOnCreate });
    const { path } = await zk.create(`${parent}/n`, null, { parents: true });
    expect(path).toBe(`${parent}/n`);
    expect(deletes).toBe(1);
  });

  it('ensurePath creates the path and its ancestors, leaves existing nodes alone, and works in a chroot', async () => {
    await zk.create(`${root}/have`, 'keep');
    await zk.ensurePath(`${root}/have/x/y`);
    await zk.ensurePath(`${root}/have/x/y`);
    expect((await zk.getData(`${root}/have`)).data?.toString()).toBe('keep');
    expect((await zk.exists(`${root}/have/x/y`)).stat?.dataLength).toBe(0);
    await zk.ensurePath('/');

    // A chroot that does not exist yet is created too (as Curator creates its namespace).
    const chrooted = await ZooKeeperClient.connect(`${server.connectString}${root}/ch/root`);
    try {
      const { path } = await chrooted.create('/a/b', null, { parents: true });
      expect(path).toBe('/a/b');
      expect((await zk.exists(`${root}/ch/root/a/b`)).stat).not.toBeNull();
      await chrooted.ensurePath('/k/l', { mode: 'container' });
      expect((await zk.exists(`${root}/ch/root/k/l`)).stat).not.toBeNull();
      await chrooted.deleteRecursive('/a');
      expect((await zk.exists(`${root}/ch/root/a`)).stat).toBeNull();
    } finally {
      await chrooted.close();
    }
  });

  it('deleteRecursive deletes a tree, and a missing node is fine', async () => {
    for (const p of ['a/b/c', 'a/b/d', 'a/e', 'f']) await zk.ensurePath(`${root}/tree/${p}`);
    await zk.create(`${root}/tree/a/eph`, null, { mode: 'ephemeral' });
    await zk.deleteRecursive(`${root}/tree`);
    expect((await zk.exists(`${root}/tree`)).stat).toBeNull();
    await zk.deleteRecursive(`${root}/tree`);
    await expect(zk.deleteRecursive('/')).rejects.toThrow(/deleteRecursive refuses "\/"/);
  });

  it('deleteRecursive meets NoNode on nodes another delete removed first', async () => {
    for (const p of ['a/b', 'a/c', 'd']) await zk.ensurePath(`${root}/both/${p}`);
    // Pipelined: both list the same children; the second deletes of each node meet NoNode.
    await Promise.all([zk.deleteRecursive(`${root}/both`), zk.deleteRecursive(`${root}/both`)]);
    expect((await zk.exists(`${root}/both`)).stat).toBeNull();
  });

  it('deleteRecursive re-lists a node that got a new child, a bounded number of times', async () => {
    const dir = `${root}/busy`;
    let added = 0;
    let rearm = true;
    // The child watch fires when deleteRecursive deletes a child, before that delete's reply,
    // so the new child exists when deleteRecursive deletes the parent again.
    const addChild = (event: WatchEvent) => {
      if (event.type !== 'NodeChildrenChanged') return;
      added++;
      void zk.create(`${dir}/new-`, null, { mode: 'persistent-sequential' });
      if (rearm) void zk.getChildren(dir, { watch: addChild });
    };
    await zk.ensurePath(`${dir}/old`);
    await zk.getChildren(dir, { watch: addChild });
    await expect(zk.deleteRecursive(dir)).rejects.toThrow(NotEmptyError);
    expect(added).toBe(MAX_ATTEMPTS - 1);

    rearm = false;
    added = 0;
    await zk.getChildren(dir, { watch: addChild });
    await zk.deleteRecursive(dir);
    expect(added).toBe(1);
    expect((await zk.exists(dir)).stat).toBeNull();
  });
});
