/**
 * The SQL form of a fenced write: update the row only if its stored fence is not newer than our
 * token, storing the token in the same statement. Zero rows updated means a newer holder wrote
 * first (throw FencedOutError). Parameters are positional (`$1`…, PostgreSQL style).
 *
 * ```ts
 * const { text, values } = fencedUpdate('orders', { status: 'paid' }, { id: 42 }, lease.token);
 * const { rowCount } = await pg.query(text, values);
 * if (rowCount === 0) throw new FencedOutError('orders/42', lease.token, -1n);
 * ```
 * Identifiers are quoted; values are always parameters. The token is sent as a decimal string
 * (bigint is not JSON-safe and exceeds 2^53); the `fence` column should be NUMERIC or BIGINT.
 */
export function fencedUpdate(
  table: string,
  set: Readonly<Record<string, unknown>>,
  where: Readonly<Record<string, unknown>>,
  token: bigint,
  fenceColumn = 'fence',
): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const param = (v: unknown) => {
    values.push(v);
    return `$${values.length}`;
  };
  const setCols = Object.entries(set).map(([k, v]) => `${ident(k)} = ${param(v)}`);
  if (setCols.length === 0) throw new TypeError('set: expected at least one column');
  const tokenParam = param(token.toString());
  setCols.push(`${ident(fenceColumn)} = ${tokenParam}`);
  const conds = Object.entries(where).map(([k, v]) => `${ident(k)} = ${param(v)}`);
  conds.push(`${ident(fenceColumn)} <= ${tokenParam}`);
  return { text: `UPDATE ${ident(table)} SET ${setCols.join(', ')} WHERE ${conds.join(' AND ')}`, values };
}

function ident(name: string): string {
  if (typeof name !== 'string' || name === '') throw new TypeError('identifier: expected a non-empty string');
  return `"${name.replaceAll('"', '""')}"`;
}
