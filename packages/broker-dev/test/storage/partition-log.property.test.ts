import { buildBatch } from '@samsa/test-support/record-batches';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { OffsetOutOfRangeError } from '../../src/storage/errors.js';
import {
  PartitionLog as Log,
  type PartitionLog,
  type PartitionLogOptions,
} from '../../src/storage/partition-log.js';
import { BACKENDS, backendOptions, baseOffsetOf, recordingLogger } from './helpers.js';

/** The model: the batches a log holds (with their bytes as stored), its start offset and end. */
interface Model {
  batches: Array<{ base: number; last: number; bytes: Buffer }>;
  logStart: number;
  hwm: number;
}

type Command =
  | { kind: 'append'; records: number; valueSize: number }
  | { kind: 'read'; at: number; maxBytes: number; minOneBatch: boolean }
  | { kind: 'deleteRecords'; at: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'roll' }
  | { kind: 'reopen'; clean: boolean };

/** Positions are fractions of the current offset range, so commands stay meaningful as the log changes. */
const fraction = fc.double({ min: -0.1, max: 1.1, noNaN: true });
const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('append' as const),
      records: fc.integer({ min: 1, max: 12 }),
      valueSize: fc.integer({ min: 0, max: 400 }),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('read' as const),
      at: fraction,
      maxBytes: fc.integer({ min: 0, max: 6000 }),
      minOneBatch: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deleteRecords' as const), at: fraction }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fraction }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('roll' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reopen' as const), clean: fc.boolean() }) },
);

function expectedRead(model: Model, at: number, maxBytes: number, minOneBatch: boolean): Buffer[] {
  const out: Buffer[] = [];
  let bytes = 0;
  for (const batch of model.batches) {
    if (batch.last < at) continue;
    if (bytes + batch.bytes.length > maxBytes && !(out.length === 0 && minOneBatch)) break;
    out.push(batch.bytes);
    bytes += batch.bytes.length;
  }
  return out;
}

describe.each(BACKENDS)('PartitionLog against a model (%s)', (backend) => {
  test('random appends, reads, deletions, truncations, rolls and restarts', () => {
    fc.assert(
      fc.property(
        fc.array(command, { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 600, max: 5000 }),
        (commands, segmentBytes) => {
          const options: PartitionLogOptions = {
            topic: 'p',
            partition: 0,
            ...backendOptions(backend),
            logger: recordingLogger(),
            config: { segmentBytes, indexIntervalBytes: 200 },
          };
          let log: PartitionLog = Log.open(options);
          const model: Model = { batches: [], logStart: 0, hwm: 0 };
          const offsetAt = (f: number) => Math.round(model.logStart + f * (model.hwm - model.logStart));
          for (const cmd of commands) {
            switch (cmd.kind) {
              case 'append': {
                const value = Buffer.alloc(cmd.valueSize, 0x78);
                const batch = buildBatch(
                  Array.from({ length: cmd.records }, (_, i) => ({ key: `k${i}`, value })),
                );
                const result = log.append(batch, { leaderEpoch: 1 });
                expect(result.baseOffset).toBe(model.hwm);
                model.batches.push({ base: model.hwm, last: result.lastOffset, bytes: Buffer.from(batch) });
                model.hwm = result.lastOffset + 1;
                break;
              }
              case 'read': {
                const at = offsetAt(cmd.at);
                if (at < model.logStart || at > model.hwm) {
                  expect(() => log.read(at, cmd.maxBytes, { minOneBatch: cmd.minOneBatch })).toThrow(
                    OffsetOutOfRangeError,
                  );
                  break;
                }
                const got = log.read(at, cmd.maxBytes, { minOneBatch: cmd.minOneBatch });
                const want = expectedRead(model, at, cmd.maxBytes, cmd.minOneBatch);
                expect(got.map(baseOffsetOf)).toEqual(want.map(baseOffsetOf));
                expect(got.every((b, i) => b.equals(want[i]))).toBe(true);
                break;
              }
              case 'deleteRecords': {
                const at = Math.max(0, offsetAt(cmd.at));
                if (at > model.hwm) {
                  expect(() => log.deleteRecordsBefore(at)).toThrow(OffsetOutOfRangeError);
                  break;
                }
                model.logStart = Math.max(model.logStart, at);
                expect(log.deleteRecordsBefore(at)).toBe(model.logStart);
                break;
              }
              case 'truncate': {
                const at = Math.max(0, offsetAt(cmd.at));
                if (at >= model.hwm) {
                  expect(log.truncateTo(at)).toBe(model.hwm);
                } else if (at <= model.logStart) {
                  model.batches = [];
                  model.logStart = at;
                  model.hwm = at;
                  expect(log.truncateTo(at)).toBe(at);
                } else {
                  const cut = model.batches.findIndex((b) => b.last >= at);
                  model.hwm = model.batches[cut].base;
                  model.batches = model.batches.slice(0, cut);
                  expect(log.truncateTo(at)).toBe(model.hwm);
                }
                break;
              }
              case 'roll':
                log.roll();
                break;
              case 'reopen':
                if (backend !== 'disk') break;
                if (cmd.clean) log.close();
                log = Log.open(options);
                break;
            }
            expect(log.highWatermark).toBe(model.hwm);
            expect(log.logStartOffset).toBe(model.logStart);
          }
          const all = model.hwm > model.logStart ? log.read(model.logStart, 1 << 30) : [];
          expect(all.map(baseOffsetOf)).toEqual(
            expectedRead(model, model.logStart, 1 << 30, true).map(baseOffsetOf),
          );
          log.close();
        },
      ),
      { numRuns: backend === 'disk' ? 40 : 150 },
    );
  });
});
