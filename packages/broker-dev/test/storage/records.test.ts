import { BatchField, COMPRESSION_CODEC_MASK, CompressionType } from '@samsa/protocol';
import { buildBatch } from '@samsa/test-support/record-batches';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { gzipOnlyCodecs } from '../../src/storage/compression.js';
import { DEFAULT_LOG_CONFIG, describeLogConfig, parseLogConfig } from '../../src/storage/log-config.js';
import { batchProblem, readInt64, writeInt64 } from '../../src/storage/record-batch.js';
import { decodeRecords, encodeBatch, readBatchHeader } from '../../src/storage/records.js';
import { crcIsValid } from './helpers.js';

describe('record batch header helpers', () => {
  test('int64 as number round-trips every safe integer, negative ones included', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => {
        const buf = Buffer.alloc(8);
        writeInt64(buf, 0, n);
        expect(buf.readBigInt64BE(0)).toBe(BigInt(n));
        expect(readInt64(buf, 0)).toBe(n);
      }),
    );
  });

  test('batchProblem finds truncation, bad magic and CRC mismatches', () => {
    const batch = buildBatch([{ key: 'a', value: 'b' }]);
    expect(batchProblem(batch, 0, batch.length, true)).toBeUndefined();
    expect(batchProblem(batch, 0, batch.length - 1, true)).toMatch(/truncated batch/);
    expect(batchProblem(batch, 0, 30, true)).toMatch(/header/);
    const badCrc = Buffer.from(batch);
    badCrc[batch.length - 1] ^= 0xff;
    expect(batchProblem(badCrc, 0, badCrc.length, true)).toMatch(/CRC32C/);
    expect(batchProblem(badCrc, 0, badCrc.length, false)).toBeUndefined();
    const badMagic = Buffer.from(batch);
    badMagic[16] = 1;
    expect(batchProblem(badMagic, 0, badMagic.length, false)).toMatch(/magic/);
  });
});

describe('record decoding and re-encoding', () => {
  test('decodes keys, null values, timestamps, offsets and headers', () => {
    const batch = buildBatch([
      { key: 'a', value: 'one', timestamp: 1000, headers: [{ key: 'h', value: 'x' }] },
      { key: null, value: null, timestamp: 1005 },
    ]);
    const records = decodeRecords(batch, gzipOnlyCodecs);
    expect(
      records.map((r) => [r.key?.toString() ?? null, r.value?.toString() ?? null, r.offset, r.timestamp]),
    ).toEqual([
      ['a', 'one', 0, 1000],
      [null, null, 1, 1005],
    ]);
  });

  test('encodeBatch(decodeRecords(b)) reproduces the original batch byte for byte', () => {
    const record = fc.record({
      key: fc.option(fc.string({ maxLength: 20 }), { nil: null }),
      value: fc.option(fc.string({ maxLength: 200 }), { nil: null }),
      timestamp: fc.integer({ min: 1_600_000_000_000, max: 1_800_000_000_000 }),
      headers: fc.array(fc.record({ key: fc.string({ maxLength: 5 }), value: fc.string({ maxLength: 5 }) }), {
        maxLength: 2,
      }),
    });
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 20 }), (records) => {
        const batch = buildBatch(records);
        const rebuilt = encodeBatch(
          readBatchHeader(batch),
          decodeRecords(batch, gzipOnlyCodecs),
          gzipOnlyCodecs,
        );
        expect(rebuilt.equals(batch)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  test('gzip batches decode and re-encode compressed', () => {
    const batch = buildBatch(
      Array.from({ length: 50 }, (_, i) => ({ key: `k${i % 5}`, value: `value-${i}` })),
      { compression: CompressionType.GZIP },
    );
    const records = decodeRecords(batch, gzipOnlyCodecs);
    expect(records).toHaveLength(50);
    expect(records[49].value?.toString()).toBe('value-49');
    const rebuilt = encodeBatch(readBatchHeader(batch), records.slice(40), gzipOnlyCodecs);
    expect(rebuilt.readInt16BE(BatchField.attributes) & COMPRESSION_CODEC_MASK).toBe(1);
    expect(crcIsValid(rebuilt)).toBe(true);
    expect(decodeRecords(rebuilt, gzipOnlyCodecs).map((r) => r.offset)).toEqual([
      40, 41, 42, 43, 44, 45, 46, 47, 48, 49,
    ]);
  });

  test('without a compressor rewritten batches are stored uncompressed', () => {
    const batch = buildBatch([{ key: 'a', value: 'b' }], { compression: CompressionType.GZIP });
    const records = decodeRecords(batch, gzipOnlyCodecs);
    const rebuilt = encodeBatch(readBatchHeader(batch), records, { decompress: gzipOnlyCodecs.decompress });
    expect(rebuilt.readInt16BE(BatchField.attributes) & COMPRESSION_CODEC_MASK).toBe(0);
    expect(decodeRecords(rebuilt, gzipOnlyCodecs)[0].value?.toString()).toBe('b');
  });
});

describe('log config', () => {
  test('parses Kafka topic configs and describes them back', () => {
    const config = parseLogConfig({
      'cleanup.policy': 'compact,delete',
      'retention.ms': '-1',
      'segment.bytes': '1048576',
      'message.timestamp.type': 'LogAppendTime',
      'compression.type': 'producer',
      'max.message.bytes': null,
    });
    expect(config.cleanupPolicy).toEqual({ compact: true, delete: true });
    expect(config.retentionMs).toBe(-1);
    expect(config.segmentBytes).toBe(1048576);
    expect(config.maxMessageBytes).toBe(DEFAULT_LOG_CONFIG.maxMessageBytes);
    expect(describeLogConfig(config)).toMatchObject({
      'cleanup.policy': 'compact,delete',
      'segment.bytes': '1048576',
    });
  });

  test('rejects invalid values naming the config', () => {
    expect(() => parseLogConfig({ 'retention.ms': 'soon' })).toThrow(/retention\.ms/);
    expect(() => parseLogConfig({ 'segment.bytes': '5' })).toThrow(/segment\.bytes/);
    expect(() => parseLogConfig({ 'cleanup.policy': 'shred' })).toThrow(/cleanup\.policy/);
    expect(() => parseLogConfig({ 'message.timestamp.type': 'Now' })).toThrow(/message\.timestamp\.type/);
  });
});
