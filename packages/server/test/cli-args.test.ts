import { describe, expect, it } from 'vitest';
import { parseCliArgs, UsageError } from '../src/cli-args.js';

describe('zookit-server command line', () => {
  it('leaves maxClientCnxns to the server’s default (60) when --max-client-cnxns is absent', () => {
    expect(parseCliArgs([])).toMatchObject({ maxClientCnxns: undefined });
  });

  it.each([
    [['--max-client-cnxns', '0'], 0],
    [['--max-client-cnxns=100'], 100],
    [['--max-client-cnxns', '2147483647'], 2147483647],
  ])('--max-client-cnxns: %j gives %d', (argv, expected) => {
    expect(parseCliArgs(argv)).toMatchObject({ maxClientCnxns: expected });
  });

  it.each([
    [['--max-client-cnxns'], '--max-client-cnxns: missing value'],
    [['--max-client-cnxns', '--port', '1'], '--max-client-cnxns: missing value'],
    [['--max-client-cnxns', '-1'], '--max-client-cnxns: expected an integer from 0 to 2147483647, got "-1"'],
    [['--max-client-cnxns=1.5'], '--max-client-cnxns: expected an integer from 0 to 2147483647, got "1.5"'],
    [['--max-client-cnxns', 'many'], '--max-client-cnxns: expected an integer from 0 to 2147483647, got "many"'],
    [
      ['--max-client-cnxns=2147483648'],
      '--max-client-cnxns: expected an integer from 0 to 2147483647, got "2147483648"',
    ],
    [['--max-client-cnxns='], '--max-client-cnxns: expected an integer from 0 to 2147483647, got ""'],
  ])('refuses %j: %s', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(new UsageError(message));
  });
});
