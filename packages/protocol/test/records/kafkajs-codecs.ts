/**
 * KafkaJS's RecordBatch encoder/decoder and compression registry, with third-party codecs
 * plugged in: kafkajs-snappy (snappyjs), lz4js for LZ4 and fzstd for zstd decompression. None
 * of them shares code with ours, so batches that cross over prove wire compatibility.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export const { RecordBatch: kafkajsRecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as {
  RecordBatch: (options: Record<string, unknown>) => Promise<{ buffer: Buffer }>;
};
export const kafkajsRecord = require('kafkajs/src/protocol/recordBatch/record/v0') as (options: {
  offsetDelta: number;
  timestampDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, Buffer | string>;
}) => unknown;
const KafkajsDecoder = require('kafkajs/src/protocol/decoder') as new (buf: Buffer) => unknown;
const decodeBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder') as (
  decoder: unknown,
) => Promise<KafkajsBatch>;
export const kafkajsLong = require('kafkajs/src/utils/long') as {
  fromInt(n: number): unknown;
  fromValue(v: unknown): unknown;
};
export const kafkajsCrc32c = require('kafkajs/src/protocol/recordBatch/crc32C') as (buf: Buffer) => number;

export interface KafkajsRecord {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | null | Array<Buffer | null>>;
}

export interface KafkajsBatch {
  firstOffset: string;
  isControlBatch: boolean;
  inTransaction: boolean;
  producerId: string;
  records: KafkajsRecord[];
}

export function kafkajsDecode(batch: Buffer): Promise<KafkajsBatch> {
  return decodeBatch(new KafkajsDecoder(batch));
}

const lz4js = require('lz4js') as {
  compress(b: Uint8Array): Uint8Array;
  decompress(b: Uint8Array): Uint8Array;
};
const fzstd = require('fzstd') as { decompress(b: Uint8Array): Uint8Array };
const { Codecs } = require('kafkajs/src/protocol/message/compression') as {
  Codecs: Record<
    number,
    () => { compress(e: { buffer: Buffer }): Promise<Buffer>; decompress(b: Buffer): Promise<Buffer> }
  >;
};

Codecs[2] = require('kafkajs-snappy');
Codecs[3] = () => ({
  compress: async (encoder) => Buffer.from(lz4js.compress(encoder.buffer)),
  decompress: async (buffer) => Buffer.from(lz4js.decompress(buffer)),
});
Codecs[4] = () => ({
  compress: async () => {
    throw new Error('no third-party zstd compressor in JavaScript; see the zstd CLI tests');
  },
  decompress: async (buffer) => Buffer.from(fzstd.decompress(buffer)),
});

/** KafkaJS's own codec implementations, for direct comparisons. */
export function kafkajsCodec(type: number) {
  const gzip = require('kafkajs/src/protocol/message/compression/gzip') as {
    compress(e: { buffer: Buffer }): Promise<Buffer>;
    decompress(b: Buffer): Promise<Buffer>;
  };
  return type === 1 ? gzip : Codecs[type]();
}
