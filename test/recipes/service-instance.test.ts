// The curator-x-discovery instance JSON and UriSpec, with canned bytes written by Curator 5.4's
// JsonInstanceSerializer (captured from the Debian jars; the interop suite checks it live).
import {
  buildUri,
  decodeServiceInstance,
  encodeServiceInstance,
  parseUriSpec,
  ServiceInstanceFormatError,
  serviceInstance,
} from '@zookit/recipes';
import { describe, expect, it } from 'vitest';

/** JsonInstanceSerializer(Map.class, false).serialize(…) in Curator 5.4. */
const CURATOR_FULL =
  '{"name":"svc","id":"i1","address":"10.0.0.1","port":8080,"sslPort":8443,"payload":{"@class":"java.util.LinkedHashMap","zone":"eu","nested":{"a":[1,2]}},"registrationTimeUTC":1700000000000,"serviceType":"DYNAMIC_SEQUENTIAL","uriSpec":{"parts":[{"value":"scheme","variable":true},{"value":"://","variable":false},{"value":"address","variable":true},{"value":":","variable":false},{"value":"port","variable":true},{"value":"/x","variable":false}]},"enabled":false}';
/** Curator 5.4's default serializer (compatible mode): no `enabled`. */
const CURATOR_DEFAULT =
  '{"name":"svc","id":"i3","address":null,"port":null,"sslPort":null,"payload":null,"registrationTimeUTC":1,"serviceType":"DYNAMIC","uriSpec":null}';

describe('service instance JSON (curator-x-discovery)', () => {
  it('reads every field Curator writes, and writes the same bytes back', () => {
    const instance = decodeServiceInstance(Buffer.from(CURATOR_FULL));
    expect(instance).toEqual({
      name: 'svc',
      id: 'i1',
      address: '10.0.0.1',
      port: 8080,
      sslPort: 8443,
      payload: { '@class': 'java.util.LinkedHashMap', zone: 'eu', nested: { a: [1, 2] } },
      registrationTimeUTC: 1700000000000,
      serviceType: 'DYNAMIC_SEQUENTIAL',
      uriSpec: parseUriSpec('{scheme}://{address}:{port}/x'),
      enabled: false,
    });
    expect(encodeServiceInstance(instance).toString()).toBe(CURATOR_FULL);
  });

  it("reads Curator's default (compatible) form as enabled; ignores fields it does not know", () => {
    expect(decodeServiceInstance(Buffer.from(CURATOR_DEFAULT)).enabled).toBe(true);
    const newer = JSON.parse(CURATOR_FULL);
    newer.zone = 'added by a newer Curator';
    newer.uriSpec.parts[0].extra = true;
    expect(decodeServiceInstance(Buffer.from(JSON.stringify(newer)))).toEqual(
      decodeServiceInstance(Buffer.from(CURATOR_FULL)),
    );
    // Only name, id and registrationTimeUTC: the rest defaults as in Curator.
    expect(decodeServiceInstance(Buffer.from('{"name":"svc","id":"z","registrationTimeUTC":5}'))).toEqual({
      name: 'svc',
      id: 'z',
      address: null,
      port: null,
      sslPort: null,
      payload: null,
      registrationTimeUTC: 5,
      serviceType: 'DYNAMIC',
      uriSpec: null,
      enabled: true,
    });
  });

  it('rejects data that is not an instance with a ServiceInstanceFormatError naming the problem', () => {
    expect(() => decodeServiceInstance(Buffer.from('not json'))).toThrow(ServiceInstanceFormatError);
    expect(() => decodeServiceInstance(Buffer.from('[1]'))).toThrow(/expected a JSON object/);
    expect(() => decodeServiceInstance(Buffer.from('{"name":"svc","id":"z","port":"80"}'))).toThrow(/instance\.port/);
    expect(() => decodeServiceInstance(null)).toThrow(ServiceInstanceFormatError);
  });

  it('serviceInstance() fills defaults and names the bad field', () => {
    const i = serviceInstance({ name: 'svc', port: 80, uriSpec: '{scheme}://{address}:{port}' });
    expect(i.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(i.serviceType).toBe('DYNAMIC');
    expect(i.enabled).toBe(true);
    expect(Math.abs(i.registrationTimeUTC - Date.now())).toBeLessThan(60_000);
    expect(() => serviceInstance({ name: 'a/b' })).toThrow(/instance\.name/);
    expect(() => serviceInstance({ name: 'svc', id: '' })).toThrow(/instance\.id/);
    expect(() => serviceInstance({ name: 'svc', port: 70000 })).toThrow(RangeError);
    expect(() => serviceInstance({ name: 'svc', serviceType: 'EPHEMERAL' as never })).toThrow(/serviceType/);
    expect(() => serviceInstance({ name: 'svc', payload: 1n as never })).toThrow(/instance\.payload/);
  });
});

describe('UriSpec', () => {
  it("parses into Curator's parts and builds with the instance's fields", () => {
    const spec = parseUriSpec('{scheme}://{ address }:{port}/{[}x{]}/{unknown}');
    expect(spec.parts).toEqual([
      { value: 'scheme', variable: true },
      { value: '://', variable: false },
      { value: 'address', variable: true },
      { value: ':', variable: false },
      { value: 'port', variable: true },
      { value: '/', variable: false },
      { value: '[', variable: true },
      { value: 'x', variable: false },
      { value: ']', variable: true },
      { value: '/', variable: false },
      { value: 'unknown', variable: true },
    ]);
    const plain = serviceInstance({ name: 's', id: 'i', address: 'h', port: 80 });
    expect(buildUri(spec, plain)).toBe('http://h:80/{x}/');
    expect(buildUri(spec, { ...plain, sslPort: 443 })).toBe('https://h:80/{x}/');
    expect(buildUri(spec, plain, { unknown: 'u', port: 81 })).toBe('http://h:81/{x}/u');
    expect(buildUri(parseUriSpec('{name}-{id}-{ssl-port}-{service-type}-{registration-time-utc}'), plain)).toBe(
      `s-i--dynamic-${plain.registrationTimeUTC}`,
    );
    expect(buildUri(parseUriSpec('{scheme}://x'))).toBe('http://x');
  });

  it('rejects a malformed spec with a TypeError naming it', () => {
    expect(() => parseUriSpec('{a{b}}')).toThrow(/"\{" inside a field/);
    expect(() => parseUriSpec('a}')).toThrow(/without a "\{"/);
    expect(() => parseUriSpec('{open')).toThrow(/not closed/);
    expect(() => parseUriSpec(3 as never)).toThrow(TypeError);
  });
});
