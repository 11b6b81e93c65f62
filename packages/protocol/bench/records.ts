/**
 * RecordBatch v2 and CRC32C throughput against KafkaJS, measured side by side in one process:
 * 1 MiB batches of 1 KiB JSON records. Run alone with `npx tsx bench/records.ts`.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { CompressionType } from '../src/compression/index.js';
import { crc32cImplementation, crc32cJs } from '../src/records/crc32c.js';
import { loadCrc32cBindings } from '../src/records/crc32c-bindings.js';
import { crc32c, decodeRecords, RecordBatchBuilder } from '../src/records/index.js';

const require = createRequire(import.meta.url);

export interface BenchRow {
  name: string;
  /** MB/s (10^6 bytes per second) of Samsa's implementation. */
  samsa: number;
  /** The peer measured alongside, or undefined when the JavaScript ecosystem has none. */
  peerName?: string;
  peer?: number;
  /** samsa / peer. */
  ratio?: number;
}

const ROUNDS = 5;
const ROUND_MS = 200;

/** Best-of-rounds MB/s of `run`, which processes `bytes` per call. */
async function throughput(bytes: number, run: () => unknown): Promise<number> {
  let best = 0;
  for (let round = 0; round < ROUNDS; round++) {
    let calls = 0;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < ROUND_MS) {
      const result = run();
      if (result instanceof Promise) await result;
      calls++;
      elapsed = performance.now() - start;
    }
    best = Math.max(best, (calls * bytes) / 1e6 / (elapsed / 1000));
  }
  return best;
}

/** Measures Samsa and its peer alternately so both see the same machine state. */
export async function compare(
  name: string,
  bytes: number,
  samsa: () => unknown,
  peer?: { name: string; run: () => unknown },
): Promise<BenchRow> {
  await throughput(bytes, samsa); // warm-up
  if (peer) await throughput(bytes, peer.run);
  const samsaRate = await throughput(bytes, samsa);
  if (!peer) return { name, samsa: samsaRate };
  const peerRate = await throughput(bytes, peer.run);
  return { name, samsa: samsaRate, peerName: peer.name, peer: peerRate, ratio: samsaRate / peerRate };
}

export function formatTable(title: string, rows: BenchRow[]): string {
  const lines = [
    title,
    `${'benchmark'.padEnd(44)} ${'samsa MB/s'.padStart(11)} ${'peer MB/s'.padStart(10)}  ${'ratio'.padStart(6)}  peer`,
  ];
  for (const row of rows) {
    lines.push(
      `${row.name.padEnd(44)} ${row.samsa.toFixed(0).padStart(11)} ${(row.peer?.toFixed(0) ?? '-').padStart(10)}  ${(
        row.ratio ? `${row.ratio.toFixed(2)}x` : '-'
      ).padStart(6)}  ${row.peerName ?? '(none)'}`,
    );
  }
  return lines.join('\n');
}

/**
 * Order events as JSON, each value exactly `size` bytes: field names repeat across records and
 * ids, amounts and tokens vary, so they compress the way real payloads do (gzip to ~30%).
 */
export function jsonRecords(count: number, size = 1024): Array<{ key: Buffer; value: Buffer }> {
  let seed = 42;
  const random = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const token = (length: number) =>
    Array.from({ length }, () => 'abcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(random() * 36)]).join('');
  return Array.from({ length: count }, (_, i) => {
    const event = {
      id: i,
      orderId: token(16),
      customer: {
        id: `customer-${Math.floor(random() * 50_000)}`,
        email: `${token(8)}@example.com`,
        tier: 'gold',
      },
      status: ['created', 'paid', 'shipped', 'delivered'][i % 4],
      createdAt: new Date(1_700_000_000_000 + i * 1000).toISOString(),
      items: [] as Array<{ sku: string; quantity: number; price: number }>,
      note: '',
    };
    while (JSON.stringify(event).length < size - 80) {
      event.items.push({
        sku: `sku-${Math.floor(random() * 10_000)}`,
        quantity: 1 + Math.floor(random() * 5),
        price: Math.round(random() * 10_000) / 100,
      });
    }
    event.note = token(size - JSON.stringify(event).length);
    return { key: Buffer.from(`order-${i}`), value: Buffer.from(JSON.stringify(event)) };
  });
}

interface KafkajsBatchApi {
  RecordBatch(options: Record<string, unknown>): Promise<{ buffer: Buffer }>;
}

export async function runRecordsBench(): Promise<BenchRow[]> {
  const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as KafkajsBatchApi;
  const KafkajsRecord = require('kafkajs/src/protocol/recordBatch/record/v0') as (
    r: Record<string, unknown>,
  ) => unknown;
  const KafkajsDecoder = require('kafkajs/src/protocol/decoder') as new (b: Buffer) => unknown;
  const kafkajsDecodeBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder') as (
    d: unknown,
  ) => Promise<unknown>;
  const kafkajsCrc32c = require('kafkajs/src/protocol/recordBatch/crc32C') as (b: Buffer) => number;
  const Long = require('kafkajs/src/utils/long') as { fromInt(n: number): unknown };

  const records = jsonRecords(1024);
  const timestamp = 1_700_000_000_000;
  const payloadBytes = records.reduce((n, r) => n + r.key.length + r.value.length, 0);

  const samsaBuild = (compression: CompressionType) => () => {
    const builder = new RecordBatchBuilder({ compression, maxBatchBytes: 2 * 1024 * 1024 });
    for (const record of records) builder.append({ key: record.key, value: record.value, timestamp });
    return builder.build();
  };
  const kafkajsBuild = (compression: CompressionType) => () =>
    RecordBatch({
      compression,
      firstOffset: Long.fromInt(0),
      firstTimestamp: timestamp,
      maxTimestamp: timestamp,
      lastOffsetDelta: records.length - 1,
      records: records.map((r, i) =>
        KafkajsRecord({ offsetDelta: i, timestampDelta: 0, key: r.key, value: r.value }),
      ),
    });

  const plain = samsaBuild(CompressionType.None)();
  const gzipped = samsaBuild(CompressionType.GZIP)();
  const mebibyte = Buffer.alloc(1024 * 1024, 7);

  const kafkajsCrc = { name: 'KafkaJS crc32C', run: () => kafkajsCrc32c(mebibyte) };
  const crcRows = [
    await compare(
      `CRC32C, 1 MiB (${crc32cImplementation()}, used)`,
      mebibyte.length,
      () => crc32c(mebibyte),
      kafkajsCrc,
    ),
  ];
  for (const binding of loadCrc32cBindings()) {
    if (binding.name === crc32cImplementation()) continue;
    const run = () => binding.crc32c(mebibyte, 0);
    crcRows.push(await compare(`CRC32C, 1 MiB (${binding.name})`, mebibyte.length, run, kafkajsCrc));
  }

  return [
    ...crcRows,
    await compare(
      'CRC32C, 1 MiB (JS slicing-by-8 fallback)',
      mebibyte.length,
      () => crc32cJs(mebibyte),
      kafkajsCrc,
    ),
    await compare('encode 1 MiB batch of 1 KiB records', payloadBytes, samsaBuild(CompressionType.None), {
      name: 'KafkaJS RecordBatch',
      run: kafkajsBuild(CompressionType.None),
    }),
    await compare('decode 1 MiB batch of 1 KiB records', payloadBytes, () => decodeRecords(plain), {
      name: 'KafkaJS RecordBatch decoder',
      run: () => kafkajsDecodeBatch(new KafkajsDecoder(plain)),
    }),
    await compare('encode 1 MiB batch, gzip', payloadBytes, samsaBuild(CompressionType.GZIP), {
      name: 'KafkaJS RecordBatch (gzip)',
      run: kafkajsBuild(CompressionType.GZIP),
    }),
    await compare('decode 1 MiB batch, gzip', payloadBytes, () => decodeRecords(gzipped), {
      name: 'KafkaJS RecordBatch decoder (gzip)',
      run: () => kafkajsDecodeBatch(new KafkajsDecoder(gzipped)),
    }),
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rows = await runRecordsBench();
  console.log(formatTable('RecordBatch v2 and CRC32C (MB/s of record payload; higher is better)', rows));
  console.log(JSON.stringify({ bench: 'records', rows }));
}
