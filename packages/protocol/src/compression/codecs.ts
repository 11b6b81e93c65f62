import { ProtocolDecodeError } from '../errors/samsa-error.js';
import type { CompressionCodec } from './codec.js';
import { CompressionType, isCompressionType } from './compression-type.js';
import { createGzipCodec } from './gzip.js';
import { createLz4Codec } from './lz4.js';
import { createSnappyCodec } from './snappy.js';
import { createZstdCodec, type ZstdCodec } from './zstd.js';

const identity: CompressionCodec = {
  type: CompressionType.None,
  name: 'none',
  implementation: 'identity',
  compress: (data) => Buffer.from(data),
  compressSync: (data) => Buffer.from(data),
  decompress: (data) => Buffer.from(data.buffer, data.byteOffset, data.length),
};

const factories: Record<CompressionType, () => CompressionCodec> = {
  [CompressionType.None]: () => identity,
  [CompressionType.GZIP]: () => createGzipCodec(),
  [CompressionType.Snappy]: () => createSnappyCodec(),
  [CompressionType.LZ4]: () => createLz4Codec(),
  [CompressionType.ZSTD]: () => createZstdCodec(),
};

/** Codecs are created on first use, so an unused fallback (e.g. zstd's WASM) never loads. */
const codecs = new Map<CompressionType, CompressionCodec>();

/**
 * The codec for a compression type, as found in bits 0-2 of a batch's attributes. Types Kafka
 * does not define (5-7) raise ProtocolDecodeError with reason UNSUPPORTED_COMPRESSION.
 */
export function codecFor(type: number): CompressionCodec {
  let codec = codecs.get(type);
  if (codec === undefined) {
    if (!isCompressionType(type)) {
      throw new ProtocolDecodeError(
        `unknown compression type ${type} in record batch attributes`,
        undefined,
        {
          reason: 'UNSUPPORTED_COMPRESSION',
        },
      );
    }
    codec = factories[type]();
    codecs.set(type, codec);
  }
  return codec;
}

/**
 * Replaces the codec used for its type everywhere in this process, e.g. to change the zstd or
 * gzip level: `setCompressionCodec(createZstdCodec({ level: 6 }))`.
 */
export function setCompressionCodec(codec: CompressionCodec): void {
  codecs.set(codec.type, codec);
}

/**
 * Resolves once every codec can compress synchronously. Only matters on platforms without the
 * native zstd binding, where the WASM fallback loads asynchronously.
 */
export async function compressionReady(): Promise<void> {
  const zstd = codecFor(CompressionType.ZSTD) as Partial<ZstdCodec>;
  await zstd.ready?.();
}
