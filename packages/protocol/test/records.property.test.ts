import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode, encode } from '../src/index.js';
import { allRecordCodecs } from './all-records.js';
import { arbitraryFor } from './arbitraries.js';

describe('every record: encode then decode gives the value back', () => {
  it('finds the records to test from the public exports', () => {
    // 53 jute classes + 2 multi bodies at the time of writing; a drop means an export went missing.
    expect(allRecordCodecs.length).toBeGreaterThanOrEqual(55);
  });

  for (const [name, codec] of allRecordCodecs) {
    it(`${name} round-trips`, () => {
      fc.assert(
        fc.property(arbitraryFor(codec), (value) => {
          const bytes = encode(codec, value);
          expect(decode(codec, bytes)).toEqual(value);
          // Encoding is a function of the value: re-encoding the decoded value gives the same bytes.
          expect(encode(codec, decode(codec, bytes)).equals(bytes)).toBe(true);
        }),
        { numRuns: 200 },
      );
    });
  }
});
