/**
 * How storage gets at compressed record data. Produce validation, compaction and timestamp lookups look
 * inside batches; they call an injected `RecordCodecs` so the broker can plug in the protocol package's
 * codecs. The default handles gzip with node:zlib and nothing else.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { CompressionType, compressionTypeName } from '@samsa/protocol';
import { CorruptRecordError, RecordTooLargeError, UnsupportedCompressionError } from './errors.js';

/** `codec` is the batch's attributes & COMPRESSION_CODEC_MASK: a CompressionType, or 5-7 in a corrupt batch. */
export interface RecordCodecs {
  /**
   * Inflates the records section of a batch compressed with `codec`. With `maxBytes`, stops before holding
   * more than that and throws RecordTooLargeError (a decompression bomb costs at most `maxBytes`).
   */
  decompress(codec: number, data: Buffer, maxBytes?: number): Buffer;
  /** Compresses rewritten record data; without it compaction writes rewritten batches uncompressed. */
  compress?(codec: number, data: Buffer): Buffer;
}

export const gzipOnlyCodecs: RecordCodecs = {
  decompress(codec, data, maxBytes) {
    if (codec === CompressionType.GZIP) {
      try {
        return gunzipSync(data, maxBytes === undefined ? {} : { maxOutputLength: maxBytes });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
          throw new RecordTooLargeError(`A gzip record batch inflates to more than ${maxBytes} bytes.`);
        }
        throw new CorruptRecordError(`Cannot decompress a gzip record batch: ${(error as Error).message}`, {
          cause: error,
        });
      }
    }
    throw new UnsupportedCompressionError(
      `No decompressor for ${compressionTypeName(codec)} batches; pass RecordCodecs from @samsa/protocol to the log.`,
    );
  },
  compress(codec, data) {
    if (codec === CompressionType.GZIP) return gzipSync(data);
    throw new UnsupportedCompressionError(`No compressor for ${compressionTypeName(codec)} batches.`);
  },
};
