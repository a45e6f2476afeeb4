import { ErrorCode } from '@zookit/protocol';
import { describe, expect, it } from 'vitest';
import {
  ConnectionLossError,
  createZooKeeperError,
  isRetryable,
  MarshallingError,
  NoNodeError,
  SessionExpiredError,
  ZooKeeperError,
} from '../src/errors.js';

describe('ZooKeeper errors', () => {
  it('has a subclass for every known code except Ok', () => {
    for (const [name, code] of Object.entries(ErrorCode)) {
      if (code === 0) continue;
      const err = createZooKeeperError(code, { path: '/p' });
      expect(err).toBeInstanceOf(ZooKeeperError);
      expect(err.code).toBe(code);
      expect(err.codeName).toBe(name);
      expect(err.name).toBe(name.endsWith('Error') ? name : `${name}Error`);
      expect(err.constructor).not.toBe(ZooKeeperError);
    }
  });

  it('names the code and path in the message and chains the cause', () => {
    const cause = new Error('socket');
    const err = new NoNodeError({ path: '/a', cause });
    expect(err.message).toBe('NoNode (-101) for /a');
    expect(err.cause).toBe(cause);
    expect(new MarshallingError().name).toBe('MarshallingError');
  });

  it('turns an unknown code into a generic ZooKeeperError instead of crashing', () => {
    const err = createZooKeeperError(-999);
    expect(err.constructor).toBe(ZooKeeperError);
    expect(err.codeName).toBe('Unknown');
    expect(err.message).toBe('unknown ZooKeeper error code -999');
  });

  it('retries connection problems but not session expiry or API errors', () => {
    expect(isRetryable(new ConnectionLossError())).toBe(true);
    expect(isRetryable(createZooKeeperError(ErrorCode.OperationTimeout))).toBe(true);
    expect(isRetryable(createZooKeeperError(ErrorCode.SessionMoved))).toBe(true);
    expect(isRetryable(new SessionExpiredError())).toBe(false);
    expect(isRetryable(new NoNodeError())).toBe(false);
    expect(isRetryable(new Error('x'))).toBe(false);
  });
});
