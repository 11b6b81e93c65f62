/**
 * Our codecs against implementations nobody here wrote: KafkaJS's gzip codec, kafkajs-snappy,
 * lz4js, fzstd, and the reference lz4/zstd command-line tools (liblz4 and libzstd, the
 * libraries librdkafka links).
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { requirePeer } from '@samsa/test-support';
import { describe, expect, it } from 'vitest';
import { CompressionType, codecFor } from '../../src/compression/index.js';

const require = createRequire(import.meta.url);
const kafkajsGzip = require('kafkajs/src/protocol/message/compression/gzip') as {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buf: Buffer): Promise<Buffer>;
};
const kafkajsSnappy = (require('kafkajs-snappy') as () => typeof kafkajsGzip)();
const lz4js = require('lz4js') as {
  compress(b: Uint8Array): Uint8Array;
  decompress(b: Uint8Array): Uint8Array;
};
const fzstd = require('fzstd') as { decompress(b: Uint8Array): Uint8Array };

const samples = [
  Buffer.alloc(0),
  Buffer.from('a'),
  Buffer.from(Array.from({ length: 20_000 }, (_, i) => `{"order":${i},"sku":"sku-${i % 53}"}`).join('\n')),
  Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 2654435761) >>> 24)),
];

describe('gzip vs KafkaJS', () => {
  it.each(samples.map((s) => [s.length, s] as const))('%i bytes both ways', async (_, data) => {
    const gzip = codecFor(CompressionType.GZIP);
    expect((await kafkajsGzip.decompress(gzip.compressSync(data))).equals(data)).toBe(true);
    expect(gzip.decompress(await kafkajsGzip.compress({ buffer: data })).equals(data)).toBe(true);
  });
});

describe('snappy vs kafkajs-snappy', () => {
  it.each(samples.filter((s) => s.length > 0).map((s) => [s.length, s] as const))(
    '%i bytes both ways',
    async (_, data) => {
      const snappy = codecFor(CompressionType.Snappy);
      expect((await kafkajsSnappy.decompress(snappy.compressSync(data))).equals(data)).toBe(true);
      expect(snappy.decompress(await kafkajsSnappy.compress({ buffer: data })).equals(data)).toBe(true);
    },
  );
});

describe('lz4 vs lz4js', () => {
  it.each(samples.map((s) => [s.length, s] as const))('%i bytes both ways', (_, data) => {
    const lz4 = codecFor(CompressionType.LZ4);
    expect(Buffer.from(lz4js.decompress(lz4.compressSync(data))).equals(data)).toBe(true);
    expect(lz4.decompress(lz4js.compress(data)).equals(data)).toBe(true);
  });
});

describe('zstd vs fzstd', () => {
  it.each(samples.filter((s) => s.length > 0).map((s) => [s.length, s] as const))('%i bytes', (_, data) => {
    expect(
      Buffer.from(fzstd.decompress(codecFor(CompressionType.ZSTD).compressSync(data))).equals(data),
    ).toBe(true);
  });
});

const lz4Tool = requirePeer('lz4', { hint: 'apt-get install -y lz4' });
const zstdTool = requirePeer('zstd', { hint: 'apt-get install -y zstd' });

lz4Tool.describe('lz4 vs the reference lz4 tool', () => {
  const data = samples[2];
  it('it reads our frames', () => {
    expect(
      execFileSync('lz4', ['-d', '-c'], { input: codecFor(CompressionType.LZ4).compressSync(data) }).equals(
        data,
      ),
    ).toBe(true);
  });
  it.each([
    ['defaults (content checksum)', ['-c']],
    ['linked blocks, block checksums, 64 KiB blocks', ['-c', '-BD', '-BX', '-B4']],
    ['content size', ['-c', '--content-size']],
    ['high compression', ['-c', '-9']],
  ])('we read its frames: %s', (_, args) => {
    const frame = execFileSync('lz4', args as string[], { input: data, stdio: ['pipe', 'pipe', 'ignore'] });
    expect(codecFor(CompressionType.LZ4).decompress(frame).equals(data)).toBe(true);
  });
});

zstdTool.describe('zstd vs the reference zstd tool', () => {
  const data = samples[2];
  it('it reads our frames', () => {
    expect(
      execFileSync('zstd', ['-d', '-c', '-q'], {
        input: codecFor(CompressionType.ZSTD).compressSync(data),
      }).equals(data),
    ).toBe(true);
  });
  it.each([
    ['streamed, no content size (like the Java client)', ['-c', '-q', '--no-content-size']],
    ['content size and checksum', ['-c', '-q', '--content-size', '--check']],
    ['high level, 16 MiB window', ['-c', '-q', '-12', '--long=24']],
  ])('we read its frames: %s', (_, args) => {
    const frame = execFileSync('zstd', args as string[], { input: data });
    expect(codecFor(CompressionType.ZSTD).decompress(frame).equals(data)).toBe(true);
  });
});
