import fc from 'fast-check';
import type { RecordInput } from '../../src/records/index.js';

/** Full Unicode (no lone surrogates, which UTF-8 cannot carry). */
export const unicodeString = (maxLength = 40) => fc.string({ unit: 'grapheme', maxLength });

export const bytes = (maxLength = 300) => fc.uint8Array({ maxLength }).map((a) => Buffer.from(a));

export const keyOrValue = fc.oneof(fc.constant(null), bytes(), unicodeString());

export const headers = fc.array(
  fc.record({ key: unicodeString(12), value: fc.oneof(fc.constant(null), bytes(40), unicodeString(20)) }),
  { maxLength: 4 },
);

/** Timestamps around now, including ones earlier than the first record's (negative deltas). */
export const recordInput: fc.Arbitrary<RecordInput> = fc.record({
  key: keyOrValue,
  value: keyOrValue,
  headers,
  timestamp: fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }),
});

export const recordInputs = fc.array(recordInput, { minLength: 1, maxLength: 25 });

export function toBuffer(value: Buffer | string | null | undefined): Buffer | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? Buffer.from(value) : value;
}
