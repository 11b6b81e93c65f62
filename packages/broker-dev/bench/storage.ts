/**
 * Storage micro-benchmark: append and sequential-read throughput of PartitionLog in memory and on disk,
 * for ~1 MB batches of 100 B and 1 KB records (the shape librdkafka produces under load) and for
 * single-record batches (KafkaJS-style). Prints a table, the ratio to the librdkafka mock cluster's
 * ingest rate measured on this machine type (shared/reference/baselines.md), and JSON.
 *
 * Run: npx tsx bench/storage.ts [totalMiB=256]
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  BatchField,
  CRC_START,
  CURRENT_MAGIC,
  LOG_OVERHEAD,
  NO_PARTITION_LEADER_EPOCH,
  RECORD_BATCH_OVERHEAD,
} from '@samsa/protocol';
import { gzipOnlyCodecs } from '../src/storage/compression.js';
import { crc32c } from '../src/storage/crc.js';
import { PartitionLog } from '../src/storage/partition-log.js';
import { validateProducedBatch } from '../src/storage/produce-validation.js';
import { silentStorageLogger } from '../src/storage/storage-logger.js';

/** librdkafka mock, kcat producing 100 B records, acks=1 (baselines.md). */
const MOCK_MSGS_PER_SEC_100B = 1_790_000;
const TOTAL_BYTES = Number(process.argv[2] ?? 256) * 1024 * 1024;

function writeVarint(out: number[], value: number): void {
  let raw = value >= 0 ? value * 2 : -value * 2 - 1;
  while (raw >= 128) {
    out.push((raw % 128) | 0x80);
    raw = Math.floor(raw / 128);
  }
  out.push(raw);
}

/** A RecordBatch v2 of `count` records with `valueSize`-byte values and 8-byte keys. */
function makeBatch(count: number, valueSize: number): Buffer {
  const value = Buffer.alloc(valueSize, 0x61);
  const parts: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const head: number[] = [0];
    writeVarint(head, 0);
    writeVarint(head, i);
    writeVarint(head, 8);
    const key = Buffer.from(String(i).padStart(8, '0'));
    const mid: number[] = [];
    writeVarint(mid, valueSize);
    const body = Buffer.concat([Buffer.from(head), key, Buffer.from(mid), value, Buffer.from([0])]);
    const len: number[] = [];
    writeVarint(len, body.length);
    parts.push(Buffer.from(len), body);
  }
  const records = Buffer.concat(parts);
  const batch = Buffer.alloc(RECORD_BATCH_OVERHEAD + records.length);
  batch.writeInt32BE(batch.length - LOG_OVERHEAD, BatchField.length);
  batch.writeInt32BE(NO_PARTITION_LEADER_EPOCH, BatchField.partitionLeaderEpoch);
  batch[BatchField.magic] = CURRENT_MAGIC;
  batch.writeInt32BE(count - 1, BatchField.lastOffsetDelta);
  batch.writeBigInt64BE(BigInt(Date.now()), BatchField.baseTimestamp);
  batch.writeBigInt64BE(BigInt(Date.now()), BatchField.maxTimestamp);
  batch.writeBigInt64BE(-1n, BatchField.producerId);
  batch.writeInt16BE(-1, BatchField.producerEpoch);
  batch.writeInt32BE(-1, BatchField.baseSequence);
  batch.writeInt32BE(count, BatchField.recordsCount);
  records.copy(batch, RECORD_BATCH_OVERHEAD);
  batch.writeUInt32BE(crc32c(batch, CRC_START, batch.length), BatchField.crc);
  return batch;
}

interface Row {
  case: string;
  backend: 'memory' | 'disk';
  op: 'append' | 'validate+append' | 'read';
  mbPerSec: number;
  msgsPerSec: number;
}

function run(
  backend: 'memory' | 'disk',
  label: string,
  count: number,
  valueSize: number,
  totalBytes: number,
): Row[] {
  const dataDir = backend === 'disk' ? mkdtempSync(path.join(tmpdir(), 'samsa-bench-')) : undefined;
  const batch = makeBatch(count, valueSize);
  const batches = Math.max(1, Math.floor(totalBytes / batch.length));
  const rows: Row[] = [];
  try {
    for (const validate of [false, true]) {
      const log = PartitionLog.open({
        topic: `bench-${validate}`,
        partition: 0,
        dataDir,
        logger: silentStorageLogger,
        config: { segmentBytes: 128 * 1024 * 1024, retentionMs: -1 },
      });
      const started = process.hrtime.bigint();
      for (let i = 0; i < batches; i++) {
        if (validate) {
          validateProducedBatch(batch, log.config, {
            requestVersion: 9,
            nowMs: Date.now(),
            maxDecompressedBytes: 64 * 1024 * 1024,
            codecs: gzipOnlyCodecs,
          });
        }
        log.append(batch, { leaderEpoch: 0 });
      }
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const op = validate ? 'validate+append' : 'append';
      rows.push({
        case: label,
        backend,
        op,
        mbPerSec: (batches * batch.length) / seconds / 1e6,
        msgsPerSec: (batches * count) / seconds,
      });
      if (!validate) {
        const readStart = process.hrtime.bigint();
        let offset = 0;
        let bytes = 0;
        while (offset < log.highWatermark) {
          const got = log.read(offset, 1024 * 1024);
          for (const b of got) bytes += b.length;
          const last = got[got.length - 1];
          offset = Number(last.readBigInt64BE(0)) + last.readInt32BE(BatchField.lastOffsetDelta) + 1;
        }
        const readSeconds = Number(process.hrtime.bigint() - readStart) / 1e9;
        rows.push({
          case: label,
          backend,
          op: 'read',
          mbPerSec: bytes / readSeconds / 1e6,
          msgsPerSec: (batches * count) / readSeconds,
        });
      }
      log.close();
    }
  } finally {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
  return rows;
}

const cases: Array<[string, number, number, number]> = [
  ['1 MB batches of 100 B records', 8800, 100, TOTAL_BYTES],
  ['1 MB batches of 1 KB records', 1000, 1000, TOTAL_BYTES],
  ['1-record batches of 100 B', 1, 100, TOTAL_BYTES / 16],
];
const rows: Row[] = [];
// Warm up the JIT, the allocator and the page cache so the first measured case is not penalised.
for (const backend of ['memory', 'disk'] as const) run(backend, 'warm-up', 8800, 100, 64 * 1024 * 1024);
for (const backend of ['memory', 'disk'] as const) {
  for (const [label, count, valueSize, total] of cases)
    rows.push(...run(backend, label, count, valueSize, total));
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits });
console.log(
  `PartitionLog throughput (${TOTAL_BYTES / 1024 / 1024} MiB per batched case, Node ${process.version})\n`,
);
console.log(
  `${'case'.padEnd(32)}${'backend'.padEnd(9)}${'op'.padEnd(17)}${'MB/s'.padStart(10)}${'msgs/s'.padStart(16)}  vs mock`,
);
for (const row of rows) {
  const ratio = row.case.includes('100 B') ? `${(row.msgsPerSec / MOCK_MSGS_PER_SEC_100B).toFixed(1)}x` : '';
  console.log(
    `${row.case.padEnd(32)}${row.backend.padEnd(9)}${row.op.padEnd(17)}${fmt(row.mbPerSec).padStart(10)}${fmt(row.msgsPerSec).padStart(16)}  ${ratio}`,
  );
}
console.log(
  '\n"vs mock": msgs/s relative to the librdkafka mock cluster ingesting 100 B records (~1.79M msgs/s).',
);
console.log('Memory reads are zero-copy slices, so their MB/s only measures locating batches.');
console.log(JSON.stringify({ benchmark: 'storage', totalBytes: TOTAL_BYTES, rows }));
