import { describe, expect, it } from 'vitest';
import { decodeRecords, iterateRecords, RecordBatchBuilder } from '../../src/records/index.js';

function batch(baseOffset: bigint, count: number): Buffer {
  const builder = new RecordBatchBuilder({ baseOffset });
  for (let i = 0; i < count; i++) builder.append({ value: `v${i}`, timestamp: 1 });
  return builder.build();
}

describe('record offsets', () => {
  // Small offsets take the number path; from 2^53 - 2^31 on, offsets stay exact through bigints.
  for (const base of [0n, 123_456_789n, 2n ** 53n - 2n ** 31n - 1n, 2n ** 53n - 3n, 2n ** 62n + 5n]) {
    it(`are exact from base offset ${base}`, () => {
      const expected = [base, base + 1n, base + 2n, base + 3n];
      expect(decodeRecords(batch(base, 4)).map((r) => r.offset)).toEqual(expected);
      const iterator = iterateRecords(batch(base, 4));
      const offsets: bigint[] = [];
      for (let r = iterator.nextRecord(); r !== null; r = iterator.nextRecord()) offsets.push(r.offset);
      expect(offsets).toEqual(expected);
      expect(iterator.nextRecord()).toBeNull();
    });
  }
});

describe('RecordIterator', () => {
  it('gives the same records through next() and nextRecord()', () => {
    const bytes = batch(40n, 3);
    const viaNext = [...iterateRecords(bytes)];
    const iterator = iterateRecords(bytes);
    const viaNextRecord = [iterator.nextRecord(), iterator.nextRecord(), iterator.nextRecord()];
    expect(viaNextRecord).toEqual(viaNext);
    expect(iterator.next()).toEqual({ done: true, value: undefined });
  });
});
