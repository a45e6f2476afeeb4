// Argument checks shared by the retry policies. Internal: not part of the package's surface.

/**
 * Throws a RangeError naming `name` unless `value` is a number of milliseconds ≥ 0 (> 0 with
 * `positive`). `Infinity` passes only with `allowInfinity`; NaN never does.
 */
export function checkDuration(
  name: string,
  value: number,
  { allowInfinity = false, positive = false }: { allowInfinity?: boolean; positive?: boolean } = {},
): void {
  const ok =
    typeof value === 'number' &&
    !Number.isNaN(value) &&
    (allowInfinity || Number.isFinite(value)) &&
    (positive ? value > 0 : value >= 0);
  if (!ok) {
    const what = `${positive ? 'a positive' : 'a non-negative'} ${allowInfinity ? 'number (or Infinity)' : 'finite number'}`;
    throw new RangeError(`${name} must be ${what} of milliseconds, got ${String(value)}`);
  }
}

/** Throws a RangeError naming `name` unless `value` is a non-negative safe integer. */
export function checkCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${String(value)}`);
  }
}
