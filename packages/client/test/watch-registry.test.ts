import { describe, expect, it } from 'vitest';
import type { WatchEvent } from '../src/watches/watch-event.js';
import { deliver, WatchRegistry } from '../src/watches/watch-registry.js';

const noop = (_e: WatchEvent) => {};

describe('WatchRegistry decides who an event reaches, as ZooKeeper clients do', () => {
  it('fires and removes data and exist watches on data change, keeping child watches', () => {
    const r = new WatchRegistry();
    const a = (_e: WatchEvent) => {};
    const b = (_e: WatchEvent) => {};
    const c = (_e: WatchEvent) => {};
    r.add('data', '/p', a);
    r.add('exist', '/p', b);
    r.add('child', '/p', c);
    expect(r.materialize('NodeDataChanged', '/p')).toEqual([a, b]);
    expect(r.materialize('NodeDataChanged', '/p')).toEqual([]);
    expect(r.size).toBe(1);
  });

  it('fires child watches on NodeChildrenChanged only', () => {
    const r = new WatchRegistry();
    r.add('child', '/p', noop);
    expect(r.materialize('NodeCreated', '/p')).toEqual([]);
    expect(r.materialize('NodeChildrenChanged', '/p')).toEqual([noop]);
  });

  it('fires every one-shot kind on NodeDeleted', () => {
    const r = new WatchRegistry();
    r.add('data', '/p', noop);
    r.add('child', '/p', noop);
    expect(r.materialize('NodeDeleted', '/p')).toEqual([noop]);
    expect(r.size).toBe(0);
  });

  it('keeps persistent watches after firing, for every event type on their path', () => {
    const r = new WatchRegistry();
    r.add('persistent', '/p', noop);
    expect(r.materialize('NodeChildrenChanged', '/p')).toEqual([noop]);
    expect(r.materialize('NodeDataChanged', '/p')).toEqual([noop]);
    expect(r.materialize('NodeDataChanged', '/p/child')).toEqual([]);
    expect(r.size).toBe(1);
  });

  it('matches recursive watches on descendants, never for NodeChildrenChanged', () => {
    const r = new WatchRegistry();
    r.add('persistentRecursive', '/', noop);
    expect(r.materialize('NodeCreated', '/a/b/c')).toEqual([noop]);
    expect(r.materialize('NodeChildrenChanged', '/a')).toEqual([]);
  });

  it('fires a watcher registered several ways once per event', () => {
    const r = new WatchRegistry();
    r.add('data', '/p', noop);
    r.add('persistent', '/p', noop);
    r.add('persistentRecursive', '/', noop);
    expect(r.materialize('NodeDataChanged', '/p')).toEqual([noop]);
  });

  it('drains every registration by path, each watcher once', () => {
    const r = new WatchRegistry();
    r.add('data', '/a', noop);
    r.add('exist', '/a', noop);
    r.add('child', '/b', noop);
    expect([...r.drainByPath()]).toEqual([
      ['/a', [noop]],
      ['/b', [noop]],
    ]);
    expect(r.size).toBe(0);
  });

  it('removes one watcher or all of a kind', () => {
    const r = new WatchRegistry();
    const other = (_e: WatchEvent) => {};
    r.add('data', '/p', noop);
    r.add('data', '/p', other);
    expect(r.remove('data', '/p', noop)).toEqual([noop]);
    expect(r.has('data', '/p', other)).toBe(true);
    expect(r.remove('data', '/p')).toEqual([other]);
    expect(r.paths('data')).toEqual([]);
  });

  it('delivers to every watcher even when one throws', () => {
    const errors: unknown[] = [];
    const seen: string[] = [];
    deliver(
      [
        () => {
          throw new Error('boom');
        },
        (e) => seen.push(e.type),
      ],
      { type: 'NodeCreated', path: '/x' },
      (err) => errors.push(err),
    );
    expect(seen).toEqual(['NodeCreated']);
    expect(errors).toHaveLength(1);
  });
});
