/**
 * Decompression bombs: small payloads that inflate far past the limit must raise
 * DecompressionLimitError, and must do so from headers or while inflating, never by
 * materialising the whole output first.
 */
import zlib from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type CompressionCodec,
  CompressionType,
  codecFor,
  compressionReady,
  createLz4Codec,
  createSnappyCodec,
  createZstdCodec,
} from '../../src/compression/index.js';
import { xxhash32 } from '../../src/compression/xxhash32.js';
import { DecompressionLimitError, SamsaError } from '../../src/errors/index.js';
import { decodeRecords, RecordBatchBuilder } from '../../src/records/index.js';

const MiB = 1024 * 1024;
const javascriptZstd = createZstdCodec({ javascriptOnly: true });
const codecs: CompressionCodec[] = [
  codecFor(CompressionType.GZIP),
  codecFor(CompressionType.Snappy),
  createSnappyCodec({ javascriptOnly: true }),
  codecFor(CompressionType.LZ4),
  createLz4Codec({ javascriptOnly: true }),
  codecFor(CompressionType.ZSTD),
  javascriptZstd,
];

beforeAll(async () => {
  await compressionReady();
  await javascriptZstd.ready();
});

describe.each(codecs.map((codec) => [`${codec.name}: ${codec.implementation}`, codec] as const))(
  '%s',
  (_, codec) => {
    it('allows exactly maxBytes and refuses one byte less', () => {
      const data = Buffer.alloc(300_000, 'z');
      const compressed = codec.compressSync(data);
      expect(codec.decompress(compressed, data.length).length).toBe(data.length);
      expect(() => codec.decompress(compressed, data.length - 1)).toThrow(DecompressionLimitError);
    });

    it('stops a 32 MiB bomb at a 1 MiB limit', () => {
      const bomb = codec.compressSync(Buffer.alloc(32 * MiB));
      expect(bomb.length).toBeLessThan(2 * MiB);
      expect(() => codec.decompress(bomb, MiB)).toThrow(DecompressionLimitError);
    });
  },
);

describe('hand-made bombs', () => {
  it('snappy: a block announcing 4 GiB fails on its preamble', () => {
    const preamble = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x00]);
    for (const codec of [codecFor(CompressionType.Snappy), createSnappyCodec({ javascriptOnly: true })]) {
      expect(() => codec.decompress(preamble, MiB)).toThrow(DecompressionLimitError);
    }
  });

  it('lz4: a frame declaring a huge content size fails on its header', () => {
    const header = Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x68, 0x40, 0, 0, 0, 0, 0, 1, 0, 0, 0]);
    // FLG 0x68 = version 1, independent blocks, content size; 2^40 bytes declared.
    header[14] = (xxhash32(header, 4, 14) >>> 8) & 0xff;
    expect(() => codecFor(CompressionType.LZ4).decompress(header, MiB)).toThrow(DecompressionLimitError);
  });

  it('zstd: thousands of RLE blocks (128 KiB each from 4 bytes) without a content size', () => {
    const blocks = 2000;
    const frame = Buffer.alloc(6 + blocks * 4);
    frame.writeUInt32LE(0xfd2fb528, 0);
    frame[4] = 0x00; // no content size, no checksum
    frame[5] = 0x38; // window descriptor: 2^(10+7) = 128 KiB
    for (let i = 0; i < blocks; i++) {
      const header = ((128 * 1024) << 3) | (1 << 1) | (i === blocks - 1 ? 1 : 0);
      frame.writeUIntLE(header, 6 + i * 4, 3);
      frame[6 + i * 4 + 3] = 0x41;
    }
    expect(createZstdCodec().decompress(frame, 256 * MiB).length).toBe(blocks * 128 * 1024);
    for (const codec of [codecFor(CompressionType.ZSTD), javascriptZstd]) {
      expect(() => codec.decompress(frame, MiB)).toThrow(DecompressionLimitError);
    }
  });

  it('zstd: a frame that understates its content size is bounded by its blocks, not its header', () => {
    const blocks = 2000;
    const frame = Buffer.alloc(7 + blocks * 4);
    frame.writeUInt32LE(0xfd2fb528, 0);
    frame[4] = 0x40; // 2-byte content size, not single segment
    frame[5] = 0x38; // 128 KiB window
    frame.writeUInt16LE(300 - 256, 6); // claims 300 bytes (2-byte sizes are offset by 256)
    for (let i = 0; i < blocks; i++) {
      frame.writeUIntLE(((128 * 1024) << 3) | (1 << 1) | (i === blocks - 1 ? 1 : 0), 7 + i * 4, 3);
      frame[7 + i * 4 + 3] = 0x41;
    }
    for (const codec of [codecFor(CompressionType.ZSTD), javascriptZstd]) {
      expect(() => codec.decompress(frame, MiB)).toThrow(SamsaError);
    }
  });

  it('zstd: a frame declaring more than the limit fails on its header', () => {
    const frame = zstdWithContentSize(2 ** 40);
    expect(() => codecFor(CompressionType.ZSTD).decompress(frame, MiB)).toThrow(DecompressionLimitError);
  });

  it('gzip: zlib stops inflating at the limit', () => {
    const bomb = zlib.gzipSync(Buffer.alloc(64 * MiB), { level: 9 });
    expect(() => codecFor(CompressionType.GZIP).decompress(bomb, MiB)).toThrow(DecompressionLimitError);
  });
});

describe('decodeRecords', () => {
  it('applies maxDecompressedBytes to compressed batches', () => {
    const builder = new RecordBatchBuilder({ compression: CompressionType.ZSTD });
    builder.append({ value: Buffer.alloc(2 * MiB), timestamp: 1 });
    const batch = builder.build();
    expect(() => decodeRecords(batch, { maxDecompressedBytes: MiB })).toThrow(DecompressionLimitError);
    expect(decodeRecords(batch, { maxDecompressedBytes: 3 * MiB })[0].value?.length).toBe(2 * MiB);
  });
});

/** A single-segment zstd frame header declaring `size` bytes, followed by one empty raw block. */
function zstdWithContentSize(size: number): Buffer {
  const frame = Buffer.alloc(4 + 1 + 8 + 3);
  frame.writeUInt32LE(0xfd2fb528, 0);
  frame[4] = 0xe0; // 8-byte content size, single segment
  frame.writeBigUInt64LE(BigInt(size), 5);
  frame.writeUIntLE(1, 13, 3); // last block, raw, size 0
  return frame;
}
