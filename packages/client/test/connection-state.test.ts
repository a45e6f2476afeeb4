import { describe, expect, it } from 'vitest';
import { type ConnectionStateEvent, StateEmitter } from '../src/connection-state.js';

const event = (state: ConnectionStateEvent['state']): ConnectionStateEvent => ({
  state,
  sessionId: 1n,
  newSession: false,
});

describe('StateEmitter', () => {
  it('delivers in order even when a listener raises an event', () => {
    const e = new StateEmitter(() => {});
    const log: string[] = [];
    e.on((ev) => {
      log.push(`a:${ev.state}`);
      if (ev.state === 'suspended') e.emit(event('lost'));
    });
    e.on((ev) => log.push(`b:${ev.state}`));
    e.emit(event('suspended'));
    expect(log).toEqual(['a:suspended', 'b:suspended', 'a:lost', 'b:lost']);
  });

  it('reports a throwing listener and keeps delivering', () => {
    const errors: unknown[] = [];
    const e = new StateEmitter((err) => errors.push(err));
    const seen: string[] = [];
    e.on(() => {
      throw new Error('x');
    });
    e.on((ev) => seen.push(ev.state));
    e.emit(event('connected'));
    expect(seen).toEqual(['connected']);
    expect(errors).toHaveLength(1);
  });

  it('unsubscribes', () => {
    const e = new StateEmitter(() => {});
    const seen: string[] = [];
    const off = e.on((ev) => seen.push(ev.state));
    off();
    e.emit(event('connected'));
    expect(seen).toEqual([]);
    expect(e.listenerCount).toBe(0);
  });

  it('iterates buffered events and ends after closed, removing its listener', async () => {
    const e = new StateEmitter(() => {});
    const it = e.iterate();
    e.emit(event('connected'));
    e.emit(event('suspended'));
    e.emit(event('closed'));
    const seen: string[] = [];
    for await (const ev of it) seen.push(ev.state);
    expect(seen).toEqual(['connected', 'suspended', 'closed']);
    expect(e.listenerCount).toBe(0);
  });

  it('rejects a waiting iterator with the signal reason', async () => {
    const e = new StateEmitter(() => {});
    const ac = new AbortController();
    const it = e.iterate(ac.signal);
    const next = it.next();
    ac.abort(new Error('stop'));
    await expect(next).rejects.toThrow('stop');
    expect(e.listenerCount).toBe(0);
  });
});
