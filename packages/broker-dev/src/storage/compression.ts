/**
 * How storage gets at compressed record data. Only compaction, timestamp lookups and compacted-topic produce
 * validation look inside batches; they call an injected `RecordCodecs` so the broker can plug in the protocol
 * package's codecs. The default handles gzip with node:zlib and nothing else.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { CompressionType, compressionTypeName } from '@samsa/protocol';
import { UnsupportedCompressionError } from './errors.js';

/** `codec` is the batch's attributes & COMPRESSION_CODEC_MASK: a CompressionType, or 5-7 in a corrupt batch. */
export interface RecordCodecs {
  /** Inflates the records section of a batch compressed with `codec`. */
  decompress(codec: number, data: Buffer): Buffer;
  /** Compresses rewritten record data; without it compaction writes rewritten batches uncompressed. */
  compress?(codec: number, data: Buffer): Buffer;
}

export const gzipOnlyCodecs: RecordCodecs = {
  decompress(codec, data) {
    if (codec === CompressionType.GZIP) return gunzipSync(data);
    throw new UnsupportedCompressionError(
      `No decompressor for ${compressionTypeName(codec)} batches; pass RecordCodecs from @samsa/protocol to the log.`,
    );
  },
  compress(codec, data) {
    if (codec === CompressionType.GZIP) return gzipSync(data);
    throw new UnsupportedCompressionError(`No compressor for ${compressionTypeName(codec)} batches.`);
  },
};
