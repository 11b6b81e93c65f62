/**
 * Storage's RecordCodecs backed by @samsa/protocol's codecs (gzip, snappy, lz4, zstd). Only
 * compaction, timestamp lookups and key checks on compacted topics look inside batches; bad
 * compressed data becomes CORRUPT_MESSAGE for the producer instead of an internal error.
 */
import { codecFor, compressionTypeName, SamsaError } from '@samsa/protocol';
import { CorruptRecordError, type RecordCodecs } from '../storage/index.js';

export const protocolRecordCodecs: RecordCodecs = {
  decompress(codec, data) {
    try {
      return codecFor(codec).decompress(data);
    } catch (err) {
      if (err instanceof SamsaError) {
        throw new CorruptRecordError(
          `Cannot decompress a ${compressionTypeName(codec)} record batch: ${err.message}`,
          { cause: err },
        );
      }
      throw err;
    }
  },
  compress(codec, data) {
    return codecFor(codec).compressSync(data);
  },
};
