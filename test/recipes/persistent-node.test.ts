// PersistentNode, PersistentWatcher and GroupMember (recipes reference §6 items 13 and 14) on both servers.
import { randomUUID } from 'node:crypto';
import { NodeExistsError, type ZooKeeperClient } from '@zookit/client';
import {
  GroupMember,
  type GroupMemberEvent,
  PersistentNode,
  PersistentWatcher,
  type PersistentWatcherEvent,
} from '@zookit/recipes';
import { expireSession, waitUntil } from '@zookit/testing';
import { describe, expect, it } from 'vitest';
import { serverTargets } from '../servers.js';
import { drained, useRecipeFixture } from './recipe-fixture.js';

const T = 3000;
const bound = (ms = T + 5000) => ({ timeout: ms, interval: 10 });

describe.each(serverTargets)('nodes and membership on $name', (target) => {
  const fx = useRecipeFixture(target, { sessionTimeout: T });
  const { client, track } = fx;

  /** Creates `path` and its missing ancestors (persistent). */
  async function mkdirs(zk: ZooKeeperClient, path: string) {
    let current = '';
    for (const part of path.split('/').filter(Boolean)) {
      current += `/${part}`;
      await zk.create(current).catch((err) => {
        if (!(err instanceof NodeExistsError)) throw err;
      });
    }
  }

  const text = (data: Buffer | null | undefined) => data?.toString('utf8');

  /** Records, through another session, every node created under `parent` (children only). */
  async function creations(observer: ZooKeeperClient, parent: string) {
    const created: string[] = [];
    const watch = observer.watch(parent, { mode: 'persistent-recursive' });
    await watch.ready;
    void (async () => {
      for await (const e of watch) if (e.type === 'NodeCreated' && e.path !== parent) created.push(e.path);
    })();
    return {
      created,
      /** Every event the server sent before now has been counted. */
      settle: async () => {
        await observer.sync(parent);
        await observer.exists(parent);
        await new Promise((r) => setImmediate(r));
      },
      close: () => watch.close(),
    };
  }

  async function expire(c: ZooKeeperClient) {
    const old = c.sessionId;
    await expireSession(fx.server.connectString, { id: old, password: c.sessionPassword });
    await waitUntil(async () => c.state === 'reconnected' && c.sessionId !== 0n && c.sessionId !== old, {
      ...bound(),
      description: 'a new session',
    });
  }

  it('persistent node – an ephemeral is created with its data, re-created when deleted, deleted on close', async () => {
    const zk = await client();
    const other = await client();
    const path = `/nodes/${randomUUID()}/member`;
    const node = track(new PersistentNode(zk, path, { data: 'one' }));
    node.start();
    expect(await node.waitForInitialCreate({ signal: AbortSignal.timeout(5000) })).toBe(path);
    const first = await other.getData(path);
    expect(text(first.data)).toBe('one');
    expect(first.stat.ephemeralOwner).toBe(zk.sessionId);
    await other.delete(path);
    await waitUntil(async () => (await other.exists(path)).stat, { ...bound(), description: 're-creation' });
    await node.setData('two', { signal: AbortSignal.timeout(5000) });
    expect(text((await other.getData(path)).data)).toBe('two');
    await node.close();
    await node.close();
    expect((await other.exists(path)).stat).toBeNull();
    expect(zk.watchCount).toBe(0);
    expect(await zk.checkWatches(path, { type: 'any' })).toBe(false);
    await expect(node.setData('three')).rejects.toThrow(/closed/);
  });

  it.each(['ephemeral', 'ephemeral-sequential'] as const)(
    'persistent node (%s) – re-created exactly once after each of 3 session expiries, with the latest data',
    async (mode) => {
      const zk = await client();
      const observer = await client();
      const parent = `/nodes/${randomUUID()}`;
      await mkdirs(observer, parent);
      const seen = await creations(observer, parent);
      const node = track(new PersistentNode(zk, `${parent}/member-`, { mode, data: 'v0' }));
      const created: string[] = [];
      node.onCreate((p) => created.push(p));
      node.start();
      await node.waitForInitialCreate({ signal: AbortSignal.timeout(5000) });
      if (mode === 'ephemeral-sequential') {
        expect(node.actualPath).toMatch(new RegExp(`^${parent}/_c_[0-9a-f-]{36}-member-\\d{10}$`));
      }
      for (let i = 1; i <= 3; i++) {
        await node.setData(`v${i}`, { signal: AbortSignal.timeout(5000) });
        await expire(zk);
        // Set while the node is being re-created: it must be the data the node ends up with.
        const latest = node.setData(`v${i}-latest`, { signal: AbortSignal.timeout(T + 5000) });
        const current = async () => {
          const { children } = await observer.getChildren(parent);
          if (children.length !== 1) return false;
          const { data, stat } = await observer.getData(`${parent}/${children[0]}`);
          return stat.ephemeralOwner === zk.sessionId && text(data) === `v${i}-latest`;
        };
        await waitUntil(current, { ...bound(), description: `re-creation ${i} with the latest data` });
        await latest;
        await seen.settle();
        expect(seen.created, `creations after expiry ${i}`).toHaveLength(i + 1);
        expect(created).toHaveLength(i + 1);
      }
      expect((await observer.getChildren(parent)).children).toHaveLength(1);
      await node.close();
      expect((await observer.getChildren(parent)).children).toEqual([]);
      await seen.close();
    },
  );

  it('persistent node (ephemeral-sequential) – a dropped connection keeps the same node; data set meanwhile lands', async () => {
    const proxy = await fx.proxy();
    const zk = await client(proxy.connectString);
    const other = await client();
    const parent = `/nodes/${randomUUID()}`;
    const node = track(new PersistentNode(zk, `${parent}/seq-`, { mode: 'ephemeral-sequential', data: 'a' }));
    node.start();
    const path = await node.waitForInitialCreate({ signal: AbortSignal.timeout(5000) });
    const session = zk.sessionId;
    proxy.refuse(true);
    proxy.closeConnections();
    await waitUntil(async () => zk.state === 'suspended', { ...bound(), description: 'suspended' });
    const landed = node.setData('b', { signal: AbortSignal.timeout(T + 5000) });
    proxy.refuse(false);
    await landed;
    expect(zk.sessionId).toBe(session);
    expect(node.actualPath).toBe(path);
    const { children } = await other.getChildren(parent);
    expect(children).toEqual([path.slice(parent.length + 1)]);
    expect(text((await other.getData(path)).data)).toBe('b');
    await node.close();
    expect((await other.getChildren(parent)).children).toEqual([]);
  });

  it("persistent node – another session's ephemeral on our path is left alone; ours follows when it goes", async () => {
    const zk = await client();
    const holder = await client();
    const path = `/nodes/${randomUUID()}/fixed`;
    await mkdirs(holder, path.slice(0, path.lastIndexOf('/')));
    await holder.create(path, 'theirs', { mode: 'ephemeral' });
    const node = track(new PersistentNode(zk, path, { data: 'ours' }));
    node.start();
    await waitUntil(async () => zk.checkWatches(path, { type: 'data' }), {
      ...bound(),
      description: 'our watch on their node',
    });
    expect(node.actualPath).toBeUndefined();
    expect(text((await zk.getData(path)).data)).toBe('theirs');
    const giveUp = new AbortController();
    const waiting = node.waitForInitialCreate({ signal: giveUp.signal });
    giveUp.abort(new Error('given up'));
    await expect(waiting).rejects.toThrow('given up');
    await expireSession(fx.server.connectString, { id: holder.sessionId, password: holder.sessionPassword });
    await node.waitForInitialCreate({ signal: AbortSignal.timeout(T + 5000) });
    const { data, stat } = await zk.getData(path);
    expect(text(data)).toBe('ours');
    expect(stat.ephemeralOwner).toBe(zk.sessionId);
  });

  it('persistent node – persistent mode survives close; a TTL node is touched while kept', async () => {
    const zk = await client();
    const base = `/nodes/${randomUUID()}`;
    const kept = track(new PersistentNode(zk, `${base}/kept`, { mode: 'persistent', data: 'p' }));
    kept.start();
    await kept.waitForInitialCreate({ signal: AbortSignal.timeout(5000) });
    await kept.close();
    expect(text((await zk.getData(`${base}/kept`)).data)).toBe('p');

    const ttl = track(
      new PersistentNode(zk, `${base}/ttl`, { mode: 'persistent-with-ttl', ttl: 60_000, touchInterval: 50 }),
    );
    ttl.start();
    await ttl.waitForInitialCreate({ signal: AbortSignal.timeout(5000) });
    const { stat } = await zk.getData(`${base}/ttl`);
    await waitUntil(async () => (await zk.getData(`${base}/ttl`)).stat.mzxid > stat.mzxid, {
      ...bound(),
      description: 'a touch',
    });
    await ttl.close();
  });

  it('persistent node – close right after start leaves no node; waits end with close', async () => {
    const zk = await client();
    const path = `/nodes/${randomUUID()}/quick`;
    const node = track(new PersistentNode(zk, path));
    node.start();
    const waiting = node.waitForInitialCreate();
    await node.close();
    await expect(waiting).rejects.toThrow(/closed/);
    expect((await zk.exists(path)).stat).toBeNull();
  });

  it('persistent watcher – delivers recursive events, resets after a session expiry, then delivers again', async () => {
    const zk = await client();
    const other = await client();
    const root = `/watched/${randomUUID()}`;
    await mkdirs(other, root);
    const watcher = track(new PersistentWatcher(zk, root, { recursive: true }));
    await watcher.start({ signal: AbortSignal.timeout(5000) });
    const events: PersistentWatcherEvent[] = [];
    watcher.on((e) => events.push(e));
    const iterated = watcher.events({ signal: AbortSignal.timeout(T + 10_000) });
    await other.create(`${root}/a`);
    await other.setData(`${root}/a`, 'x');
    await waitUntil(async () => events.length === 2, { ...bound(), description: 'two events' });
    expect(events).toEqual([
      { type: 'NodeCreated', path: `${root}/a` },
      { type: 'NodeDataChanged', path: `${root}/a` },
    ]);
    await expire(zk);
    const isNewSessionReset = (e: PersistentWatcherEvent) => e.type === 'Reset' && e.newSession;
    await waitUntil(async () => events.some(isNewSessionReset), { ...bound(), description: 'reset' });
    // expireSession may race the client taking its session back first: a same-session reset.
    const afterExpiry = events.slice(2).filter((e) => !(e.type === 'Reset' && !e.newSession));
    expect(afterExpiry).toEqual([
      { type: 'SessionExpired', path: root },
      { type: 'Reset', path: root, newSession: true },
    ]);
    const count = events.length;
    await other.delete(`${root}/a`);
    await waitUntil(async () => events.length === count + 1, { ...bound(), description: 'an event after the reset' });
    expect(events[count]).toEqual({ type: 'NodeDeleted', path: `${root}/a` });
    const iteratedEvents: PersistentWatcherEvent[] = [];
    for await (const e of iterated) {
      iteratedEvents.push(e);
      if (iteratedEvents.length === events.length) break;
    }
    expect(iteratedEvents).toEqual(events);
    await watcher.close();
    expect(zk.watchCount).toBe(0);
    expect(await zk.checkWatches(root, { type: 'any' })).toBe(false);
  });

  it('persistent watcher – the client closing ends it with a Closed event', async () => {
    const zk = await client();
    const watcher = new PersistentWatcher(zk, `/watched/${randomUUID()}`);
    await watcher.start();
    const events: PersistentWatcherEvent[] = [];
    watcher.on((e) => events.push(e));
    await zk.close();
    expect(events).toEqual([{ type: 'Closed', path: watcher.path }]);
    expect(watcher.state).toBe('closed');
    expect(zk.watchCount).toBe(0);
  });

  it('group member – members see each other and data updates; a closed member leaves the view', async () => {
    const group = `/groups/${randomUUID()}`;
    const a = track(new GroupMember(await client(), group, 'a', { data: 'A' }));
    const b = track(new GroupMember(await client(), group, 'b', { data: 'B' }));
    await a.start({ signal: AbortSignal.timeout(5000) });
    const aEvents: GroupMemberEvent[] = [];
    a.on((e) => aEvents.push(e));
    await b.start({ signal: AbortSignal.timeout(5000) });
    const view = (m: GroupMember) => Object.fromEntries([...m.getCurrentMembers()].map(([id, d]) => [id, text(d)]));
    await waitUntil(async () => Object.keys(view(a)).length === 2, { ...bound(), description: 'a to see b' });
    expect(view(a)).toEqual({ a: 'A', b: 'B' });
    expect(view(b)).toEqual({ a: 'A', b: 'B' });
    await b.setData('B2', { signal: AbortSignal.timeout(5000) });
    await waitUntil(async () => view(a).b === 'B2', { ...bound(), description: 'the update' });
    await b.close();
    await waitUntil(async () => view(a).b === undefined, { ...bound(), description: 'b to leave' });
    expect(view(a)).toEqual({ a: 'A' });
    expect(aEvents.map((e) => ('id' in e ? `${e.type}:${e.id}` : e.type))).toEqual(['joined:b', 'updated:b', 'left:b']);
  });

  it('group member – the client closing closes the member: its iterators end, no listener is left', async () => {
    const zk = await client();
    const ownListeners = zk.stateListenerCount;
    const member = new GroupMember(zk, `/groups/${randomUUID()}`, 'a');
    await member.start({ signal: AbortSignal.timeout(5000) });
    const events = member.events({ signal: AbortSignal.timeout(5000) }); // bounds a failing run
    const ended = drained(events);
    await zk.close();
    expect(await ended).toBe('ended');
    expect(member.state).toBe('closed');
    expect(zk.stateListenerCount).toBe(ownListeners);
  });

  it('group member – re-joins exactly once after each of 3 session expiries, with the latest data', async () => {
    const group = `/groups/${randomUUID()}`;
    const zk = await client();
    const observer = await client();
    const a = track(new GroupMember(zk, group, 'a', { data: 'a0' }));
    const b = track(new GroupMember(observer, group, 'b', { data: 'b' }));
    await a.start({ signal: AbortSignal.timeout(5000) });
    await b.start({ signal: AbortSignal.timeout(5000) });
    const seen = await creations(observer, group);
    for (let i = 1; i <= 3; i++) {
      await expire(zk);
      await a.setData(`a${i}`, { signal: AbortSignal.timeout(T + 5000) });
      await waitUntil(async () => text(b.getCurrentMembers().get('a')) === `a${i}`, {
        ...bound(),
        description: `b to see a re-joined with a${i}`,
      });
      await waitUntil(async () => !a.stale && a.getCurrentMembers().size === 2, {
        ...bound(),
        description: 'the view of a rebuilt',
      });
      await seen.settle();
      expect(seen.created, `creations after expiry ${i}`).toEqual(Array(i).fill(`${group}/a`));
      expect((await observer.getData(`${group}/a`)).stat.ephemeralOwner).toBe(zk.sessionId);
    }
    await seen.close();
  });

  it('watch hygiene – 100 start/close cycles of each recipe leave no watch and no listener', async () => {
    const zk = await client();
    const ownListeners = zk.stateListenerCount; // the client's own
    const base = `/hygiene/${randomUUID()}`;
    for (let i = 0; i < 100; i++) {
      const node = new PersistentNode(zk, `${base}/n-`, { mode: 'ephemeral-sequential', data: `${i}` });
      node.start();
      await node.waitForInitialCreate({ signal: AbortSignal.timeout(5000) });
      const watcher = new PersistentWatcher(zk, base, { recursive: true });
      await watcher.start({ signal: AbortSignal.timeout(5000) });
      await node.setData(`${i}!`, { signal: AbortSignal.timeout(5000) });
      await Promise.all([node.close(), watcher.close()]);
    }
    expect(zk.watchCount).toBe(0);
    expect(zk.stateListenerCount).toBe(ownListeners);
    expect((await zk.getChildren(base)).children).toEqual([]);
    expect(await zk.checkWatches(base, { type: 'any' })).toBe(false);
  });

  it('watch hygiene – after closing every recipe no watch is left, here or on the server', async () => {
    const zk = await client();
    const ownListeners = zk.stateListenerCount; // the client's own
    const base = `/hygiene/${randomUUID()}`;
    const node = new PersistentNode(zk, `${base}/n`, { mode: 'ephemeral' });
    const seq = new PersistentNode(zk, `${base}/s-`, { mode: 'ephemeral-sequential' });
    const watcher = new PersistentWatcher(zk, base);
    const member = new GroupMember(zk, `${base}/g`, 'm');
    node.start();
    seq.start();
    await node.waitForInitialCreate();
    const seqPath = await seq.waitForInitialCreate();
    await watcher.start();
    await member.start();
    expect(await zk.checkWatches(`${base}/n`, { type: 'data' })).toBe(true);
    expect(zk.watchCount).toBeGreaterThan(0);
    for (let i = 0; i < 50; i++) await member.setData(`d${i}`);
    await Promise.all([node.close(), seq.close(), watcher.close(), member.close()]);
    expect(zk.watchCount).toBe(0);
    expect(zk.stateListenerCount).toBe(ownListeners);
    for (const p of [base, `${base}/n`, seqPath, `${base}/g`, `${base}/g/m`]) {
      expect(await zk.checkWatches(p, { type: 'any' }), `server watch on ${p}`).toBe(false);
    }
  });
});
