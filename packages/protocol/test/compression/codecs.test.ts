import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type CompressionCodec,
  CompressionType,
  codecFor,
  compressionReady,
  compressionTypeName,
  createGzipCodec,
  createLz4Codec,
  createSnappyCodec,
  createZstdCodec,
  setCompressionCodec,
} from '../../src/compression/index.js';
import { ProtocolDecodeError } from '../../src/errors/index.js';

const javascriptZstd = createZstdCodec({ javascriptOnly: true });

/** Every implementation we ship: the defaults (native where it loads) and the fallbacks. */
const implementations: CompressionCodec[] = [
  createGzipCodec(),
  createSnappyCodec(),
  createSnappyCodec({ javascriptOnly: true }),
  createLz4Codec(),
  createLz4Codec({ javascriptOnly: true }),
  createZstdCodec(),
  javascriptZstd,
];

/** Compressible input: repeated JSON-ish text with random bytes mixed in. */
const payload = fc
  .tuple(fc.uint8Array({ maxLength: 2000 }), fc.integer({ min: 0, max: 200_000 }))
  .map(([noise, length]) => {
    const text = Buffer.from(
      Array.from(
        { length: Math.ceil(length / 40) + 1 },
        (_, i) => `{"id":${i},"name":"user-${i % 31}"}`,
      ).join(','),
    );
    return Buffer.concat([text.subarray(0, length), Buffer.from(noise)]);
  });

beforeAll(async () => {
  await compressionReady();
  await javascriptZstd.ready();
});

describe.each(implementations.map((codec) => [`${codec.name}: ${codec.implementation}`, codec] as const))(
  '%s',
  (_, codec) => {
    it('round-trips arbitrary payloads, and agrees with every other implementation of its codec', () => {
      const siblings = implementations.filter((other) => other.type === codec.type);
      fc.assert(
        fc.property(payload, (data) => {
          const compressed = codec.compressSync(data);
          for (const other of siblings) expect(other.decompress(compressed).equals(data)).toBe(true);
        }),
        { numRuns: 25 },
      );
    });

    it('handles empty input, a Uint8Array that is not a Buffer, and the async path', async () => {
      expect(codec.decompress(codec.compressSync(Buffer.alloc(0)))).toHaveLength(0);
      const plain = new Uint8Array(Buffer.from('plain uint8array '.repeat(100)));
      expect(codec.decompress(codec.compressSync(plain)).equals(Buffer.from(plain))).toBe(true);
      const large = Buffer.alloc(600_000, 'abc');
      expect(codec.decompress(await codec.compress(large)).equals(large)).toBe(true);
    });

    it('rejects garbage with a typed error', () => {
      for (const garbage of [
        Buffer.from('definitely not compressed data'),
        Buffer.alloc(64, 0xff),
        Buffer.from([0x10, 0x00]),
      ]) {
        expect(() => codec.decompress(garbage)).toThrow(ProtocolDecodeError);
      }
    });
  },
);

describe('snappy framing', () => {
  const data = Buffer.from('x'.repeat(100_000));

  it("writes snappy-java's xerial framing with 32 KiB blocks", () => {
    const out = codecFor(CompressionType.Snappy).compressSync(data);
    expect(out.subarray(0, 16).toString('hex')).toBe('82534e41505059000000000100000001');
    let blocks = 0;
    for (let pos = 16; pos < out.length; pos += 4 + out.readInt32BE(pos)) blocks++;
    expect(blocks).toBe(Math.ceil(data.length / 32_768));
  });

  it('reads raw (librdkafka-style) snappy too', async () => {
    const { compressSync } = await import('snappy');
    expect(codecFor(CompressionType.Snappy).decompress(compressSync(data)).equals(data)).toBe(true);
  });
});

describe('lz4 framing', () => {
  it('writes the frame header Kafka and librdkafka write: FLG 0x60, BD 0x40, correct checksum', () => {
    const out = codecFor(CompressionType.LZ4).compressSync(Buffer.from('hello'));
    expect(out.subarray(0, 7).toString('hex')).toBe('04224d18604082');
  });

  it('rejects a wrong header checksum (the pre-0.10 Kafka bug) and reserved bits', () => {
    const out = Buffer.from(codecFor(CompressionType.LZ4).compressSync(Buffer.from('hello')));
    out[6] ^= 0xff;
    expect(() => codecFor(CompressionType.LZ4).decompress(out)).toThrow(/header checksum/);
  });
});

describe('lz4 and zstd framing', () => {
  it.each([CompressionType.LZ4, CompressionType.ZSTD])(
    'codec %i skips skippable frames and reads concatenated frames',
    (type) => {
      const codec = codecFor(type);
      const skippable = Buffer.from([0x5a, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3]);
      const payload = Buffer.concat([
        skippable,
        codec.compressSync(Buffer.from('one ')),
        codec.compressSync(Buffer.from('two')),
      ]);
      expect(codec.decompress(payload).toString()).toBe('one two');
      expect(() => codec.decompress(skippable)).toThrow(/no frame/);
      expect(() => codec.decompress(skippable.subarray(0, 10))).toThrow(/truncated|trailing/);
    },
  );
});

describe('codec registry', () => {
  it('names codecs as Kafka does and rejects unknown types with a typed error', () => {
    expect([0, 1, 2, 3, 4].map((t) => compressionTypeName(t))).toEqual([
      'none',
      'gzip',
      'snappy',
      'lz4',
      'zstd',
    ]);
    expect(() => codecFor(5)).toThrow(expect.objectContaining({ reason: 'UNSUPPORTED_COMPRESSION' }));
    expect(codecFor(CompressionType.None).compressSync(Buffer.from('a')).toString()).toBe('a');
  });

  it('lets a caller swap in a codec with other settings', () => {
    const original = codecFor(CompressionType.GZIP);
    const fastest = createGzipCodec({ level: 1 });
    setCompressionCodec(fastest);
    try {
      expect(codecFor(CompressionType.GZIP)).toBe(fastest);
    } finally {
      setCompressionCodec(original);
    }
  });
});
