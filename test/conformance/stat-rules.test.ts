// Stat fields exactly as ZooKeeper computes them (reference §2.3), on both servers.
import { randomUUID } from 'node:crypto';
import { ZooKeeperClient } from '@zookit/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverTargets, type TestServer } from '../servers.js';

describe.each(serverTargets)('Stat rules on $name', (target) => {
  let server: TestServer;
  let zk: ZooKeeperClient;
  let root: string;

  beforeAll(async () => {
    server = await target.start({ tickTime: 500 });
    zk = await ZooKeeperClient.connect(server.connectString);
  });
  afterAll(async () => {
    await zk?.close();
    await server?.stop();
  });

  it('a new node has czxid = mzxid = pzxid, versions 0, times equal', async () => {
    root = `/stat-${randomUUID()}`;
    const { stat } = await zk.create(root, 'abc');
    expect(stat.mzxid).toBe(stat.czxid);
    expect(stat.pzxid).toBe(stat.czxid);
    expect([stat.version, stat.cversion, stat.aversion, stat.numChildren]).toEqual([0, 0, 0, 0]);
    expect(stat.mtime).toBe(stat.ctime);
    expect(stat.dataLength).toBe(3);
  });

  it('cversion counts child creates plus deletes; pzxid follows the last child change', async () => {
    const p = `/cv-${randomUUID()}`;
    await zk.create(p);
    const a = await zk.create(`${p}/a`);
    await zk.create(`${p}/b`);
    const c = await zk.create(`${p}/c`);
    let { stat } = await zk.getData(p);
    expect(stat.cversion).toBe(3);
    expect(stat.pzxid).toBe(c.stat.czxid);
    await zk.delete(`${p}/a`);
    ({ stat } = await zk.getData(p));
    expect(stat.cversion).toBe(4);
    expect(stat.numChildren).toBe(2);
    expect(stat.pzxid).toBeGreaterThan(a.stat.czxid);
    expect(stat.mzxid).toBe(stat.czxid);
  });

  it('sequential suffixes come from the parent counter shared by every child', async () => {
    const p = `/seq-${randomUUID()}`;
    await zk.create(p);
    await zk.create(`${p}/plain`);
    const s1 = await zk.create(`${p}/s-`, null, { mode: 'persistent-sequential' });
    await zk.delete(`${p}/plain`);
    const s2 = await zk.create(`${p}/s-`, null, { mode: 'ephemeral-sequential' });
    const bare = await zk.create(`${p}/`, null, { mode: 'persistent-sequential' });
    expect([s1.path, s2.path, bare.path]).toEqual([`${p}/s-0000000001`, `${p}/s-0000000002`, `${p}/0000000003`]);
  });

  it('setData moves version, mzxid and mtime only; setACL moves aversion only', async () => {
    const p = `/ver-${randomUUID()}`;
    const { stat: created } = await zk.create(p, 'x');
    const set = await zk.setData(p, 'yy');
    expect(set.version).toBe(1);
    expect(set.mzxid).toBeGreaterThan(created.mzxid);
    expect(set.czxid).toBe(created.czxid);
    expect(set.dataLength).toBe(2);
    expect(set.pzxid).toBe(created.pzxid);
    const acl = await zk.setACL(p, [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }]);
    expect(acl.aversion).toBe(1);
    expect(acl.version).toBe(1);
    expect(acl.mzxid).toBe(set.mzxid);
  });

  it('ephemeralOwner is the session for ephemerals and 0 for containers and TTL nodes', async () => {
    const p = `/own-${randomUUID()}`;
    await zk.create(p);
    expect((await zk.create(`${p}/e`, null, { mode: 'ephemeral' })).stat.ephemeralOwner).toBe(zk.sessionId);
    expect((await zk.create(`${p}/c`, null, { mode: 'container' })).stat.ephemeralOwner).toBe(0n);
    expect((await zk.create(`${p}/t`, null, { mode: 'persistent-with-ttl', ttl: 100_000 })).stat.ephemeralOwner).toBe(
      0n,
    );
  });

  it("the system nodes exist with ZooKeeper's ACLs", async () => {
    expect((await zk.getChildren('/zookeeper')).children.sort()).toEqual(['config', 'quota']);
    const { acl } = await zk.getACL('/zookeeper/config');
    expect(acl).toEqual([{ perms: 1, id: { scheme: 'world', id: 'anyone' } }]);
    expect((await zk.getData('/zookeeper/config')).data?.length ?? 0).toBe(0);
  });
});
