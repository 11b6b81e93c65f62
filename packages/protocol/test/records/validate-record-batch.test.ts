import { describe, expect, it } from 'vitest';
import { CompressionType } from '../../src/compression/index.js';
import { ErrorCode, kafkaErrorCodeForDecodeFailure, ProtocolDecodeError } from '../../src/errors/index.js';
import {
  BatchField,
  computeBatchCrc,
  RecordBatchBuilder,
  validateRecordBatch,
} from '../../src/records/index.js';

function batch(compression = CompressionType.None, count = 3): Buffer {
  const builder = new RecordBatchBuilder({ compression });
  for (let i = 0; i < count; i++) builder.append({ key: `k${i}`, value: `value ${i}`, timestamp: 1_000 + i });
  return builder.build();
}

/** Rewrites the CRC so only the deliberate defect remains. */
function reseal(buf: Buffer): Buffer {
  buf.writeUInt32BE(computeBatchCrc(buf), BatchField.crc);
  return buf;
}

function failure(buf: Buffer): ProtocolDecodeError {
  try {
    validateRecordBatch(buf);
  } catch (error) {
    expect(error).toBeInstanceOf(ProtocolDecodeError);
    return error as ProtocolDecodeError;
  }
  throw new Error('expected validateRecordBatch to throw');
}

describe('validateRecordBatch', () => {
  it('accepts well-formed batches of every codec', () => {
    for (const compression of [0, 1, 2, 3, 4])
      expect(validateRecordBatch(batch(compression)).recordsCount).toBe(3);
  });

  it('rejects a flipped bit anywhere in the CRC-covered range as CRC_MISMATCH', () => {
    const good = batch(CompressionType.None);
    for (let i = BatchField.attributes; i < good.length; i++) {
      const bad = Buffer.from(good);
      bad[i] ^= 0x01;
      expect(failure(bad).reason).toBe('CRC_MISMATCH');
    }
    expect(kafkaErrorCodeForDecodeFailure('CRC_MISMATCH')).toBe(ErrorCode.CORRUPT_MESSAGE);
  });

  it('rejects a bad magic byte', () => {
    const bad = batch();
    bad[BatchField.magic] = 0;
    expect(failure(bad).reason).toBe('UNSUPPORTED_MAGIC');
  });

  it('rejects lengths that disagree with the buffer', () => {
    const good = batch();
    expect(failure(good.subarray(0, good.length - 1)).reason).toBe('TRUNCATED');
    expect(failure(Buffer.concat([good, Buffer.alloc(3)])).reason).toBe('INVALID_LENGTH');
    expect(failure(good.subarray(0, 40)).reason).toBe('TRUNCATED');
  });

  it('rejects a records count that does not match the records', () => {
    for (const compression of [CompressionType.None, CompressionType.Snappy]) {
      const more = batch(compression);
      more.writeInt32BE(4, BatchField.recordsCount);
      expect(failure(reseal(more)).reason).toBe('RECORDS_COUNT_MISMATCH');
      const fewer = batch(compression);
      fewer.writeInt32BE(2, BatchField.recordsCount);
      expect(failure(reseal(fewer)).reason).toBe('RECORDS_COUNT_MISMATCH');
      const huge = batch(compression);
      huge.writeInt32BE(0x7fffffff, BatchField.recordsCount);
      expect(failure(reseal(huge)).reason).toBe('RECORDS_COUNT_MISMATCH');
      const negative = batch(compression);
      negative.writeInt32BE(-1, BatchField.recordsCount);
      expect(failure(reseal(negative)).reason).toBe('RECORDS_COUNT_MISMATCH');
    }
  });

  it('rejects a LastOffsetDelta that disagrees with the records', () => {
    const bad = batch();
    bad.writeInt32BE(5, BatchField.lastOffsetDelta);
    expect(failure(reseal(bad)).reason).toBe('INVALID_RECORD');
  });

  it('rejects out-of-sequence offset deltas', () => {
    const bad = batch(CompressionType.None, 2);
    // Second record: length varint, attributes, timestamp delta varint, then the offset delta (1 -> zig-zag 2).
    const second = 61 + 1 + bad[61] / 2;
    expect(bad[second + 3]).toBe(2);
    bad[second + 3] = 4;
    expect(failure(reseal(bad)).reason).toBe('INVALID_RECORD');
  });

  it('rejects unknown codecs and corrupt compressed data', () => {
    const unknown = batch();
    unknown.writeInt16BE(6, BatchField.attributes);
    expect(failure(reseal(unknown)).reason).toBe('UNSUPPORTED_COMPRESSION');
    const corrupt = batch(CompressionType.LZ4);
    corrupt.fill(0xaa, 70, 80);
    expect(failure(reseal(corrupt)).reason).toBe('CORRUPT_COMPRESSED_DATA');
  });
});
