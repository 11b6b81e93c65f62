import type { CompressionType } from './compression-type.js';

/** Default ceiling for one decompressed records section (Kafka's own batches stay far below it). */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

/**
 * One of Kafka's compression codecs. Compression may run on the libuv threadpool for large
 * inputs (see each codec), so `compress` can return a promise; decompression is synchronous
 * because consumers decode one batch at a time and a thread hop costs more than inflating a
 * typical batch.
 */
export interface CompressionCodec {
  readonly type: CompressionType;
  /** Kafka's name for the codec: gzip, snappy, lz4, zstd. */
  readonly name: string;
  /** Which implementation is in use, e.g. `native (snappy)` or `javascript (snappyjs)`. */
  readonly implementation: string;
  /** Compresses `data`, off the event loop where that pays for itself. */
  compress(data: Uint8Array): Buffer | Promise<Buffer>;
  /** Compresses `data` on the calling thread. */
  compressSync(data: Uint8Array): Buffer;
  /**
   * Decompresses `data`. Throws `DecompressionLimitError` once the output would pass
   * `maxBytes`, and `ProtocolDecodeError` (reason CORRUPT_COMPRESSED_DATA) for bad input.
   */
  decompress(data: Uint8Array, maxBytes?: number): Buffer;
}
