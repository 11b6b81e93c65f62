/**
 * Storage's RecordCodecs backed by @samsa/protocol's codecs (gzip, snappy, lz4, zstd). Failures become
 * the errors a producer is answered with: an unknown codec UNSUPPORTED_COMPRESSION_TYPE, output past
 * the limit MESSAGE_TOO_LARGE, bad compressed data CORRUPT_MESSAGE (never an internal error).
 */
import { codecFor, compressionTypeName, DecompressionLimitError, isCompressionType } from '@samsa/protocol';
import {
  CorruptRecordError,
  type RecordCodecs,
  RecordTooLargeError,
  UnsupportedCompressionError,
} from '../storage/index.js';

export const protocolRecordCodecs: RecordCodecs = {
  decompress(codec, data, maxBytes) {
    if (!isCompressionType(codec)) {
      throw new UnsupportedCompressionError(
        `Record batch attributes name compression codec ${codec}, which Kafka does not define.`,
      );
    }
    try {
      return codecFor(codec).decompress(data, maxBytes);
    } catch (err) {
      if (err instanceof DecompressionLimitError) {
        throw new RecordTooLargeError(
          `A ${compressionTypeName(codec)} record batch inflates to more than ${maxBytes} bytes; ` +
            'send smaller batches.',
          { cause: err },
        );
      }
      // Whatever a decoder throws on client bytes says those bytes are not valid compressed data.
      throw new CorruptRecordError(
        `Cannot decompress a ${compressionTypeName(codec)} record batch: ${(err as Error).message}`,
        { cause: err },
      );
    }
  },
  compress(codec, data) {
    return codecFor(codec).compressSync(data);
  },
};
