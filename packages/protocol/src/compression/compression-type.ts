/** Kafka's compression codecs, as stored in bits 0-2 of a record batch's attributes. */
export enum CompressionType {
  None = 0,
  GZIP = 1,
  Snappy = 2,
  LZ4 = 3,
  ZSTD = 4,
}

const NAMES: Record<CompressionType, string> = {
  [CompressionType.None]: 'none',
  [CompressionType.GZIP]: 'gzip',
  [CompressionType.Snappy]: 'snappy',
  [CompressionType.LZ4]: 'lz4',
  [CompressionType.ZSTD]: 'zstd',
};

/** Kafka's config name for a codec (`compression.type`): none, gzip, snappy, lz4, zstd. */
export function compressionTypeName(type: CompressionType): string {
  return NAMES[type] ?? `unknown(${type})`;
}

/** Whether `value` is one of the five codecs Kafka defines. */
export function isCompressionType(value: number): value is CompressionType {
  return Number.isInteger(value) && value >= 0 && value <= 4;
}
