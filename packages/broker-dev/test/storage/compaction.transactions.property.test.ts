/**
 * Compaction of a log written by transactions, against a model: whatever the interleaving of plain writes,
 * transactional writes of two producers, commits, aborts, cleanings and restarts, a read_committed reader
 * (records below the last stable offset, aborted transactions filtered the way Java's consumer does with
 * the log's aborted-transaction index) sees for every key the value of its latest decided, non-aborted
 * record below the last stable offset, at that record's offset.
 */
import { buildControlBatch, CONTROL_FLAG_MASK, TRANSACTIONAL_FLAG_MASK } from '@samsa/protocol';
import { buildBatch } from '@samsa/test-support/record-batches';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { gzipOnlyCodecs } from '../../src/storage/compression.js';
import { PartitionLog, type PartitionLogOptions } from '../../src/storage/partition-log.js';
import { decodeRecords, readBatchHeader } from '../../src/storage/records.js';
import { BACKENDS, backendOptions, readAll, recordingLogger } from './helpers.js';

type Step =
  | { kind: 'plain'; key: number; tombstone: boolean }
  | { kind: 'txn'; producer: number; keys: number[] }
  | { kind: 'end'; producer: number; commit: boolean }
  | { kind: 'compact'; advanceMs: number }
  | { kind: 'reopen' };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('plain' as const),
      key: fc.integer({ min: 0, max: 5 }),
      tombstone: fc.boolean(),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('txn' as const),
      producer: fc.integer({ min: 1, max: 2 }),
      keys: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 3 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('end' as const),
      producer: fc.integer({ min: 1, max: 2 }),
      commit: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('compact' as const),
      advanceMs: fc.integer({ min: 0, max: 3000 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reopen' as const) }) },
);

interface Written {
  offset: number;
  key: string;
  value: string | null;
  /** Producer of a transactional record, 0 for a plain one. */
  producer: number;
}

/** What a read_committed consumer gets: key → its last visible record below the last stable offset. */
function readCommitted(log: PartitionLog): Map<string, { offset: number; value: string | null }> {
  const lso = log.lastStableOffset;
  const aborted = log
    .collectAbortedTransactions(log.logStartOffset, lso)
    .sort((a, b) => a.firstOffset - b.firstOffset);
  const abortedProducers = new Set<number>();
  const seen = new Map<string, { offset: number; value: string | null }>();
  for (const batch of readAll(log)) {
    const header = readBatchHeader(batch);
    if (header.baseOffset >= lso) break;
    const lastOffset = header.baseOffset + header.lastOffsetDelta;
    while (aborted.length > 0 && aborted[0].firstOffset <= lastOffset) {
      abortedProducers.add(aborted.shift()!.producerId);
    }
    const records = decodeRecords(batch, gzipOnlyCodecs);
    if (header.attributes & CONTROL_FLAG_MASK) {
      if (records[0]?.key?.readInt16BE(2) === 0) abortedProducers.delete(header.producerId);
      continue;
    }
    if (header.attributes & TRANSACTIONAL_FLAG_MASK && abortedProducers.has(header.producerId)) continue;
    for (const r of records)
      seen.set(r.key!.toString(), { offset: r.offset, value: r.value?.toString() ?? null });
  }
  return seen;
}

describe.each(BACKENDS)('compaction of transactions against a model (%s)', (backend) => {
  test('a read_committed reader sees the latest decided value of every key', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 60 }), (steps) => {
        let now = 10_000;
        const options: PartitionLogOptions = {
          topic: 'ct',
          partition: 0,
          ...backendOptions(backend),
          logger: recordingLogger(),
          now: () => now,
          config: {
            segmentBytes: 400,
            cleanupPolicy: { delete: false, compact: true },
            deleteRetentionMs: 1000,
          },
        };
        let log = PartitionLog.open(options);
        const written: Written[] = [];
        const decided = new Set<number>(); // offsets of decided, non-aborted records
        const open = new Map<number, number[]>(); // producer → offsets written in its open transaction
        const sequences = new Map<number, number>();
        let counter = 0;
        for (const s of steps) {
          if (s.kind === 'plain') {
            const value = s.tombstone ? null : `p${counter++}`;
            const { baseOffset } = log.append(buildBatch([{ key: `key${s.key}`, value, timestamp: now }]), {
              leaderEpoch: 0,
            });
            written.push({ offset: baseOffset, key: `key${s.key}`, value, producer: 0 });
            decided.add(baseOffset);
          } else if (s.kind === 'txn') {
            const records = s.keys.map((key) => ({
              key: `key${key}`,
              value: `t${s.producer}-${counter++}`,
              timestamp: now,
            }));
            const sequence = sequences.get(s.producer) ?? 0;
            const { baseOffset } = log.append(
              buildBatch(records, {
                producerId: s.producer,
                producerEpoch: 0,
                baseSequence: sequence,
                transactional: true,
              }),
              { leaderEpoch: 0 },
            );
            sequences.set(s.producer, sequence + records.length);
            const offsets = open.get(s.producer) ?? [];
            records.forEach((r, i) => {
              written.push({ offset: baseOffset + i, key: r.key, value: r.value, producer: s.producer });
              offsets.push(baseOffset + i);
            });
            open.set(s.producer, offsets);
          } else if (s.kind === 'end') {
            const marker = buildControlBatch({
              type: s.commit ? 'COMMIT' : 'ABORT',
              producerId: BigInt(s.producer),
              producerEpoch: 0,
              coordinatorEpoch: 0,
              timestamp: now,
            });
            log.append(marker, { leaderEpoch: 0 });
            if (s.commit) for (const offset of open.get(s.producer) ?? []) decided.add(offset);
            open.delete(s.producer);
          } else if (s.kind === 'compact') {
            now += s.advanceMs;
            const hwm = log.highWatermark;
            log.compact(now);
            expect(log.highWatermark).toBe(hwm);
          } else if (backend === 'disk') {
            log.close();
            log = PartitionLog.open(options);
          }
          now += 10;

          const firstOpen = Math.min(...[...open.values()].map((offsets) => offsets[0]));
          expect(log.lastStableOffset).toBe(Number.isFinite(firstOpen) ? firstOpen : log.highWatermark);
          const lso = log.lastStableOffset;
          const expected = new Map<string, { offset: number; value: string | null }>();
          for (const w of written) {
            if (w.offset < lso && decided.has(w.offset))
              expected.set(w.key, { offset: w.offset, value: w.value });
          }
          const got = readCommitted(log);
          for (const [key, want] of expected) {
            if (want.value === null && !got.has(key)) continue;
            expect(got.get(key), key).toEqual(want);
          }
          for (const [key, record] of got) {
            const source = written.find((w) => w.offset === record.offset);
            expect(source && decided.has(source.offset), `${key} at ${record.offset} is not committed`).toBe(
              true,
            );
          }
        }
        log.close();
      }),
      { numRuns: backend === 'disk' ? 25 : 100 },
    );
  });
});
