import { CompressionType } from '@samsa/protocol';
import { buildBatch } from '@samsa/test-support/record-batches';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { gzipOnlyCodecs } from '../../src/storage/compression.js';
import { PartitionLog, type PartitionLogOptions } from '../../src/storage/partition-log.js';
import { decodeRecords } from '../../src/storage/records.js';
import { BACKENDS, backendOptions, readAll, recordingLogger } from './helpers.js';

type Step =
  | { kind: 'produce'; records: Array<{ key: number; tombstone: boolean }>; gzip: boolean }
  | { kind: 'compact'; advanceMs: number }
  | { kind: 'reopen' };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('produce' as const),
      records: fc.array(fc.record({ key: fc.integer({ min: 0, max: 7 }), tombstone: fc.boolean() }), {
        minLength: 1,
        maxLength: 5,
      }),
      gzip: fc.boolean(),
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

describe.each(BACKENDS)('compaction against a model (%s)', (backend) => {
  test('the latest value of every key survives at its offset; order and the log end are preserved', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 50 }), (steps) => {
        let now = 10_000;
        const options: PartitionLogOptions = {
          topic: 'c',
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
        const latest = new Map<string, { offset: number; value: string | null }>();
        let produced = 0;
        for (const s of steps) {
          if (s.kind === 'produce') {
            const records = s.records.map((r) => ({
              key: `key${r.key}`,
              value: r.tombstone ? null : `v${produced++}`,
              timestamp: now,
            }));
            const { baseOffset } = log.append(
              buildBatch(records, { compression: s.gzip ? CompressionType.GZIP : CompressionType.None }),
              { leaderEpoch: 0 },
            );
            records.forEach((r, i) => {
              latest.set(r.key, { offset: baseOffset + i, value: r.value });
            });
            now += 10;
          } else if (s.kind === 'compact') {
            now += s.advanceMs;
            const hwm = log.highWatermark;
            log.compact(now);
            expect(log.highWatermark).toBe(hwm);
          } else if (backend === 'disk') {
            log.close();
            log = PartitionLog.open(options);
          }
          const records = readAll(log).flatMap((batch) => decodeRecords(batch, gzipOnlyCodecs));
          const offsets = records.map((r) => r.offset);
          expect(offsets).toEqual([...new Set(offsets)].sort((a, b) => a - b));
          const lastSeen = new Map<string, { offset: number; value: string | null }>();
          for (const r of records)
            lastSeen.set(r.key!.toString(), { offset: r.offset, value: r.value?.toString() ?? null });
          for (const [key, want] of latest) {
            const got = lastSeen.get(key);
            if (want.value === null && got === undefined) continue;
            expect(got).toEqual(want);
          }
        }
        log.close();
      }),
      { numRuns: backend === 'disk' ? 30 : 120 },
    );
  });
});
