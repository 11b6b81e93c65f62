import {
  CompressionType,
  ProtocolDecodeError,
  readControlRecord,
  validateRecordBatch,
} from '@samsa/protocol';
import { describe, expect, it } from 'vitest';
import { buildBatch, readBatchHeaders, readRecords, transactionMarker } from '../src/record-batches.js';

describe('buildBatch and readRecords', () => {
  it('round-trip keys, null values, timestamps and headers from the base offset', () => {
    const batch = buildBatch(
      [
        { key: 'a', value: 'one', timestamp: 1000, headers: [{ key: 'h', value: 'x' }] },
        { value: null },
        { key: Buffer.from('c'), value: 'three', headers: { h: ['y', 'z'] } },
      ],
      { baseOffset: 40, timestamp: 2000, partitionLeaderEpoch: 3 },
    );
    expect(readRecords(batch)).toEqual([
      {
        offset: 40,
        timestamp: 1000,
        key: 'a',
        value: 'one',
        headers: [{ key: 'h', value: 'x' }],
        leaderEpoch: 3,
      },
      { offset: 41, timestamp: 2000, key: null, value: null, headers: [], leaderEpoch: 3 },
      {
        offset: 42,
        timestamp: 2000,
        key: 'c',
        value: 'three',
        headers: [
          { key: 'h', value: 'y' },
          { key: 'h', value: 'z' },
        ],
        leaderEpoch: 3,
      },
    ]);
  });

  it('compresses, and writes the producer fields', () => {
    const batch = buildBatch(
      Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: `value ${i}` })),
      {
        compression: CompressionType.GZIP,
        producerId: 7,
        producerEpoch: 1,
        baseSequence: 10,
        transactional: true,
      },
    );
    expect(readRecords(batch).map((r) => r.value)).toEqual(
      Array.from({ length: 20 }, (_, i) => `value ${i}`),
    );
    expect(readBatchHeaders(batch)).toMatchObject([
      {
        compression: CompressionType.GZIP,
        producerId: 7n,
        producerEpoch: 1,
        baseSequence: 10,
        recordsCount: 20,
      },
    ]);
    expect(readBatchHeaders(batch)[0].isTransactional).toBe(true);
    expect(() => validateRecordBatch(batch)).not.toThrow();
  });

  it('writes a wrong LastOffsetDelta with a matching CRC when asked (a malformed batch)', () => {
    const batch = buildBatch([{ key: 'a', value: 'b' }], { lastOffsetDelta: 3 });
    expect(readBatchHeaders(batch)[0].lastOffsetDelta).toBe(3);
    expect(() => validateRecordBatch(batch)).toThrow(ProtocolDecodeError);
  });

  it('reads several batches, ignoring a final one cut off at the fetch limit', () => {
    const first = buildBatch([{ value: 'a' }, { value: 'b' }], { baseOffset: 0 });
    const second = buildBatch([{ value: 'c' }], { baseOffset: 2 });
    const cut = buildBatch([{ value: 'd' }], { baseOffset: 3 });
    const data = Buffer.concat([first, second, cut.subarray(0, cut.length - 1)]);
    expect(readRecords(data).map((r) => [r.offset, r.value])).toEqual([
      [0, 'a'],
      [1, 'b'],
      [2, 'c'],
    ]);
    expect(readRecords([first, second]).map((r) => r.offset)).toEqual([0, 1, 2]);
    expect(readRecords(null)).toEqual([]);
  });

  it('builds transaction markers', () => {
    const marker = transactionMarker('ABORT', 42, { baseOffset: 9 });
    expect(readBatchHeaders(marker)[0]).toMatchObject({ isControl: true, producerId: 42n, baseOffset: 9n });
    expect(readControlRecord(marker).type).toBe('ABORT');
  });
});
