import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CompressionType } from '../../src/compression/index.js';
import {
  decodeRecords,
  RecordBatchBuilder,
  type RecordInput,
  validateRecordBatch,
} from '../../src/records/index.js';
import { bytes, recordInputs, toBuffer, unicodeString } from '../records/arbitraries.js';
import { kafkajsDecode, kafkajsLong, kafkajsRecord, kafkajsRecordBatch } from '../records/kafkajs-codecs.js';

describe('our batches decode with KafkaJS', () => {
  it.each([
    CompressionType.None,
    CompressionType.GZIP,
    CompressionType.Snappy,
    CompressionType.LZ4,
    CompressionType.ZSTD,
  ])('codec %i', async (compression) => {
    await fc.assert(
      fc.asyncProperty(recordInputs, async (records) => {
        const builder = new RecordBatchBuilder({ compression });
        for (const record of records) builder.append(record);
        const decoded = await kafkajsDecode(builder.build());
        expect(decoded.records.map((r) => [r.offset, r.timestamp, r.key, r.value])).toEqual(
          records.map((r, i) => [String(i), String(r.timestamp), toBuffer(r.key), toBuffer(r.value)]),
        );
        decoded.records.forEach((record, i) => {
          const sent = (records[i].headers ?? []) as Array<{ key: string; value: Buffer | string | null }>;
          // KafkaJS folds headers into an object, so compare per key.
          for (const header of sent) expect(record.headers).toHaveProperty([header.key]);
        });
      }),
      { numRuns: 40 },
    );
  });
});

describe('KafkaJS batches decode with ours', () => {
  const kafkajsInput = fc.array(
    fc.record({
      key: fc.option(bytes(100), { nil: null }),
      value: fc.option(bytes(400), { nil: null }),
      headers: fc.dictionary(unicodeString(8), unicodeString(16), { maxKeys: 3 }),
      timestampDelta: fc.integer({ min: -1000, max: 100_000 }),
    }),
    { minLength: 1, maxLength: 20 },
  );

  it.each([CompressionType.None, CompressionType.GZIP, CompressionType.Snappy, CompressionType.LZ4])(
    'codec %i',
    async (compression) => {
      await fc.assert(
        fc.asyncProperty(kafkajsInput, fc.integer({ min: 0, max: 2 ** 40 }), async (inputs, firstOffset) => {
          const firstTimestamp = 1_700_000_000_000;
          const encoded = await kafkajsRecordBatch({
            compression,
            firstOffset: kafkajsLong.fromValue(firstOffset),
            firstTimestamp,
            maxTimestamp: firstTimestamp + Math.max(...inputs.map((r) => r.timestampDelta)),
            lastOffsetDelta: inputs.length - 1,
            records: inputs.map((r, i) => kafkajsRecord({ ...r, offsetDelta: i })),
          });
          const batch = encoded.buffer;
          validateRecordBatch(batch);
          const records = decodeRecords(batch);
          expect(records.map((r) => [r.offset, r.timestamp, r.key, r.value])).toEqual(
            inputs.map((r, i) => [
              BigInt(firstOffset + i),
              firstTimestamp + r.timestampDelta,
              r.key,
              r.value,
            ]),
          );
          records.forEach((record, i) => {
            expect(record.headers).toEqual(
              Object.entries(inputs[i].headers).map(([key, value]) => ({ key, value: Buffer.from(value) })),
            );
          });
        }),
        { numRuns: 40 },
      );
    },
  );

  it('a known KafkaJS batch matches ours byte for byte (uncompressed)', async () => {
    const records: RecordInput[] = [
      {
        key: Buffer.from('key-1'),
        value: Buffer.from('value-1'),
        headers: [{ key: 'h', value: 'v' }],
        timestamp: 1_600_000_000_000,
      },
      { key: null, value: Buffer.from('value-2'), headers: [], timestamp: 1_600_000_000_007 },
    ];
    const theirs = await kafkajsRecordBatch({
      firstOffset: kafkajsLong.fromInt(0),
      firstTimestamp: 1_600_000_000_000,
      maxTimestamp: 1_600_000_000_007,
      lastOffsetDelta: 1,
      partitionLeaderEpoch: -1,
      producerId: kafkajsLong.fromValue(-1),
      producerEpoch: -1,
      firstSequence: -1,
      records: [
        kafkajsRecord({
          offsetDelta: 0,
          timestampDelta: 0,
          key: Buffer.from('key-1'),
          value: Buffer.from('value-1'),
          headers: { h: 'v' },
        }),
        kafkajsRecord({ offsetDelta: 1, timestampDelta: 7, key: null, value: Buffer.from('value-2') }),
      ],
    });
    const builder = new RecordBatchBuilder();
    for (const record of records) builder.append(record);
    expect(builder.build().toString('hex')).toBe(theirs.buffer.toString('hex'));
  });
});
