import { describe, expect, it } from 'vitest';
import { addChroot, parseConnectString, stripChroot } from '../src/connect-string.js';

describe('parseConnectString', () => {
  it('parses hosts, default port and chroot', () => {
    expect(parseConnectString('a:1,b,c:3/app/x')).toEqual({
      hosts: [
        { host: 'a', port: 1 },
        { host: 'b', port: 2181 },
        { host: 'c', port: 3 },
      ],
      chroot: '/app/x',
    });
  });

  it('parses bracketed IPv6 addresses', () => {
    expect(parseConnectString('[::1]:2182,[fe80::1]').hosts).toEqual([
      { host: '::1', port: 2182 },
      { host: 'fe80::1', port: 2181 },
    ]);
  });

  it('treats a bare "/" chroot as none', () => {
    expect(parseConnectString('127.0.0.1:2181/').chroot).toBeUndefined();
  });

  it.each([
    ['', /connectString: expected/],
    ['host:0', /bad address "host:0"/],
    ['host:x', /bad address/],
    ['host:', /bad address/],
    [':2181', /bad address/],
    ['[::1', /unclosed "\["/],
    ['/chroot', /no server/],
    ['h:1/bad/', /invalid chroot "\/bad\/"/],
  ])('refuses %j', (input, message) => {
    expect(() => parseConnectString(input)).toThrow(message);
  });
});

describe('chroot paths', () => {
  it('adds and strips the chroot', () => {
    expect(addChroot('/app', '/')).toBe('/app');
    expect(addChroot('/app', '/x')).toBe('/app/x');
    expect(addChroot(undefined, '/x')).toBe('/x');
    expect(stripChroot('/app', '/app')).toBe('/');
    expect(stripChroot('/app', '/app/x')).toBe('/x');
    expect(stripChroot('/app', '/application')).toBe('/application');
  });
});
