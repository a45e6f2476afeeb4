// Golden bytes from the real ZooKeeper implementation: every case of golden/fixtures/golden.json
// was built with ZooKeeper 3.8's own record classes and serialised by its BinaryOutputArchive
// (see golden/GoldenGen.java; regenerate with `pnpm golden`). Each case must encode to exactly
// ZooKeeper's bytes and decode back to the same value.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as protocol from '../src/index.js';
import {
  CheckVersionRequest,
  type Codec,
  Create2Response,
  CreateRequest,
  CreateResponse,
  CreateTTLRequest,
  DeleteRequest,
  decode,
  encode,
  GetChildrenRequest,
  GetChildrenResponse,
  GetDataRequest,
  GetDataResponse,
  MultiOperationRecord,
  MultiResponse,
  OpCode,
  type RecordCodec,
  SetDataRequest,
  SetDataResponse,
  type VectorCodec,
} from '../src/index.js';

interface GoldenCase {
  record: string;
  case: string;
  value: unknown;
  hex: string;
  decodeOnly?: true;
}

/**
 * Exported records that the ZooKeeper 3.8 jars cannot produce, so they have no golden case.
 * Keep this list as short as possible; the coverage test below fails if an entry gains a case.
 */
const NOT_PRODUCIBLE_BY_ZOOKEEPER_3_8 = new Map<string, string>([
  // 3.8.0 has no DeleteContainerRequest class: its ContainerManager puts the raw UTF-8 path
  // bytes (no length prefix) in an internal server request; there is no jute record to serialise.
  ['DeleteContainerRequest', 'no such class in zookeeper-3.8.0.jar (deleteContainer body is raw path bytes)'],
]);

const cases: GoldenCase[] = JSON.parse(
  readFileSync(new URL('../golden/fixtures/golden.json', import.meta.url), 'utf8'),
) as GoldenCase[];

/** Every record codec the package exports (kind 'record' or 'multi'), by export name. */
const exportedRecords = new Map<string, Codec<unknown>>();
for (const [name, value] of Object.entries(protocol) as Array<[string, unknown]>) {
  const v = value as { kind?: unknown; encode?: unknown } | null;
  if (
    typeof v === 'object' &&
    v !== null &&
    (v.kind === 'record' || v.kind === 'multi') &&
    typeof v.encode === 'function'
  )
    exportedRecords.set(name, v as Codec<unknown>);
}

// Which record follows each MultiHeader inside multi / multiRead (as ZooKeeper's
// MultiOperationRecord and MultiResponse write them); null: no body.
const multiOpRequest = new Map<number, Codec<unknown>>([
  [OpCode.create, CreateRequest],
  [OpCode.create2, CreateRequest],
  [OpCode.createContainer, CreateRequest],
  [OpCode.createTTL, CreateTTLRequest],
  [OpCode.delete, DeleteRequest],
  [OpCode.setData, SetDataRequest],
  [OpCode.check, CheckVersionRequest],
  [OpCode.getChildren, GetChildrenRequest],
  [OpCode.getData, GetDataRequest],
] as Array<[number, Codec<unknown>]>);
const multiResultResponse = new Map<number, Codec<unknown> | null>([
  [OpCode.create, CreateResponse],
  [OpCode.create2, Create2Response],
  [OpCode.delete, null],
  [OpCode.check, null],
  [OpCode.setData, SetDataResponse],
  [OpCode.getChildren, GetChildrenResponse],
  [OpCode.getData, GetDataResponse],
] as Array<[number, Codec<unknown> | null]>);

class FixtureError extends Error {}

function fail(where: string, message: string): never {
  throw new FixtureError(`${where}: ${message}`);
}

function asObject(json: unknown, where: string): Record<string, unknown> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) fail(where, 'expected an object');
  return json as Record<string, unknown>;
}

/** Checks that `obj` has exactly the keys `required` (plus any of `optional`). */
function checkKeys(obj: Record<string, unknown>, required: string[], optional: string[], where: string): void {
  for (const key of required) if (!(key in obj)) fail(where, `missing key ${key}`);
  for (const key of Object.keys(obj))
    if (!required.includes(key) && !optional.includes(key)) fail(where, `unexpected key ${key}`);
}

function asInt(json: unknown, where: string): number {
  if (typeof json !== 'number' || !Number.isInteger(json)) fail(where, `expected an int, got ${JSON.stringify(json)}`);
  return json;
}

/** Converts a fixture JSON value to the TS value of `codec`, driven only by codec metadata. */
function fromJson(codec: Codec<unknown>, json: unknown, where: string): unknown {
  switch (codec.kind) {
    case 'int':
      return asInt(json, where);
    case 'long':
      if (typeof json !== 'string' || !/^-?\d+$/.test(json)) fail(where, 'expected a decimal string (long)');
      return BigInt(json);
    case 'boolean':
    case 'optional-boolean':
      if (typeof json !== 'boolean') fail(where, 'expected a boolean');
      return json;
    case 'buffer':
      if (json === null) return null;
      if (typeof json !== 'string' || !/^(?:[0-9a-f]{2})*$/.test(json)) fail(where, 'expected lowercase hex or null');
      return Buffer.from(json, 'hex');
    case 'ustring':
      if (typeof json !== 'string') fail(where, 'expected a string');
      return json;
    case 'vector': {
      if (!Array.isArray(json)) fail(where, 'expected an array');
      const { element } = codec as VectorCodec<unknown>;
      return json.map((e, i) => fromJson(element, e, `${where}[${i}]`));
    }
    case 'record': {
      const rc = codec as RecordCodec<Record<string, unknown>>;
      const obj = asObject(json, where);
      const required = rc.fields.filter(([, c]) => c.kind !== 'optional-boolean').map(([k]) => k);
      const optional = rc.fields.filter(([, c]) => c.kind === 'optional-boolean').map(([k]) => k);
      checkKeys(obj, required, optional, where);
      const out: Record<string, unknown> = {};
      for (const [key, fieldCodec] of rc.fields)
        if (key in obj) out[key] = fromJson(fieldCodec, obj[key], `${where}.${key}`);
      return out;
    }
    case 'multi':
      return multiFromJson(codec, json, where);
  }
}

function multiFromJson(codec: Codec<unknown>, json: unknown, where: string): unknown {
  const obj = asObject(json, where);
  if (codec === MultiOperationRecord) {
    checkKeys(obj, ['ops'], [], where);
    if (!Array.isArray(obj.ops)) fail(`${where}.ops`, 'expected an array');
    return {
      ops: obj.ops.map((op: unknown, i) => {
        const at = `${where}.ops[${i}]`;
        const o = asObject(op, at);
        checkKeys(o, ['type', 'request'], [], at);
        const type = asInt(o.type, `${at}.type`);
        const request = multiOpRequest.get(type) ?? fail(`${at}.type`, `${type} is not a multi op type`);
        return { type, request: fromJson(request, o.request, `${at}.request`) };
      }),
    };
  }
  if (codec === MultiResponse) {
    checkKeys(obj, ['results'], [], where);
    if (!Array.isArray(obj.results)) fail(`${where}.results`, 'expected an array');
    return {
      results: obj.results.map((result: unknown, i) => {
        const at = `${where}.results[${i}]`;
        const r = asObject(result, at);
        const type = asInt(r.type, `${at}.type`);
        if (type === OpCode.error) {
          checkKeys(r, ['type', 'err'], [], at);
          return { type, err: asInt(r.err, `${at}.err`) };
        }
        const response = multiResultResponse.get(type);
        if (response === undefined) fail(`${at}.type`, `${type} is not a multi result type`);
        if (response === null) {
          checkKeys(r, ['type'], [], at);
          return { type };
        }
        checkKeys(r, ['type', 'response'], [], at);
        return { type, response: fromJson(response, r.response, `${at}.response`) };
      }),
    };
  }
  return fail(where, 'unknown multi codec');
}

function codecOf(c: GoldenCase): Codec<unknown> {
  const codec = exportedRecords.get(c.record);
  if (!codec) throw new Error(`${c.record} / ${c.case}: @zookit/protocol exports no record ${c.record}`);
  return codec;
}

describe('golden bytes from ZooKeeper 3.8 (golden/fixtures/golden.json)', () => {
  it('has cases', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  for (const c of cases) {
    const label = `${c.record} / ${c.case}`;
    if (c.decodeOnly) {
      it(`${label} (decode only)`, () => {
        const codec = codecOf(c);
        const value = fromJson(codec, c.value, `${label}: ${c.record}`);
        expect(decode(codec, Buffer.from(c.hex, 'hex')), `${label}: decode`).toEqual(value);
      });
    } else {
      it(label, () => {
        const codec = codecOf(c);
        const value = fromJson(codec, c.value, `${label}: ${c.record}`);
        expect(encode(codec, value).toString('hex'), `${label}: encode`).toBe(c.hex);
        expect(decode(codec, Buffer.from(c.hex, 'hex')), `${label}: decode`).toEqual(value);
      });
    }
  }
});

describe('golden coverage', () => {
  const covered = new Set(cases.map((c) => c.record));

  it('record codecs are exported under their jute class names', () => {
    for (const [name, codec] of exportedRecords)
      if (codec.kind === 'record') expect((codec as RecordCodec<unknown>).name, name).toBe(name);
  });

  it('every exported record codec has a golden case, except the listed ones', () => {
    const missing = [...exportedRecords.keys()].filter(
      (name) => !covered.has(name) && !NOT_PRODUCIBLE_BY_ZOOKEEPER_3_8.has(name),
    );
    expect(missing, 'records without a golden case').toEqual([]);
  });

  it('the not-producible list is exact', () => {
    for (const name of NOT_PRODUCIBLE_BY_ZOOKEEPER_3_8.keys()) {
      expect(exportedRecords.has(name), `${name} is not exported`).toBe(true);
      expect(covered.has(name), `${name} has golden cases: remove it from the list`).toBe(false);
    }
  });

  it('every case names an exported record and is round-trip or decode-only', () => {
    for (const c of cases) {
      expect(exportedRecords.has(c.record), `${c.record} / ${c.case}`).toBe(true);
      expect(typeof c.hex === 'string' && /^(?:[0-9a-f]{2})*$/.test(c.hex), `${c.record} / ${c.case}: hex`).toBe(true);
      expect(c.decodeOnly === undefined || c.decodeOnly === true, `${c.record} / ${c.case}: decodeOnly`).toBe(true);
    }
  });

  it('covers the handshake with and without the trailing readOnly byte', () => {
    for (const record of ['ConnectRequest', 'ConnectResponse']) {
      const values = cases.filter((c) => c.record === record && !c.decodeOnly).map((c) => asObject(c.value, record));
      expect(
        values.some((v) => 'readOnly' in v),
        `${record} with readOnly`,
      ).toBe(true);
      expect(
        values.some((v) => !('readOnly' in v)),
        `${record} without readOnly`,
      ).toBe(true);
    }
  });
});
