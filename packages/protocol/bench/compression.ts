/**
 * Codec throughput against the KafkaJS ecosystem's codecs, side by side in one process, on the
 * records section of a 1 MiB batch of 1 KiB JSON records (what a producer compresses).
 * Run alone with `npx tsx bench/compression.ts`. MB/s are of uncompressed bytes.
 *
 * Peers: KafkaJS's built-in gzip, kafkajs-snappy (snappyjs), lz4js and fzstd. kafkajs-lz4 and
 * @kafkajs/zstd are not measured: both compile native code at install time (lz4, cppzst).
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import {
  type CompressionCodec,
  CompressionType,
  codecFor,
  compressionReady,
  createLz4Codec,
  createSnappyCodec,
  createZstdCodec,
} from '../src/compression/index.js';
import { RECORD_BATCH_OVERHEAD, RecordBatchBuilder } from '../src/records/index.js';
import { type BenchRow, compare, formatTable, jsonRecords } from './records.js';

const require = createRequire(import.meta.url);

interface KafkajsCodec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

/** The uncompressed records section of a 1 MiB batch. */
function recordsSection(): Buffer {
  const builder = new RecordBatchBuilder({ maxBatchBytes: 2 * 1024 * 1024 });
  for (const record of jsonRecords(1024)) builder.append({ ...record, timestamp: 1_700_000_000_000 });
  return builder.build().subarray(RECORD_BATCH_OVERHEAD);
}

interface Peer {
  name: string;
  compress?: (data: Buffer) => unknown;
  decompress?: (compressed: Buffer) => unknown;
}

async function codecRows(
  label: string,
  codec: CompressionCodec,
  data: Buffer,
  peer?: Peer,
): Promise<BenchRow[]> {
  const compressed = codec.compressSync(data);
  const percent = ((compressed.length / data.length) * 100).toFixed(0);
  return [
    await compare(
      `${label} compress (${percent}% size)`,
      data.length,
      () => codec.compressSync(data),
      peer?.compress && { name: peer.name, run: () => peer.compress?.(data) },
    ),
    await compare(
      `${label} decompress`,
      data.length,
      () => codec.decompress(compressed),
      peer?.decompress && { name: peer.name, run: () => peer.decompress?.(compressed) },
    ),
  ];
}

export async function runCompressionBench(): Promise<BenchRow[]> {
  await compressionReady();
  const wasmZstd = createZstdCodec({ javascriptOnly: true });
  await wasmZstd.ready();
  const data = recordsSection();

  const kafkajsGzip = require('kafkajs/src/protocol/message/compression/gzip') as KafkajsCodec;
  const kafkajsSnappy = (require('kafkajs-snappy') as () => KafkajsCodec)();
  const lz4js = require('lz4js') as {
    compress(b: Uint8Array): Uint8Array;
    decompress(b: Uint8Array): Uint8Array;
  };
  const fzstd = require('fzstd') as { decompress(b: Uint8Array): Uint8Array };

  const gzip = codecFor(CompressionType.GZIP);
  const snappyPeer: Peer = {
    name: 'kafkajs-snappy',
    compress: (d) => kafkajsSnappy.compress({ buffer: d }),
    decompress: (c) => kafkajsSnappy.decompress(c),
  };
  const lz4Peer: Peer = {
    name: 'lz4js',
    compress: (d) => lz4js.compress(d),
    decompress: (c) => lz4js.decompress(c),
  };
  const snappy = codecFor(CompressionType.Snappy);
  const jsSnappy = createSnappyCodec({ javascriptOnly: true });

  return [
    ...(await codecRows('gzip', gzip, data, {
      name: 'KafkaJS gzip (async zlib)',
      compress: (d) => kafkajsGzip.compress({ buffer: d }),
      decompress: (c) => kafkajsGzip.decompress(c),
    })),
    await compare('gzip compress on the threadpool (async)', data.length, () => gzip.compress(data), {
      name: 'KafkaJS gzip (async zlib)',
      run: () => kafkajsGzip.compress({ buffer: data }),
    }),
    ...(await codecRows(`snappy, ${snappy.implementation}`, snappy, data, snappyPeer)),
    ...(await codecRows(`snappy, ${jsSnappy.implementation}`, jsSnappy, data, snappyPeer)),
    ...(await codecRows('lz4, native blocks', codecFor(CompressionType.LZ4), data, lz4Peer)),
    ...(await codecRows('lz4, TypeScript', createLz4Codec({ javascriptOnly: true }), data, lz4Peer)),
    ...(await codecRows('zstd, native', codecFor(CompressionType.ZSTD), data, {
      name: 'fzstd',
      decompress: (c) => fzstd.decompress(c),
    })),
    ...(await codecRows('zstd, WASM + fzstd fallback', wasmZstd, data)),
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rows = await runCompressionBench();
  console.log(formatTable('Compression codecs, 1 MiB records section (MB/s of uncompressed data)', rows));
  console.log(JSON.stringify({ bench: 'compression', rows }));
}
