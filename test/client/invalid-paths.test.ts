import { Ids, InvalidPathError, type ZooKeeperClient } from '@zookit/client';
import { describe, expect, it } from 'vitest';
import { serverTargets } from '../servers.js';
import { useClientFixture } from './client-fixture.js';

type Call = (zk: ZooKeeperClient, path: string) => Promise<unknown>;

// Every operation that takes a path, called with it.
const operations: Record<string, Call> = {
  create: (zk, p) => zk.create(p),
  'create protected': (zk, p) => zk.create(p, null, { mode: 'ephemeral', protected: true }),
  'create with parents': (zk, p) => zk.create(p, null, { parents: true }),
  ensurePath: (zk, p) => zk.ensurePath(p),
  delete: (zk, p) => zk.delete(p),
  deleteRecursive: (zk, p) => zk.deleteRecursive(p),
  exists: (zk, p) => zk.exists(p, { watch: true }),
  getData: (zk, p) => zk.getData(p),
  setData: (zk, p) => zk.setData(p, 'x'),
  getChildren: (zk, p) => zk.getChildren(p),
  getACL: (zk, p) => zk.getACL(p),
  setACL: (zk, p) => zk.setACL(p, Ids.OPEN_ACL_UNSAFE),
  sync: (zk, p) => zk.sync(p),
  getEphemerals: (zk, p) => zk.getEphemerals(p),
  getAllChildrenNumber: (zk, p) => zk.getAllChildrenNumber(p),
  multi: (zk, p) => zk.multi([{ type: 'check', path: p, version: 0 }]),
  multiRead: (zk, p) => zk.multiRead([{ type: 'getData', path: p }]),
  removeWatches: (zk, p) => zk.removeWatches(p),
  checkWatches: (zk, p) => zk.checkWatches(p),
};

const badPaths: ReadonlyArray<[string, RegExp]> = [
  ['no-slash', /Path must start with \/ character/],
  ['/trailing/', /Path must not end with \/ character/],
  ['/a//b', /empty node name specified @3/],
  ['/a/../b', /relative paths not allowed/],
];

describe.each(serverTargets)('invalid paths against $name', (target) => {
  let zk: ZooKeeperClient;
  useClientFixture(target, (fixture) => {
    ({ zk } = fixture);
  });

  it.each(Object.entries(operations))(
    '%s rejects with InvalidPathError naming the path and the rule',
    async (_, call) => {
      for (const [path, rule] of badPaths) {
        const result = call(zk, path);
        expect(result).toBeInstanceOf(Promise); // never a synchronous throw
        const error = await result.then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(InvalidPathError);
        expect((error as InvalidPathError).path).toBe(path);
        expect((error as Error).message).toContain(`path ${JSON.stringify(path)}: `);
        expect((error as Error).message).toMatch(rule);
      }
    },
  );

  it('sends nothing for an invalid path: a protected create creates no node', async () => {
    const before = (await zk.getChildren('/')).children.length;
    await expect(zk.create('lock-', null, { mode: 'ephemeral-sequential', protected: true })).rejects.toThrow(
      InvalidPathError,
    );
    expect(await zk.getEphemerals()).toEqual([]);
    expect((await zk.getChildren('/')).children.length).toBe(before);
  });

  it('checks the path before anything else, even on a closed client', async () => {
    await zk.close();
    await expect(zk.getData('bad')).rejects.toThrow(InvalidPathError);
    expect(() => zk.watch('bad')).toThrow(InvalidPathError);
  });
});
