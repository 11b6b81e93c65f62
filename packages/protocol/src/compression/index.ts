export { type CompressionCodec, DEFAULT_MAX_DECOMPRESSED_BYTES } from './codec.js';
export { codecFor, compressionReady, setCompressionCodec } from './codecs.js';
export { CompressionType, compressionTypeName, isCompressionType } from './compression-type.js';
export { createGzipCodec, type GzipOptions } from './gzip.js';
export { createLz4Codec, type Lz4Options } from './lz4.js';
export { createSnappyCodec, type SnappyOptions } from './snappy.js';
export { createZstdCodec, type ZstdCodec, type ZstdOptions } from './zstd.js';
