import { expect } from 'vitest';
import type { FuzzFixture } from './fuzz-fixture.js';
import { type FuzzSummary, formatSummary } from './fuzz-server.js';
import { SCRIPT_MIX, type ScriptKind } from './scripts.js';

/** The default mix plus a few frames of exactly jute.maxbuffer and one byte more. */
export const MIX: ReadonlyArray<readonly [number, ScriptKind]> = [...SCRIPT_MIX, [1, 'max-frame']];

/** What any fuzz run must show, whatever the seed: no exception, no violation, the healthy client served. */
export function expectClean(summary: FuzzSummary, f: FuzzFixture): void {
  const report = formatSummary(summary);
  expect
    .soft(
      summary.crashes.map((c) => c.error.split('\n')[0]),
      report,
    )
    .toEqual([]);
  expect
    .soft(
      summary.violations.map((v) => `${v.step}: expected ${v.expected}; observed ${v.observed}`),
      report,
    )
    .toEqual([]);
  expect.soft(f.healthy.failures).toEqual([]);
}
