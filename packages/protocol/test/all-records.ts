// Every record codec the package exports, found from its public surface (not a hand list),
// so a record added later is covered by the property and fuzz tests automatically.

import type { Codec } from '../src/index.js';
import * as protocol from '../src/index.js';

export const allRecordCodecs: ReadonlyArray<[string, Codec<unknown>]> = Object.entries(
  protocol as Record<string, unknown>,
).filter((entry): entry is [string, Codec<unknown>] => {
  const v = entry[1] as { kind?: unknown; encode?: unknown } | null;
  return typeof v === 'object' && v !== null && (v.kind === 'record' || v.kind === 'multi') && 'encode' in v;
});
