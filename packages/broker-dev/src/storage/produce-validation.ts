/**
 * Checks the produce path runs on a partition's records before PartitionLog.append: framing, magic, CRC32C,
 * max.message.bytes, Kafka's client-batch rules and, for compacted topics, that every record has a key.
 */
import { BatchField, CONTROL_FLAG_MASK, TRANSACTIONAL_FLAG_MASK } from '@samsa/protocol';
import { gzipOnlyCodecs, type RecordCodecs } from './compression.js';
import { CorruptRecordError, InvalidRecordError, RecordTooLargeError } from './errors.js';
import type { LogConfig } from './log-config.js';
import { batchAttributes, batchProblem, batchSize, readInt16, readInt32, readInt64 } from './record-batch.js';
import { decodeRecords } from './records.js';

export interface ProducedBatch {
  /** Byte position of the batch inside the validated buffer. */
  position: number;
  size: number;
  recordCount: number;
  lastOffsetDelta: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  transactional: boolean;
  maxTimestamp: number;
}

/**
 * Validates the concatenated batches in `records` as a broker does for a client's Produce request and
 * describes each batch (producer id/epoch/sequence for the idempotence check). Throws CorruptRecordError,
 * RecordTooLargeError or InvalidRecordError, all carrying the error code to answer with.
 */
export function validateProducedBatches(
  records: Buffer,
  config: Pick<LogConfig, 'maxMessageBytes' | 'cleanupPolicy'>,
  codecs: RecordCodecs = gzipOnlyCodecs,
): ProducedBatch[] {
  if (records.length === 0) throw new CorruptRecordError('Produce request carries no record batch.');
  const batches: ProducedBatch[] = [];
  let pos = 0;
  while (pos < records.length) {
    const problem = batchProblem(records, pos, records.length, true);
    if (problem) throw new CorruptRecordError(`Invalid record batch at byte ${pos}: ${problem}.`);
    const size = batchSize(records, pos);
    if (size > config.maxMessageBytes) {
      throw new RecordTooLargeError(
        `Record batch of ${size} bytes exceeds max.message.bytes=${config.maxMessageBytes}; ` +
          'lower the producer batch size or raise the topic config.',
      );
    }
    const attributes = batchAttributes(records, pos);
    const lastOffsetDelta = readInt32(records, pos + BatchField.lastOffsetDelta);
    const recordCount = readInt32(records, pos + BatchField.recordsCount);
    if (recordCount <= 0 || recordCount !== lastOffsetDelta + 1) {
      throw new InvalidRecordError(
        `Record batch has ${recordCount} records but lastOffsetDelta ${lastOffsetDelta}; a producer batch must ` +
          'carry consecutive offset deltas starting at 0.',
      );
    }
    if (attributes & CONTROL_FLAG_MASK) {
      throw new InvalidRecordError('Clients are not allowed to write control batches.');
    }
    const producerId = readInt64(records, pos + BatchField.producerId);
    const baseSequence = readInt32(records, pos + BatchField.baseSequence);
    if (producerId >= 0 && baseSequence < 0) {
      throw new InvalidRecordError(`Batch from producer ${producerId} has no base sequence.`);
    }
    if (config.cleanupPolicy.compact) {
      for (const record of decodeRecords(records.subarray(pos, pos + size), codecs)) {
        if (record.key === null) {
          throw new InvalidRecordError(
            'Compacted topic cannot accept a record without a key; set a record key.',
          );
        }
      }
    }
    batches.push({
      position: pos,
      size,
      recordCount,
      lastOffsetDelta,
      producerId,
      producerEpoch: readInt16(records, pos + BatchField.producerEpoch),
      baseSequence,
      transactional: (attributes & TRANSACTIONAL_FLAG_MASK) !== 0,
      maxTimestamp: readInt64(records, pos + BatchField.maxTimestamp),
    });
    pos += size;
  }
  return batches;
}
