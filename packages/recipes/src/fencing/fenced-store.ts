/** A write refused because a newer lock holder has already written (its token was higher). */
export class FencedOutError extends Error {
  override readonly name = 'FencedOutError';
  readonly token: bigint;
  readonly highest: bigint;

  constructor(key: string, token: bigint, highest: bigint) {
    super(`write to ${JSON.stringify(key)} with fencing token ${token} refused: token ${highest} already wrote`);
    this.token = token;
    this.highest = highest;
  }
}

/**
 * The resource side of fencing, in memory: a key-value store that accepts a write with token
 * `t` only if `t >= highest token seen for that key`, and records `t` in the same step. A
 * reference implementation for tests and for the rule every fenced resource must follow (a
 * read-then-write check outside one atomic step is not fencing).
 */
export class FencedStore<V> {
  readonly #values = new Map<string, { value: V; token: bigint }>();

  /** Writes `value` under `key` if `token` is not older than the newest accepted one; else throws FencedOutError. */
  write(key: string, value: V, token: bigint): void {
    if (typeof token !== 'bigint') throw new TypeError('token: expected a bigint (lease.token)');
    const current = this.#values.get(key);
    if (current && token < current.token) throw new FencedOutError(key, token, current.token);
    this.#values.set(key, { value, token });
  }

  read(key: string): V | undefined {
    return this.#values.get(key)?.value;
  }

  /** The highest token that wrote `key` (0n if none). */
  highestToken(key: string): bigint {
    return this.#values.get(key)?.token ?? 0n;
  }
}
