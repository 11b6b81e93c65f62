/**
 * Produce validation against random damage (seeded, bounded in runs and time): whatever a client sends,
 * validation either refuses it with one of Kafka's error codes or accepts a batch that @samsa/protocol's
 * decoder reads in full. Valid batches are always accepted.
 */
import { decodeRecords, ErrorCode, readRecordsCount, validateRecordBatch } from '@samsa/protocol';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { protocolRecordCodecs } from '../../src/cluster/record-codecs.js';
import { StorageError } from '../../src/storage/errors.js';
import { DEFAULT_LOG_CONFIG, type LogConfig } from '../../src/storage/log-config.js';
import { validateProducedBatch } from '../../src/storage/produce-validation.js';
import {
  applyMutations,
  FUZZ_NOW,
  mutatedBatchArbitrary,
  validBatchArbitrary,
} from '../helpers/batch-mutations.js';

/** The error codes Kafka's LogValidator and request checks answer a Produce with. */
const REFUSALS = new Set<number>([
  ErrorCode.CORRUPT_MESSAGE,
  ErrorCode.INVALID_RECORD,
  ErrorCode.UNSUPPORTED_COMPRESSION_TYPE,
  ErrorCode.MESSAGE_TOO_LARGE,
  ErrorCode.INVALID_TIMESTAMP,
]);

const context = {
  requestVersion: 11,
  nowMs: FUZZ_NOW,
  maxDecompressedBytes: 4 * 1024 * 1024,
  codecs: protocolRecordCodecs,
};

const topics: [string, LogConfig][] = [
  ['delete', DEFAULT_LOG_CONFIG],
  ['compact', { ...DEFAULT_LOG_CONFIG, cleanupPolicy: { delete: false, compact: true } }],
  [
    'bounded timestamps',
    { ...DEFAULT_LOG_CONFIG, messageTimestampBeforeMaxMs: 3_000, messageTimestampAfterMaxMs: 3_000 },
  ],
  ['LogAppendTime', { ...DEFAULT_LOG_CONFIG, messageTimestampType: 'LogAppendTime' }],
];

/** Undefined when accepted, else the refusal's error code. */
function refusal(batch: Buffer, config: LogConfig): number | undefined {
  try {
    validateProducedBatch(batch, config, context);
    return undefined;
  } catch (err) {
    if (!(err instanceof StorageError)) throw err;
    return err.errorCode;
  }
}

const RUNS = { seed: 0x5a45a23, numRuns: 3000, interruptAfterTimeLimit: 60_000 };

describe.each(topics)('produce validation fuzzing (%s topic)', (_name, config) => {
  test('damaged batches are refused with a Kafka error code, or decode in full', () => {
    fc.assert(
      fc.property(mutatedBatchArbitrary, ({ batch, mutations }) => {
        const damaged = applyMutations(batch.bytes, mutations);
        const code = refusal(damaged, config);
        if (code !== undefined) {
          expect(REFUSALS.has(code), `error code ${code}`).toBe(true);
          return;
        }
        // Accepted: the protocol package reads every record the header declares, as a consumer will.
        validateRecordBatch(damaged);
        const records = decodeRecords(damaged);
        expect(records.length).toBe(readRecordsCount(damaged));
        if (config.cleanupPolicy.compact) expect(records.every((r) => r.key !== null)).toBe(true);
      }),
      RUNS,
    );
  });

  test('undamaged batches are accepted unless a topic rule refuses them', () => {
    fc.assert(
      fc.property(validBatchArbitrary, ({ bytes }) => {
        const code = refusal(Buffer.from(bytes), config);
        const records = decodeRecords(bytes);
        const inRange = (t: number) =>
          t >= FUZZ_NOW - config.messageTimestampBeforeMaxMs &&
          t <= FUZZ_NOW + config.messageTimestampAfterMaxMs;
        if (config.cleanupPolicy.compact && records.some((r) => r.key === null)) {
          expect(code).toBe(ErrorCode.INVALID_RECORD);
        } else if (
          config.messageTimestampType === 'CreateTime' &&
          !records.every((r) => inRange(r.timestamp))
        ) {
          expect(code).toBe(ErrorCode.INVALID_TIMESTAMP);
        } else {
          expect(code).toBeUndefined();
        }
      }),
      { ...RUNS, numRuns: 300 },
    );
  });
});
