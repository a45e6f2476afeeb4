import { describe, expect, it } from 'vitest';
import {
  formatSequence,
  InvalidPathError,
  joinPath,
  nodeName,
  parentPath,
  parseSequence,
  pathError,
  validatePath,
} from '../src/index.js';

describe('validatePath follows ZooKeeper PathUtils', () => {
  it.each(['/', '/a', '/a/b', '/zookeeper', '/a.b', '/...', '/a/..b', '/ü/日本', '/a b'])('accepts %j', (p) => {
    expect(pathError(p)).toBeUndefined();
  });

  it.each([
    ['', 'Path length must be > 0'],
    ['a', 'Path must start with / character'],
    ['/a/', 'Path must not end with / character'],
    ['/a//b', 'Invalid path string "/a//b" caused by empty node name specified @3'],
    ['/a/./b', 'Invalid path string "/a/./b" caused by relative paths not allowed @3'],
    ['/a/..', 'Invalid path string "/a/.." caused by relative paths not allowed @4'],
    ['/.', 'Invalid path string "/." caused by relative paths not allowed @1'],
    ['/a\u0000b', 'Invalid path string "/a\u0000b" caused by null character not allowed @2'],
    ['/a\u0001', 'Invalid path string "/a\u0001" caused by invalid character @2'],
    ['/a\u007f', 'Invalid path string "/a\u007f" caused by invalid character @2'],
    ['/a\u009f', 'Invalid path string "/a\u009f" caused by invalid character @2'],
    ['/\ud83d\ude00', 'Invalid path string "/\ud83d\ude00" caused by invalid character @1'],
    ['/\uf8ff', 'Invalid path string "/\uf8ff" caused by invalid character @1'],
    ['/\ufff0', 'Invalid path string "/\ufff0" caused by invalid character @1'],
  ])('refuses %j', (p, reason) => {
    expect(pathError(p)).toBe(reason);
    expect(() => validatePath(p)).toThrow(InvalidPathError);
  });

  it('allows a trailing slash for sequential creates (the server appends the counter)', () => {
    expect(pathError('/q/', true)).toBeUndefined();
    expect(pathError('/q/', false)).toBe('Path must not end with / character');
    expect(pathError('/q//', true)).toMatch(/empty node name/);
  });

  it('carries the refused path on the error', () => {
    try {
      validatePath('x');
    } catch (e) {
      expect(e).toBeInstanceOf(TypeError);
      expect((e as InvalidPathError).path).toBe('x');
    }
  });
});

describe('sequential suffixes', () => {
  it('formats as Java %010d', () => {
    expect(formatSequence(0)).toBe('0000000000');
    expect(formatSequence(42)).toBe('0000000042');
    expect(formatSequence(2147483647)).toBe('2147483647');
  });

  it('keeps the sign inside the width after the counter wraps past 2^31 - 1', () => {
    expect(formatSequence(-2147483648)).toBe('-2147483648');
    expect(formatSequence(-5)).toBe('-000000005');
  });

  it('refuses a counter that is not a 32-bit integer', () => {
    expect(() => formatSequence(2 ** 31)).toThrow(RangeError);
    expect(() => formatSequence(1.5)).toThrow(RangeError);
  });

  it('parses what it formats', () => {
    for (const n of [0, 1, 42, 2147483647, -1, -5, -2147483648]) {
      expect(parseSequence(`lock-${formatSequence(n)}`)).toEqual({ prefix: 'lock-', sequence: n });
    }
    expect(parseSequence('/locks/_c_1234-lock-0000000007')).toEqual({ prefix: '/locks/_c_1234-lock-', sequence: 7 });
  });

  it('reads the last 10 characters first, as Curator does, when a name could end either way', () => {
    // "x-1000000000" is both x- + 1000000000 and x + -1000000000; ZooKeeper-side names are ambiguous here too.
    expect(parseSequence('x-1000000000')).toEqual({ prefix: 'x-', sequence: 1000000000 });
  });

  it('rejects names without a valid suffix', () => {
    expect(parseSequence('lock-12')).toBeUndefined();
    expect(parseSequence('lock-00000000x1')).toBeUndefined();
    expect(parseSequence('4294967295')).toBeUndefined();
  });
});

describe('path helpers', () => {
  it('splits and joins', () => {
    expect(parentPath('/a/b')).toBe('/a');
    expect(parentPath('/a')).toBe('/');
    expect(nodeName('/a/b')).toBe('b');
    expect(joinPath('/', 'a')).toBe('/a');
    expect(joinPath('/a', 'b')).toBe('/a/b');
  });
});
