import { describe, expect, it } from 'vitest';
import {
  ACL,
  ConnectRequest,
  ConnectResponse,
  CreateRequest,
  DecodeError,
  decode,
  encode,
  GetChildrenResponse,
  JuteReader,
  JuteWriter,
  MultiOperationRecord,
  MultiResponse,
  OpCode,
  Stat,
} from '../src/index.js';

function bytes(hex: string): Buffer {
  return Buffer.from(hex.replace(/\s+/g, ''), 'hex');
}

describe('jute primitives', () => {
  it('writes big-endian ints, longs, booleans, buffers and strings', () => {
    const w = new JuteWriter(1);
    w.writeInt(-2);
    w.writeLong(-(2n ** 63n));
    w.writeBool(true);
    w.writeBuffer(null);
    w.writeBuffer(Buffer.from([]));
    w.writeUstring('ü');
    expect(w.finish().toString('hex')).toBe(
      'fffffffe' + '8000000000000000' + '01' + 'ffffffff' + '00000000' + '00000002c3bc',
    );
  });

  it('reads back what it wrote, null buffer distinct from empty', () => {
    const r = new JuteReader(bytes('ffffffff 00000000 00000001 07'));
    expect(r.readBuffer()).toBeNull();
    expect(r.readBuffer()).toEqual(Buffer.alloc(0));
    expect(r.readBuffer()).toEqual(Buffer.from([7]));
    expect(r.remaining).toBe(0);
  });

  it('treats any non-zero byte as true', () => {
    expect(new JuteReader(bytes('02')).readBool()).toBe(true);
  });

  it('reads a null string as empty and a null vector as empty', () => {
    expect(new JuteReader(bytes('ffffffff')).readUstring()).toBe('');
    expect(decode(GetChildrenResponse, bytes('ffffffff'))).toEqual({ children: [] });
  });

  it('throws DecodeError, not RangeError, on truncated input', () => {
    expect(() => new JuteReader(bytes('000000')).readInt()).toThrow(DecodeError);
    expect(() => new JuteReader(bytes('00000000 000000')).readLong()).toThrow(/truncated long/);
    expect(() => new JuteReader(bytes('')).readBool()).toThrow(DecodeError);
  });

  it('refuses a buffer length larger than the bytes left without allocating it', () => {
    expect(() => new JuteReader(bytes('7fffffff 00')).readBuffer()).toThrow(
      /buffer length 2147483647 exceeds the 1 bytes left/,
    );
  });

  it('refuses lengths below -1', () => {
    expect(() => new JuteReader(bytes('fffffffe')).readUstring()).toThrow(/negative ustring length -2/);
    expect(() => new JuteReader(bytes('80000000')).readBuffer()).toThrow(DecodeError);
  });

  it('refuses a vector count the remaining bytes cannot hold, before looping', () => {
    expect(() => decode(GetChildrenResponse, bytes('7fffffff 00000000'))).toThrow(/vector count 2147483647 cannot fit/);
    // As ZooKeeper's BinaryInputArchive: a count below -1 is an empty vector, not an error.
    expect(decode(GetChildrenResponse, bytes('fffffff0'))).toEqual({ children: [] });
  });

  it('reports the byte offset of the failure', () => {
    try {
      decode(Stat, Buffer.alloc(60));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DecodeError);
      expect((e as DecodeError).offset).toBe(60); // pzxid, the last field, starts at byte 60
    }
  });

  it('refuses trailing bytes after a record', () => {
    expect(() => decode(ACL, bytes('00000001 00000000 00000000 ff'))).toThrow(/1 unexpected trailing bytes after ACL/);
  });
});

describe('encoding errors name what was wrong', () => {
  it('names the record and field of an out-of-range int', () => {
    expect(() => encode(ACL, { perms: 2 ** 31, id: { scheme: 'world', id: 'anyone' } })).toThrow(
      new RangeError('ACL.perms: expected a 32-bit integer, got 2147483648'),
    );
  });

  it('names nested fields and vector positions', () => {
    const bad = { path: '/a', data: null, acl: [{ perms: 31, id: { scheme: 7, id: 'x' } }], flags: 0 };
    expect(() => encode(CreateRequest, bad as never)).toThrow(
      new TypeError('CreateRequest.acl: [0]: ACL.id: Id.scheme: expected a string, got number'),
    );
  });

  it('refuses a number where a long is expected', () => {
    expect(() => encode(Stat, { czxid: 1 } as never)).toThrow(/Stat.czxid: expected a bigint, got number/);
  });

  it('refuses a long outside 64 bits', () => {
    const w = new JuteWriter();
    expect(() => w.writeLong(2n ** 63n)).toThrow(RangeError);
  });

  it('refuses a non-object record', () => {
    expect(() => encode(Stat, null as never)).toThrow(/Stat: expected an object, got null/);
  });
});

describe('ConnectRequest/ConnectResponse optional readOnly byte', () => {
  const base = { protocolVersion: 0, lastZxidSeen: 5n, timeOut: 30000, sessionId: 0n, passwd: Buffer.alloc(16) };

  it('omits the byte when readOnly is undefined (old clients) and decodes its absence as undefined', () => {
    const old = encode(ConnectRequest, base);
    expect(old.length).toBe(44);
    expect(decode(ConnectRequest, old).readOnly).toBeUndefined();
  });

  it('writes and reads the byte when present', () => {
    const now = encode(ConnectRequest, { ...base, readOnly: true });
    expect(now.length).toBe(45);
    expect(decode(ConnectRequest, now).readOnly).toBe(true);
  });

  it('sizes ConnectResponse as ZooKeeper does: 36 bytes without readOnly, 37 with', () => {
    const r = { protocolVersion: 0, timeOut: 4000, sessionId: 1n, passwd: Buffer.alloc(16) };
    expect(encode(ConnectResponse, r).length).toBe(36);
    expect(encode(ConnectResponse, { ...r, readOnly: false }).length).toBe(37);
  });
});

describe('multi framing', () => {
  it('ends a request with MultiHeader{-1, true, -1}', () => {
    expect(encode(MultiOperationRecord, { ops: [] }).toString('hex')).toBe('ffffffff01ffffffff');
  });

  it('refuses an op type that cannot appear in a multi', () => {
    expect(() =>
      encode(MultiOperationRecord, { ops: [{ type: OpCode.sync, request: { path: '/' } }] } as never),
    ).toThrow(/ops\[0\].type: 9 is not a multi op type/);
    const w = bytes('00000009 00 ffffffff 00000001 2f');
    expect(() => decode(MultiOperationRecord, w)).toThrow(/invalid op type 9 in multi/);
  });

  it('refuses a multi that mixes reads and writes', () => {
    const mixed = Buffer.concat([
      bytes('00000004 00 ffffffff'),
      bytes('00000001 2f 00'),
      bytes('00000002 00 ffffffff'),
      bytes('00000001 2f ffffffff'),
      bytes('ffffffff 01 ffffffff'),
    ]);
    expect(() => decode(MultiOperationRecord, mixed)).toThrow(/mixes read and write/);
  });

  it('refuses a request that never ends', () => {
    expect(() => decode(MultiOperationRecord, bytes('00000002 00 ffffffff 00000001 2f ffffffff'))).toThrow(DecodeError);
  });

  it('carries per-op errors in the body', () => {
    const value = {
      results: [
        { type: OpCode.error, err: 0 },
        { type: OpCode.error, err: -103 },
        { type: OpCode.error, err: -2 },
      ],
    } as const;
    const hex = encode(MultiResponse, { results: [...value.results] }).toString('hex');
    expect(hex).toBe(
      'ffffffff00000000000000000' + '0ffffffff00ffffff99ffffff99' + 'ffffffff00fffffffefffffffe' + 'ffffffff01ffffffff',
    );
    expect(decode(MultiResponse, Buffer.from(hex, 'hex'))).toEqual(value);
  });
});
