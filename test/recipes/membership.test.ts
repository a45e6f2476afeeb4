// Membership: a view of a group's members with the zxid it was observed at, on both servers.
import { randomUUID } from 'node:crypto';
import { GroupMember, Membership, type MembershipEvent } from '@zookit/recipes';
import { expireSession, waitUntil } from '@zookit/testing';
import { describe, expect, it } from 'vitest';
import { serverTargets } from '../servers.js';
import { useRecipeFixture } from './recipe-fixture.js';

const T = 3000;

describe.each(serverTargets)('Membership on $name', (target) => {
  const fx = useRecipeFixture(target, { sessionTimeout: T });

  async function member(group: string, id: string, cs?: string) {
    const client = await fx.client(cs);
    const m = fx.track(new GroupMember(client, group, id, { data: `data-${id}` }));
    await m.start();
    return { client, member: m };
  }

  async function view(group: string, cs?: string) {
    const client = await fx.client(cs);
    const v = fx.track(new Membership(client, group));
    const events: MembershipEvent[] = [];
    v.on((e) => events.push(e));
    await v.start();
    return { client, view: v, events };
  }

  const ids = (v: Membership) => [...v.view.members.keys()];

  it('observers agree on the set by its zxid; joins and leaves are reported with the data at join', async () => {
    const group = `/group/${randomUUID()}`;
    const v1 = await view(group);
    expect(v1.view.view.zxid).toBe(0n); // no group node yet
    await member(group, 'a');
    const b = await member(group, 'b');
    await waitUntil(async () => ids(v1.view).length === 2, { timeout: 5000, interval: 10, description: 'two members' });
    const v2 = await view(group);
    expect(ids(v2.view)).toEqual(['a', 'b']);
    expect(v2.view.view.zxid).toBe(v1.view.view.zxid);
    expect(v1.view.view.members.get('a')?.toString()).toBe('data-a');
    expect(v1.events).toContainEqual({ type: 'joined', id: 'b', data: Buffer.from('data-b') });
    await b.member.close();
    await waitUntil(async () => ids(v1.view).length === 1 && ids(v2.view).length === 1, {
      timeout: 5000,
      interval: 10,
      description: 'b to leave both views',
    });
    expect(v1.events).toContainEqual({ type: 'left', id: 'b' });
    expect(v2.view.view.zxid).toBe(v1.view.view.zxid);
  });

  it('our own suspension never removes a member: the view goes stale and is read again on reconnect', async () => {
    const group = `/group/${randomUUID()}`;
    await member(group, 'a');
    const proxy = await fx.proxy();
    const v = await view(group, proxy.connectString);
    const zxid = v.view.view.zxid;
    proxy.blackhole();
    await waitUntil(async () => v.view.stale, { timeout: T, interval: 10, description: 'the view to go stale' });
    expect(ids(v.view)).toEqual(['a']);
    proxy.pass();
    proxy.closeConnections();
    await waitUntil(async () => !v.view.stale, { timeout: 2 * T, interval: 10, description: 'a fresh view' });
    expect(ids(v.view)).toEqual(['a']);
    expect(v.view.view.zxid).toBe(zxid);
    expect(v.events.filter((e) => e.type === 'left')).toEqual([]);
    expect(v.events.map((e) => e.type)).toContain('stale');
  });

  it("a member's session expiry removes it from the view", async () => {
    const group = `/group/${randomUUID()}`;
    const v = await view(group);
    const a = await fx.client();
    await a.ensurePath(group);
    await a.create(`${group}/a`, 'x', { mode: 'ephemeral' });
    await member(group, 'b');
    await waitUntil(async () => ids(v.view).length === 2, { timeout: 5000, interval: 10, description: 'two members' });
    await expireSession(fx.server.connectString, { id: a.sessionId, password: a.sessionPassword });
    await waitUntil(async () => ids(v.view).join() === 'b', {
      timeout: 2 * T,
      interval: 10,
      description: 'a to leave',
    });
    expect(v.events).toContainEqual({ type: 'left', id: 'a' });
  });

  it('rejects bad arguments by name; start twice is refused; close is idempotent', async () => {
    const client = await fx.client();
    expect(() => new Membership(client, 'relative')).toThrow(/groupPath/);
    const v = new Membership(client, `/group/${randomUUID()}`);
    await v.start();
    await expect(v.start()).rejects.toThrow(/cannot start/);
    await v.close();
    await v.close();
    expect(v.state).toBe('closed');
  });
});
