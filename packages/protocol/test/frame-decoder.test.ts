import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ConnectRequest,
  CreateRequest,
  decode,
  encodeRecordFrame,
  encodeRequestFrame,
  FrameDecoder,
  FrameError,
  Ids,
  JUTE_MAX_BUFFER,
  OpCode,
  RequestHeader,
} from '../src/index.js';

const frames = [
  encodeRecordFrame(ConnectRequest, {
    protocolVersion: 0,
    lastZxidSeen: 0x1_0000_0002n,
    timeOut: 4000,
    sessionId: 0n,
    passwd: Buffer.alloc(16),
    readOnly: false,
  }),
  encodeRequestFrame({ xid: 1, type: OpCode.create }, CreateRequest, {
    path: '/a',
    data: Buffer.from('hello'),
    acl: [...Ids.OPEN_ACL_UNSAFE],
    flags: 0,
  }),
  encodeRequestFrame({ xid: -2, type: OpCode.ping }),
];
const stream = Buffer.concat(frames);
const payloads = frames.map((f) => f.subarray(4));

describe('FrameDecoder', () => {
  it('returns coalesced frames from one chunk, in order', () => {
    const out = new FrameDecoder().push(stream);
    expect(out.map((b) => b.toString('hex'))).toEqual(payloads.map((b) => b.toString('hex')));
  });

  it('reassembles a stream split at every single byte boundary', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const d = new FrameDecoder();
      const out = [...d.push(stream.subarray(0, cut)), ...d.push(stream.subarray(cut))];
      expect(
        out.map((b) => b.toString('hex')),
        `cut at ${cut}`,
      ).toEqual(payloads.map((b) => b.toString('hex')));
      expect(d.bufferedBytes).toBe(0);
    }
  });

  it('reassembles a stream fed one byte at a time', () => {
    const d = new FrameDecoder();
    const out: Buffer[] = [];
    for (let i = 0; i < stream.length; i++) out.push(...d.push(stream.subarray(i, i + 1)));
    expect(out.map((b) => b.toString('hex'))).toEqual(payloads.map((b) => b.toString('hex')));
  });

  it('reassembles any random chunking of the stream', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: stream.length }), { maxLength: 12 }), (cuts) => {
        const points = [0, ...cuts.sort((a, b) => a - b), stream.length];
        const d = new FrameDecoder();
        const out: Buffer[] = [];
        for (let i = 1; i < points.length; i++) out.push(...d.push(stream.subarray(points[i - 1], points[i])));
        expect(out.map((b) => b.toString('hex'))).toEqual(payloads.map((b) => b.toString('hex')));
      }),
    );
  });

  it('decodes the records carried by the frames', () => {
    const [connect, create] = new FrameDecoder().push(stream);
    expect(decode(ConnectRequest, connect as Buffer).timeOut).toBe(4000);
    const body = (create as Buffer).subarray(8);
    expect(decode(RequestHeader, (create as Buffer).subarray(0, 8))).toEqual({ xid: 1, type: OpCode.create });
    expect(decode(CreateRequest, body).path).toBe('/a');
  });

  it('keeps a partial frame buffered until the rest arrives', () => {
    const d = new FrameDecoder();
    expect(d.push(stream.subarray(0, 10))).toEqual([]);
    expect(d.bufferedBytes).toBe(10);
  });

  it('accepts a zero-length frame', () => {
    expect(new FrameDecoder().push(Buffer.from([0, 0, 0, 0]))).toEqual([Buffer.alloc(0)]);
  });

  it('refuses a length above the maximum before buffering its payload, and stays failed', () => {
    const d = new FrameDecoder();
    const header = Buffer.alloc(4);
    header.writeInt32BE(JUTE_MAX_BUFFER + 1);
    expect(() => d.push(header)).toThrow(FrameError);
    expect(() => d.push(header)).toThrow(/exceeds the maximum of 1048575 bytes/);
    expect(d.bufferedBytes).toBe(0);
  });

  it('accepts a length exactly at the configured maximum', () => {
    const d = new FrameDecoder({ maxFrameSize: 8 });
    const frame = Buffer.from([0, 0, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(d.push(frame)).toHaveLength(1);
    expect(() => new FrameDecoder({ maxFrameSize: 7 }).push(frame)).toThrow(FrameError);
  });

  it('refuses a negative length', () => {
    const err = (() => {
      try {
        new FrameDecoder().push(Buffer.from([0xff, 0xff, 0xff, 0xfe]));
      } catch (e) {
        return e as FrameError;
      }
    })();
    expect(err).toBeInstanceOf(FrameError);
    expect(err?.length).toBe(-2);
    expect(err?.message).toBe('negative frame length -2');
  });

  it('refuses a length prefix split across chunks just the same', () => {
    const d = new FrameDecoder();
    expect(d.push(Buffer.from([0x7f, 0x00]))).toEqual([]);
    expect(() => d.push(Buffer.from([0x00, 0x00]))).toThrow(FrameError);
  });

  it('rejects an invalid maxFrameSize option', () => {
    expect(() => new FrameDecoder({ maxFrameSize: -1 })).toThrow(RangeError);
    expect(() => new FrameDecoder({ maxFrameSize: 1.5 })).toThrow(/maxFrameSize/);
  });
});
