// multi/multiRead result shapes (reference §1.7) and ACL rules (§2.9) over raw frames.
import { createHash, randomUUID } from 'node:crypto';
import {
  type ACL,
  AuthPacket,
  CreateRequest,
  ErrorCode,
  GetACLRequest,
  GetACLResponse,
  GetDataRequest,
  Ids,
  type MultiOp,
  MultiOperationRecord,
  MultiResponse,
  OpCode,
  Perms,
  SetACLRequest,
} from '@zookit/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../protocol/raw-client.js';
import { serverTargets, type TestServer } from '../servers.js';

const open: ACL[] = [...Ids.OPEN_ACL_UNSAFE];
const digest = (userPass: string) =>
  `${userPass.split(':')[0]}:${createHash('sha1').update(userPass).digest('base64')}`;
const SUPER = digest('super:root-secret');

describe.each(serverTargets)('multi and ACL rules on $name', (target) => {
  let server: TestServer;
  let raw: RawClient;
  let root: string;

  beforeAll(async () => {
    server = await target.start({ tickTime: 500, superDigest: SUPER });
    raw = await RawClient.connect(server.connectString);
    root = `/ma-${randomUUID()}`;
    await raw.request(OpCode.create, CreateRequest, { path: root, data: null, acl: open, flags: 0 });
  });
  afterAll(async () => {
    await raw?.close();
    await server?.stop();
  });

  const multi = (ops: MultiOp[], type: number = OpCode.multi) =>
    raw.request(type, MultiOperationRecord, { ops }, MultiResponse);
  const createOp = (path: string, type: typeof OpCode.create | typeof OpCode.create2 = OpCode.create): MultiOp => ({
    type,
    request: { path, data: null, acl: open, flags: 0 },
  });

  it('a multi sees its own earlier ops and answers one result per op', async () => {
    const reply = await multi([
      createOp(`${root}/m`),
      createOp(`${root}/m/child`),
      { type: OpCode.setData, request: { path: `${root}/m`, data: Buffer.from('v'), version: 0 } },
      { type: OpCode.check, request: { path: `${root}/m`, version: 1 } },
      { type: OpCode.delete, request: { path: `${root}/m/child`, version: -1 } },
    ]);
    expect(reply.header.err).toBe(0);
    expect(reply.body?.results.map((r) => r.type)).toEqual([
      OpCode.create,
      OpCode.create,
      OpCode.setData,
      OpCode.check,
      OpCode.delete,
    ]);
    expect(reply.body?.results[0]).toEqual({ type: OpCode.create, response: { path: `${root}/m` } });
  });

  it('a failed multi applies nothing; header err 0; results Ok, the code, then RuntimeInconsistency', async () => {
    const reply = await multi([
      createOp(`${root}/never`),
      { type: OpCode.check, request: { path: root, version: 99 } },
      { type: OpCode.delete, request: { path: root, version: -1 } },
    ]);
    expect(reply.header.err).toBe(0);
    expect(reply.body?.results).toEqual([
      { type: OpCode.error, err: 0 },
      { type: OpCode.error, err: ErrorCode.BadVersion },
      { type: OpCode.error, err: ErrorCode.RuntimeInconsistency },
    ]);
    const after = await raw.request(OpCode.getData, GetDataRequest, { path: `${root}/never`, watch: false });
    expect(after.header.err).toBe(ErrorCode.NoNode);
  });

  it('an empty multi succeeds and consumes a zxid', async () => {
    const a = await multi([]);
    const b = await multi([]);
    expect(a.body?.results).toEqual([]);
    expect(b.header.zxid).toBe(a.header.zxid + 1n);
  });

  it('multiRead answers each read alone', async () => {
    const reply = await multi(
      [
        { type: OpCode.getChildren, request: { path: root, watch: false } },
        { type: OpCode.getData, request: { path: `${root}/none`, watch: false } },
      ],
      OpCode.multiRead,
    );
    expect(reply.body?.results[0]?.type).toBe(OpCode.getChildren);
    expect(reply.body?.results[1]).toEqual({ type: OpCode.error, err: ErrorCode.NoNode });
  });

  it('digest auth: ids from `auth` entries, NoAuth for others, redacted getACL without ADMIN', async () => {
    const alice = await RawClient.connect(server.connectString);
    const auth = await alice.request(OpCode.auth, AuthPacket, {
      type: 0,
      scheme: 'digest',
      auth: Buffer.from('alice:pw'),
    });
    expect(auth.header.err).toBe(0);
    const path = `${root}/secret`;
    const acl: ACL[] = [
      { perms: Perms.ALL, id: { scheme: 'auth', id: '' } },
      { perms: Perms.READ, id: { scheme: 'world', id: 'anyone' } },
    ];
    expect((await alice.request(OpCode.create, CreateRequest, { path, data: null, acl, flags: 0 })).header.err).toBe(0);
    const seenByAlice = await alice.request(OpCode.getACL, GetACLRequest, { path }, GetACLResponse);
    expect(seenByAlice.body?.acl).toEqual([
      { perms: Perms.ALL, id: { scheme: 'digest', id: digest('alice:pw') } },
      { perms: Perms.READ, id: { scheme: 'world', id: 'anyone' } },
    ]);
    const seenByOthers = await raw.request(OpCode.getACL, GetACLRequest, { path }, GetACLResponse);
    expect(seenByOthers.body?.acl[0]?.id).toEqual({ scheme: 'digest', id: 'alice:x' });
    const setAcl = await raw.request(OpCode.setACL, SetACLRequest, { path, acl: open, version: -1 });
    expect(setAcl.header.err).toBe(ErrorCode.NoAuth);
    await alice.close();
  });

  it('the super digest bypasses every ACL', async () => {
    const owner = await RawClient.connect(server.connectString);
    await owner.request(OpCode.auth, AuthPacket, { type: 0, scheme: 'digest', auth: Buffer.from('bob:pw') });
    const path = `${root}/locked`;
    await owner.request(OpCode.create, CreateRequest, {
      path,
      data: Buffer.from('s'),
      acl: [{ perms: Perms.ALL, id: { scheme: 'auth', id: '' } }],
      flags: 0,
    });
    expect((await raw.request(OpCode.getData, GetDataRequest, { path, watch: false })).header.err).toBe(
      ErrorCode.NoAuth,
    );
    const admin = await RawClient.connect(server.connectString);
    await admin.request(OpCode.auth, AuthPacket, { type: 0, scheme: 'digest', auth: Buffer.from('super:root-secret') });
    expect((await admin.request(OpCode.getData, GetDataRequest, { path, watch: false })).header.err).toBe(0);
    await Promise.all([owner.close(), admin.close()]);
  });

  it('an ip ACL admits the matching address only', async () => {
    const path = `${root}/ip`;
    const acl: ACL[] = [
      { perms: Perms.ALL, id: { scheme: 'ip', id: '127.0.0.0/8' } },
      { perms: Perms.ALL, id: { scheme: 'ip', id: '10.1.2.3' } },
    ];
    expect((await raw.request(OpCode.create, CreateRequest, { path, data: null, acl, flags: 0 })).header.err).toBe(0);
    expect((await raw.request(OpCode.getData, GetDataRequest, { path, watch: false })).header.err).toBe(0);
    const only10: ACL[] = [{ perms: Perms.ALL, id: { scheme: 'ip', id: '10.1.2.3' } }];
    await raw.request(OpCode.create, CreateRequest, { path: `${path}2`, data: null, acl: only10, flags: 0 });
    expect((await raw.request(OpCode.getData, GetDataRequest, { path: `${path}2`, watch: false })).header.err).toBe(
      ErrorCode.NoAuth,
    );
  });

  it('an unknown auth scheme gets AuthFailed and the connection is closed', async () => {
    const c = await RawClient.connect(server.connectString);
    // ZooKeeper answers an auth packet on the request's own xid (clients use -4).
    const reply = await c.request(OpCode.auth, AuthPacket, { type: 0, scheme: 'nosuch', auth: Buffer.from('x') });
    expect(reply.header.err).toBe(ErrorCode.AuthFailed);
    await expect(c.request(OpCode.getData, GetDataRequest, { path: '/', watch: false })).rejects.toThrow(/closed/);
    await c.close();
  });
});
