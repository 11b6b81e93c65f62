/**
 * How storage gets at compressed record data. Only compaction, timestamp lookups and compacted-topic produce
 * validation look inside batches; they call an injected `RecordCodecs` so the broker can plug in the protocol
 * package's codecs. The default handles gzip with node:zlib and nothing else.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { UnsupportedCompressionError } from './errors.js';

export const CompressionCodec = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;

const CODEC_NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

export function codecName(codec: number): string {
  return CODEC_NAMES[codec] ?? `codec ${codec}`;
}

export interface RecordCodecs {
  /** Inflates the records section of a batch compressed with `codec` (1 gzip, 2 snappy, 3 lz4, 4 zstd). */
  decompress(codec: number, data: Buffer): Buffer;
  /** Compresses rewritten record data; without it compaction writes rewritten batches uncompressed. */
  compress?(codec: number, data: Buffer): Buffer;
}

export const gzipOnlyCodecs: RecordCodecs = {
  decompress(codec, data) {
    if (codec === CompressionCodec.gzip) return gunzipSync(data);
    throw new UnsupportedCompressionError(
      `No decompressor for ${codecName(codec)} batches; pass RecordCodecs from @samsa/protocol to the log.`,
    );
  },
  compress(codec, data) {
    if (codec === CompressionCodec.gzip) return gzipSync(data);
    throw new UnsupportedCompressionError(`No compressor for ${codecName(codec)} batches.`);
  },
};
