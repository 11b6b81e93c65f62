/**
 * Produce validation, case by case: every way a client batch can be unreadable or unacceptable gets the
 * Kafka error code Kafka's LogValidator answers, and nothing else is refused.
 */
import { gzipSync } from 'node:zlib';
import {
  BatchField,
  COMPRESSION_CODEC_MASK,
  CompressionType,
  CRC_START,
  DELETE_HORIZON_FLAG_MASK,
  ErrorCode,
  LOG_OVERHEAD,
  RECORD_BATCH_OVERHEAD,
  RecordBatchBuilder,
  TIMESTAMP_TYPE_MASK,
} from '@samsa/protocol';
import { buildBatch, transactionMarker } from '@samsa/test-support/record-batches';
import { describe, expect, test } from 'vitest';
import { protocolRecordCodecs } from '../../src/cluster/record-codecs.js';
import { gzipOnlyCodecs } from '../../src/storage/compression.js';
import { crc32c } from '../../src/storage/crc.js';
import { StorageError } from '../../src/storage/errors.js';
import { DEFAULT_LOG_CONFIG, type LogConfig } from '../../src/storage/log-config.js';
import {
  type ProduceValidationContext,
  validateProducedBatch,
} from '../../src/storage/produce-validation.js';
import { crcIsValid } from './helpers.js';

const NOW = 1_700_000_000_000;
const context: ProduceValidationContext = {
  requestVersion: 9,
  nowMs: NOW,
  maxDecompressedBytes: 64 * 1024 * 1024,
  codecs: protocolRecordCodecs,
};

/** Recomputes the CRC, so a mutation is judged on its own and not as a checksum failure. */
function withCrc(batch: Buffer): Buffer {
  batch.writeUInt32BE(crc32c(batch, CRC_START, batch.length), BatchField.crc);
  return batch;
}

function mutated(batch: Buffer, mutate: (b: Buffer) => void): Buffer {
  const copy = Buffer.from(batch);
  mutate(copy);
  return withCrc(copy);
}

/** The Kafka error code validation answers for `batch`, or NONE when it accepts it. */
function verdict(
  batch: Buffer,
  config: Partial<LogConfig> = {},
  ctx: Partial<ProduceValidationContext> = {},
): number {
  try {
    validateProducedBatch(batch, { ...DEFAULT_LOG_CONFIG, ...config }, { ...context, ...ctx });
    return ErrorCode.NONE;
  } catch (err) {
    expect(err).toBeInstanceOf(StorageError);
    return (err as StorageError).errorCode;
  }
}

const plain = () =>
  buildBatch([
    { key: 'a', value: 'x' },
    { key: 'b', value: 'y', headers: [{ key: 'h', value: 'v' }] },
  ]);

describe('produce validation', () => {
  test('accepts a client batch and describes it', () => {
    const batch = buildBatch([{ key: 'a' }, { key: 'b' }], {
      producerId: 7,
      producerEpoch: 1,
      baseSequence: 10,
    });
    const described = validateProducedBatch(batch, DEFAULT_LOG_CONFIG, context);
    expect(described).toMatchObject({
      size: batch.length,
      recordCount: 2,
      lastOffsetDelta: 1,
      producerId: 7,
      producerEpoch: 1,
      baseSequence: 10,
      transactional: false,
    });
  });

  test('accepts batches of every codec, decompressing them', () => {
    for (const compression of [
      CompressionType.None,
      CompressionType.GZIP,
      CompressionType.Snappy,
      CompressionType.LZ4,
      CompressionType.ZSTD,
    ]) {
      const builder = new RecordBatchBuilder({ compression });
      for (let i = 0; i < 20; i++)
        builder.tryAppend({ key: `k${i}`, value: 'v'.repeat(100), timestamp: NOW });
      expect(verdict(builder.build()), `codec ${compression}`).toBe(ErrorCode.NONE);
    }
  });

  test('an unknown codec is UNSUPPORTED_COMPRESSION_TYPE, zstd before Produce v7 too', () => {
    for (const codec of [5, 6, 7]) {
      const batch = mutated(plain(), (b) =>
        b.writeInt16BE(
          (b.readInt16BE(BatchField.attributes) & ~COMPRESSION_CODEC_MASK) | codec,
          BatchField.attributes,
        ),
      );
      expect(verdict(batch), `codec ${codec}`).toBe(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
    }
    const zstd = new RecordBatchBuilder({ compression: CompressionType.ZSTD });
    zstd.tryAppend({ key: 'k', value: 'v', timestamp: NOW });
    expect(verdict(zstd.build(), {}, { requestVersion: 6 })).toBe(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
  });

  test('the gzip flag over uncompressed records is CORRUPT_MESSAGE', () => {
    const batch = mutated(plain(), (b) => b.writeInt16BE(CompressionType.GZIP, BatchField.attributes));
    expect(verdict(batch)).toBe(ErrorCode.CORRUPT_MESSAGE);
  });

  test('gzip data in a batch flagged uncompressed is INVALID_RECORD', () => {
    const batch = mutated(buildBatch([{ key: 'a' }], { compression: CompressionType.GZIP }), (b) =>
      b.writeInt16BE(CompressionType.None, BatchField.attributes),
    );
    expect(verdict(batch)).toBe(ErrorCode.INVALID_RECORD);
  });

  test('a broken record-length varint is INVALID_RECORD', () => {
    // Five continuation bytes: longer than any 32-bit varint.
    const batch = mutated(plain(), (b) => b.fill(0xff, RECORD_BATCH_OVERHEAD, RECORD_BATCH_OVERHEAD + 5));
    expect(verdict(batch)).toBe(ErrorCode.INVALID_RECORD);
    const negative = mutated(plain(), (b) => {
      b[RECORD_BATCH_OVERHEAD] = 0x01; // zig-zag -1
    });
    expect(verdict(negative)).toBe(ErrorCode.INVALID_RECORD);
  });

  test('record framing: lengths past the record, negative header counts, trailing bytes', () => {
    const one = buildBatch([{ key: 'ab', value: 'cd' }]);
    // Record: length, attributes, timestamp delta, offset delta, key length at +4.
    const keyLength = RECORD_BATCH_OVERHEAD + 4;
    expect(one[keyLength]).toBe(4); // zig-zag 2
    expect(verdict(mutated(one, (b) => (b[keyLength] = 40)))).toBe(ErrorCode.INVALID_RECORD);
    expect(verdict(mutated(one, (b) => (b[keyLength] = 5)))).toBe(ErrorCode.INVALID_RECORD);
    const valueLength = keyLength + 3;
    expect(verdict(mutated(one, (b) => (b[valueLength] = 40)))).toBe(ErrorCode.INVALID_RECORD);
    const headerCount = valueLength + 3;
    expect(one[headerCount]).toBe(0);
    expect(verdict(mutated(one, (b) => (b[headerCount] = 1)))).toBe(ErrorCode.INVALID_RECORD);
    expect(verdict(mutated(one, (b) => (b[headerCount] = 3)))).toBe(ErrorCode.INVALID_RECORD);
    const withHeader = buildBatch([{ key: 'a', value: 'b', headers: [{ key: 'k', value: 'v' }] }]);
    const headerKeyLength = RECORD_BATCH_OVERHEAD + 4 + 2 + 2 + 1;
    expect(withHeader[headerKeyLength]).toBe(2);
    expect(verdict(mutated(withHeader, (b) => (b[headerKeyLength] = 1)))).toBe(ErrorCode.INVALID_RECORD);
  });

  test('a record longer than its fields (bytes after its last header) is INVALID_RECORD', () => {
    const one = buildBatch([{ key: 'ab', value: 'cd' }]);
    const records = one.subarray(RECORD_BATCH_OVERHEAD);
    // Length varint (one byte here) + the record; grow the record by one byte nobody reads.
    const padded = Buffer.concat([
      Buffer.from([(records[0] >> 1) * 2 + 2]),
      records.subarray(1),
      Buffer.from([0]),
    ]);
    const batch = Buffer.concat([one.subarray(0, RECORD_BATCH_OVERHEAD), padded]);
    batch.writeInt32BE(batch.length - LOG_OVERHEAD, BatchField.length);
    expect(verdict(withCrc(batch))).toBe(ErrorCode.INVALID_RECORD);
    expect(() => validateProducedBatch(withCrc(batch), DEFAULT_LOG_CONFIG, context)).toThrow(
      /follow its last header/,
    );
  });

  test('record count, offset deltas and lastOffsetDelta must agree with the records', () => {
    const two = plain();
    expect(verdict(mutated(two, (b) => b.writeInt32BE(3, BatchField.recordsCount)))).toBe(
      ErrorCode.INVALID_RECORD,
    );
    expect(
      verdict(
        mutated(two, (b) => {
          b.writeInt32BE(1, BatchField.recordsCount);
          b.writeInt32BE(0, BatchField.lastOffsetDelta);
        }),
      ),
    ).toBe(ErrorCode.INVALID_RECORD);
    expect(verdict(mutated(two, (b) => b.writeInt32BE(0, BatchField.recordsCount)))).toBe(
      ErrorCode.INVALID_RECORD,
    );
    expect(verdict(buildBatch([{ key: 'a' }], { lastOffsetDelta: 3 }))).toBe(ErrorCode.INVALID_RECORD);
    expect(verdict(buildBatch([{ key: 'a' }, { key: 'b' }], { offsetDeltas: [0, 5] }))).toBe(
      ErrorCode.INVALID_RECORD,
    );
  });

  test('attributes: control batches, LogAppendTime, delete horizon and reserved bits are refused', () => {
    expect(verdict(transactionMarker('COMMIT', 5))).toBe(ErrorCode.INVALID_RECORD);
    const withBits = (bits: number) =>
      mutated(plain(), (b) =>
        b.writeUInt16BE(b.readUInt16BE(BatchField.attributes) | bits, BatchField.attributes),
      );
    expect(verdict(withBits(TIMESTAMP_TYPE_MASK))).toBe(ErrorCode.INVALID_TIMESTAMP);
    expect(verdict(withBits(DELETE_HORIZON_FLAG_MASK))).toBe(ErrorCode.INVALID_RECORD);
    for (let bit = 7; bit < 16; bit++)
      expect(verdict(withBits(1 << bit)), `bit ${bit}`).toBe(ErrorCode.INVALID_RECORD);
  });

  test('framing of the batch: one whole magic-2 batch with a good CRC within max.message.bytes', () => {
    const batch = plain();
    expect(verdict(Buffer.alloc(0))).toBe(ErrorCode.INVALID_RECORD);
    expect(verdict(batch.subarray(0, 40))).toBe(ErrorCode.CORRUPT_MESSAGE);
    expect(verdict(batch.subarray(0, batch.length - 1))).toBe(ErrorCode.CORRUPT_MESSAGE);
    expect(verdict(Buffer.concat([batch, batch]))).toBe(ErrorCode.INVALID_RECORD);
    expect(verdict(mutated(batch, (b) => (b[BatchField.magic] = 1)))).toBe(ErrorCode.INVALID_RECORD);
    const badCrc = Buffer.from(batch);
    badCrc[badCrc.length - 1] ^= 1;
    expect(verdict(badCrc)).toBe(ErrorCode.CORRUPT_MESSAGE);
    expect(verdict(batch, { maxMessageBytes: batch.length - 1 })).toBe(ErrorCode.MESSAGE_TOO_LARGE);
    expect(verdict(buildBatch([{ key: 'a' }], { producerId: 3 }))).toBe(ErrorCode.INVALID_RECORD);
  });

  describe('a batch of many pieces (checksummed as it is walked, 128 KiB at a time)', () => {
    /** ~1 MB: 1,000 records of 1 KB, the last with a distinct timestamp. */
    const large = () =>
      buildBatch(
        Array.from({ length: 1000 }, (_, i) => ({
          key: `k${i}`,
          value: 'v'.repeat(1000),
          timestamp: i === 999 ? NOW + 7 : NOW,
        })),
      );
    /** Where record 900's key length varint sits: far beyond the first piece. */
    const lateRecordAt = (batch: Buffer) => batch.indexOf('k900') - 1;

    test('is accepted and described when whole', () => {
      const batch = large();
      const described = validateProducedBatch(batch, DEFAULT_LOG_CONFIG, context);
      expect(described).toMatchObject({ size: batch.length, recordCount: 1000, maxTimestamp: NOW + 7 });
    });

    test('a flipped byte anywhere is CORRUPT_MESSAGE, even where it also breaks a record', () => {
      for (const at of [RECORD_BATCH_OVERHEAD + 1, 300_000, lateRecordAt(large()), large().length - 1]) {
        const batch = large();
        batch[at] ^= 0x40;
        const before = Buffer.from(batch);
        expect(verdict(batch), `byte ${at}`).toBe(ErrorCode.CORRUPT_MESSAGE);
        expect(batch.equals(before), `byte ${at} left as it was`).toBe(true);
      }
      // A wrong record count (a header check, before any record is walked) with a bad CRC: the CRC decides.
      const counted = large();
      counted.writeInt32BE(5, BatchField.recordsCount);
      expect(verdict(counted)).toBe(ErrorCode.CORRUPT_MESSAGE);
    });

    test('a broken record in a later piece, under a good CRC, is INVALID_RECORD', () => {
      const batch = mutated(large(), (b) => {
        b[lateRecordAt(b)] = 0x7f; // key length -64: not a length
      });
      expect(verdict(batch)).toBe(ErrorCode.INVALID_RECORD);
      const lying = mutated(large(), (b) => b.writeBigInt64BE(BigInt(NOW), BatchField.maxTimestamp));
      expect(validateProducedBatch(lying, DEFAULT_LOG_CONFIG, context).maxTimestamp).toBe(NOW + 7);
      expect(crcIsValid(lying)).toBe(true);
    });

    test('a corrupt batch whose header lies about its max timestamp is refused unchanged', () => {
      const batch = large();
      batch.writeBigInt64BE(BigInt(NOW), BatchField.maxTimestamp);
      const before = Buffer.from(batch);
      expect(verdict(batch)).toBe(ErrorCode.CORRUPT_MESSAGE);
      expect(batch.equals(before)).toBe(true);
    });
  });

  test('compacted topics require keys, also inside compressed batches', () => {
    const compacted = { cleanupPolicy: { delete: false, compact: true } };
    expect(verdict(buildBatch([{ key: 'a' }, { key: null }]), compacted)).toBe(ErrorCode.INVALID_RECORD);
    expect(verdict(buildBatch([{ key: null }], { compression: CompressionType.GZIP }), compacted)).toBe(
      ErrorCode.INVALID_RECORD,
    );
    expect(verdict(buildBatch([{ key: 'a' }], { compression: CompressionType.GZIP }), compacted)).toBe(
      ErrorCode.NONE,
    );
    expect(verdict(buildBatch([{ key: null }]))).toBe(ErrorCode.NONE);
  });

  test('CreateTime timestamps must lie within message.timestamp.before/after.max.ms', () => {
    const limits = { messageTimestampBeforeMaxMs: 60_000, messageTimestampAfterMaxMs: 1_000 };
    const at = (timestamp: number) => buildBatch([{ key: 'a', timestamp }]);
    expect(verdict(at(NOW - 60_000), limits)).toBe(ErrorCode.NONE);
    expect(verdict(at(NOW - 60_001), limits)).toBe(ErrorCode.INVALID_TIMESTAMP);
    expect(verdict(at(NOW + 1_001), limits)).toBe(ErrorCode.INVALID_TIMESTAMP);
    expect(verdict(at(-1), limits)).toBe(ErrorCode.NONE);
    const appendTime = { ...limits, messageTimestampType: 'LogAppendTime' as const };
    expect(verdict(at(NOW - 3_600_000), appendTime)).toBe(ErrorCode.NONE);
  });

  test('a CreateTime batch carries its records’ largest timestamp, whatever its header said', () => {
    const batch = mutated(
      buildBatch([
        { key: 'a', timestamp: NOW },
        { key: 'b', timestamp: NOW + 5 },
      ]),
      (b) => b.writeBigInt64BE(BigInt(NOW + 1_000_000), BatchField.maxTimestamp),
    );
    expect(validateProducedBatch(batch, DEFAULT_LOG_CONFIG, context).maxTimestamp).toBe(NOW + 5);
    expect(Number(batch.readBigInt64BE(BatchField.maxTimestamp))).toBe(NOW + 5);
    expect(crcIsValid(batch)).toBe(true);
  });

  test('a decompression bomb is refused once it passes the limit (MESSAGE_TOO_LARGE)', () => {
    const records = Buffer.alloc(8 * 1024 * 1024);
    const bomb = buildBatch([{ key: 'a' }], { compression: CompressionType.GZIP });
    const compressed = gzipSync(records);
    const batch = Buffer.concat([bomb.subarray(0, RECORD_BATCH_OVERHEAD), compressed]);
    batch.writeInt32BE(batch.length - LOG_OVERHEAD, BatchField.length);
    withCrc(batch);
    expect(compressed.length).toBeLessThan(64 * 1024);
    for (const codecs of [protocolRecordCodecs, gzipOnlyCodecs]) {
      expect(verdict(batch, {}, { codecs, maxDecompressedBytes: 1024 * 1024 })).toBe(
        ErrorCode.MESSAGE_TOO_LARGE,
      );
    }
  });
});
