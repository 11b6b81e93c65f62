import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CompressionType, compressionReady } from '../../src/compression/index.js';
import { SamsaError } from '../../src/errors/index.js';
import {
  decodeRecords,
  iterateRecords,
  patchBaseOffset,
  patchPartitionLeaderEpoch,
  RECORD_BATCH_OVERHEAD,
  RecordBatchBuilder,
  type RecordInput,
  readBaseOffset,
  readBatchHeader,
  readBatchSize,
  readLastOffset,
  readPartitionLeaderEpoch,
  readRecordsCount,
  stampLogAppendTime,
  TimestampType,
  validateRecordBatch,
} from '../../src/records/index.js';
import { recordInputs, toBuffer } from './arbitraries.js';

const ALL_CODECS = [
  CompressionType.None,
  CompressionType.GZIP,
  CompressionType.Snappy,
  CompressionType.LZ4,
  CompressionType.ZSTD,
];

function build(records: RecordInput[], compression = CompressionType.None): Buffer {
  const builder = new RecordBatchBuilder({ compression });
  for (const record of records) builder.append(record);
  return builder.build();
}

function expected(records: RecordInput[]) {
  return records.map((r, i) => ({
    offset: BigInt(i),
    timestamp: r.timestamp,
    key: toBuffer(r.key),
    value: toBuffer(r.value),
    headers: ((r.headers ?? []) as Array<{ key: string; value: Buffer | string | null }>).map((h) => ({
      key: h.key,
      value: toBuffer(h.value),
    })),
    attributes: 0,
  }));
}

describe('RecordBatchBuilder + decodeRecords', () => {
  it.each(ALL_CODECS)('round-trips random records with codec %i', async (compression) => {
    await compressionReady();
    fc.assert(
      fc.property(recordInputs, (records) => {
        const batch = build(records, compression);
        expect(decodeRecords(batch)).toEqual(expected(records));
        expect([...iterateRecords(batch)]).toEqual(expected(records));
        expect(validateRecordBatch(batch).recordsCount).toBe(records.length);
      }),
      { numRuns: 60 },
    );
  });

  it('writes the header fields Kafka expects', () => {
    const builder = new RecordBatchBuilder({
      compression: CompressionType.LZ4,
      producerId: 42n,
      producerEpoch: 3,
      baseSequence: 17,
      transactional: true,
    });
    builder.append({ value: 'a', timestamp: 1_000 });
    builder.append({ value: 'b', timestamp: 3_000 });
    builder.append({ value: 'c', timestamp: 2_000 });
    const batch = builder.build();
    expect(readBatchSize(batch)).toBe(batch.length);
    expect(readBatchHeader(batch)).toMatchObject({
      baseOffset: 0n,
      batchLength: batch.length - 12,
      partitionLeaderEpoch: -1,
      magic: 2,
      attributes: CompressionType.LZ4 | 0x10,
      lastOffsetDelta: 2,
      baseTimestamp: 1_000,
      maxTimestamp: 3_000,
      producerId: 42n,
      producerEpoch: 3,
      baseSequence: 17,
      recordsCount: 3,
      compression: CompressionType.LZ4,
      isTransactional: true,
      isControl: false,
    });
  });

  it('uses -1 producer fields without idempotence, and setProducerState sets them later', () => {
    const plain = new RecordBatchBuilder();
    plain.append({ value: 'x', timestamp: 5 });
    expect(readBatchHeader(plain.build())).toMatchObject({
      producerId: -1n,
      producerEpoch: -1,
      baseSequence: -1,
    });
    const idempotent = new RecordBatchBuilder();
    idempotent.append({ value: 'x', timestamp: 5 });
    idempotent.setProducerState(7n, 1, 100);
    const batch = idempotent.build();
    expect(readBatchHeader(batch)).toMatchObject({ producerId: 7n, producerEpoch: 1, baseSequence: 100 });
    expect(validateRecordBatch(batch).crc).toBe(readBatchHeader(batch).crc);
  });

  it('accepts KafkaJS-style header objects, repeating array values', () => {
    const batch = build([
      { value: 'v', timestamp: 1, headers: { a: 'x', b: ['1', Buffer.from('2')], c: undefined } },
    ]);
    expect(decodeRecords(batch)[0].headers).toEqual([
      { key: 'a', value: Buffer.from('x') },
      { key: 'b', value: Buffer.from('1') },
      { key: 'b', value: Buffer.from('2') },
    ]);
  });

  it('defaults the timestamp to now and the key to null', () => {
    const before = Date.now();
    const [record] = decodeRecords(build([{ value: 'v' }]));
    expect(record.key).toBeNull();
    expect(record.timestamp).toBeGreaterThanOrEqual(before);
    expect(record.timestamp).toBeLessThanOrEqual(Date.now());
  });

  it('returns zero-copy views for uncompressed batches', () => {
    const batch = build([{ key: 'key', value: 'value', timestamp: 1 }]);
    const [record] = decodeRecords(batch);
    expect(record.value?.buffer).toBe(batch.buffer);
  });

  it('refuses records past maxBatchBytes, but always takes the first', () => {
    const builder = new RecordBatchBuilder({ maxBatchBytes: 1000 });
    const value = Buffer.alloc(400);
    expect(builder.tryAppend({ value: Buffer.alloc(5000), timestamp: 1 })).toBe(true);
    expect(builder.tryAppend({ value, timestamp: 1 })).toBe(false);
    expect(builder.recordCount).toBe(1);

    const small = new RecordBatchBuilder({ maxBatchBytes: 1000 });
    expect(small.tryAppend({ value, timestamp: 1 })).toBe(true);
    expect(small.tryAppend({ value, timestamp: 1 })).toBe(true);
    expect(small.tryAppend({ value, timestamp: 1 })).toBe(false);
    const batch = small.build();
    expect(batch.length).toBeLessThanOrEqual(1000);
    expect(small.estimatedSizeInBytes).toBe(batch.length);
  });

  it('estimates compressed batches with the expected ratio and reports the real one', () => {
    const builder = new RecordBatchBuilder({
      compression: CompressionType.GZIP,
      maxBatchBytes: 10_000,
      estimatedCompressionRatio: 0.1,
    });
    let appended = 0;
    while (builder.tryAppend({ value: Buffer.alloc(1000, 'a'), timestamp: 1 })) appended++;
    expect(appended).toBeGreaterThan(50);
    const batch = builder.build();
    expect(batch.length).toBeLessThan(10_000);
    expect(builder.actualCompressionRatio).toBeLessThan(0.1);
  });

  it('grows its buffer for large records', () => {
    const value = Buffer.alloc(100_000, 1);
    const batch = build([{ value, timestamp: 1 }], CompressionType.None);
    expect(decodeRecords(batch)[0].value?.equals(value)).toBe(true);
  });

  it('writes into a buffer it is given, and moves to a new one when records outgrow it', () => {
    const given = Buffer.alloc(16 * 1024, 0xee);
    const builder = new RecordBatchBuilder({ buffer: given });
    builder.append({ value: 'a', timestamp: 1 });
    const batch = builder.build();
    expect(builder.backingBuffer).toBe(given);
    expect(batch.buffer).toBe(given.buffer);
    expect(decodeRecords(batch)[0].value?.toString()).toBe('a');

    const small = new RecordBatchBuilder({ buffer: Buffer.alloc(16 * 1024) });
    const value = Buffer.alloc(50_000, 2);
    small.append({ value, timestamp: 1 });
    expect(small.backingBuffer.length).toBeGreaterThan(16 * 1024);
    expect(decodeRecords(small.build())[0].value?.equals(value)).toBe(true);
  });

  it('buildAsync produces the same records', async () => {
    for (const compression of ALL_CODECS) {
      const builder = new RecordBatchBuilder({ compression });
      const value = Buffer.alloc(300_000, 'x');
      builder.append({ value, timestamp: 9 });
      const batch = await builder.buildAsync();
      expect(decodeRecords(batch)[0].value?.equals(value)).toBe(true);
    }
  });

  it('refuses to build twice, to build empty, or to append after building', () => {
    expect(() => new RecordBatchBuilder().build()).toThrow(SamsaError);
    const builder = new RecordBatchBuilder();
    builder.append({ value: 'x', timestamp: 1 });
    builder.build();
    expect(() => builder.build()).toThrow(/already built/);
    expect(() => builder.append({ value: 'y' })).toThrow(/already built/);
  });

  it('reports the batch maxTimestamp for LogAppendTime batches', () => {
    const builder = new RecordBatchBuilder({ timestampType: TimestampType.LogAppendTime, logAppendTime: 77 });
    builder.append({ value: 'x', timestamp: 1 });
    builder.append({ value: 'y', timestamp: 2 });
    const records = decodeRecords(builder.build());
    expect(records.map((r) => r.timestamp)).toEqual([77, 77]);
  });
});

describe('in-place header edits', () => {
  it('patches base offset and leader epoch without invalidating the CRC', () => {
    const batch = build(
      [
        { value: 'a', timestamp: 1 },
        { value: 'b', timestamp: 2 },
      ],
      CompressionType.Snappy,
    );
    patchBaseOffset(batch, 0, 1_000_000_000_000n);
    patchPartitionLeaderEpoch(batch, 0, 12);
    expect(validateRecordBatch(batch)).toMatchObject({
      baseOffset: 1_000_000_000_000n,
      partitionLeaderEpoch: 12,
    });
    expect(readBaseOffset(batch)).toBe(1_000_000_000_000n);
    expect(readPartitionLeaderEpoch(batch)).toBe(12);
    expect(readLastOffset(batch)).toBe(1_000_000_000_001n);
    expect(readRecordsCount(batch)).toBe(2);
    expect(decodeRecords(batch).map((r) => r.offset)).toEqual([1_000_000_000_000n, 1_000_000_000_001n]);
  });

  it('stamps LogAppendTime and rewrites the CRC', () => {
    const batch = build([{ value: 'a', timestamp: 1 }]);
    stampLogAppendTime(batch, 0, 123_456);
    const header = validateRecordBatch(batch);
    expect(header.timestampType).toBe(TimestampType.LogAppendTime);
    expect(header.maxTimestamp).toBe(123_456);
    expect(decodeRecords(batch)[0].timestamp).toBe(123_456);
  });

  it('works on a batch in the middle of a larger buffer', () => {
    const batch = build([{ value: 'a', timestamp: 1 }]);
    const log = Buffer.concat([Buffer.alloc(10), batch]);
    patchBaseOffset(log, 10, 5n);
    expect(readBaseOffset(log, 10)).toBe(5n);
    expect(readBatchHeader(log, 10).recordsCount).toBe(1);
    expect(log.length - 10 - RECORD_BATCH_OVERHEAD).toBeGreaterThan(0);
  });
});
