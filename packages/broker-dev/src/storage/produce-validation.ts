/**
 * The checks a partition's Produce data passes before PartitionLog.append, in Kafka's order: the request
 * rules (ProduceRequest.validateRecords: one magic-2 batch, zstd only from v7), the batch's size and
 * CRC32C (UnifiedLog.analyzeAndValidateRecords), the batch header (LogValidator.validateBatch: codec,
 * attributes, counts, sequence) and every record (record-validation.ts), compressed batches decompressed
 * within a bound first. A batch that passes is one every client can read back.
 *
 * Producer-state checks (idempotence, transactions) come after this and live with the producer state.
 */
import {
  BatchField,
  COMPRESSION_CODEC_MASK,
  CONTROL_FLAG_MASK,
  CompressionType,
  CRC_START,
  CURRENT_MAGIC,
  DELETE_HORIZON_FLAG_MASK,
  isCompressionType,
  LOG_OVERHEAD,
  RECORD_BATCH_OVERHEAD,
  TIMESTAMP_TYPE_MASK,
  TRANSACTIONAL_FLAG_MASK,
} from '@samsa/protocol';
import type { RecordCodecs } from './compression.js';
import { crc32c } from './crc.js';
import {
  CorruptRecordError,
  InvalidRecordError,
  InvalidTimestampError,
  RecordTooLargeError,
  UnsupportedCompressionError,
} from './errors.js';
import type { LogConfig } from './log-config.js';
import { readInt16, readInt32, readInt64, rewriteBatchCrc, writeInt64 } from './record-batch.js';
import {
  continueRecordWalk,
  finishRecordWalk,
  type RecordRules,
  startRecordWalk,
  walkRecords,
} from './record-validation.js';

export interface ProducedBatch {
  size: number;
  recordCount: number;
  lastOffsetDelta: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  transactional: boolean;
  /** The batch's MaxTimestamp after validation (Kafka resets it from the records). */
  maxTimestamp: number;
}

/** What validation needs besides the topic's config. */
export interface ProduceValidationContext {
  /** Version of the Produce request: v3-v6 may not carry zstd batches. */
  requestVersion: number;
  /** Broker clock, for message.timestamp.before/after.max.ms. */
  nowMs: number;
  /** Most bytes a compressed batch's records may inflate to; past it the batch is MESSAGE_TOO_LARGE. */
  maxDecompressedBytes: number;
  codecs: RecordCodecs;
}

export type ProduceValidationConfig = Pick<
  LogConfig,
  | 'maxMessageBytes'
  | 'cleanupPolicy'
  | 'messageTimestampType'
  | 'messageTimestampBeforeMaxMs'
  | 'messageTimestampAfterMaxMs'
>;

/** Produce v7 (Kafka 2.1) is the first that may carry zstd. */
const FIRST_ZSTD_PRODUCE_VERSION = 7;

/**
 * An uncompressed batch is checksummed and walked in pieces of this size, each walked right after its CRC
 * pass brought it into the CPU's cache (L2 is 512 KiB a core on the dev VM). Walking a 1 MB batch after
 * checksumming all of it cost ~4x as much: its record headers had left the cache.
 */
const CHECK_PIECE_BYTES = 128 * 1024;

/** Attribute bits a producer may set: the timestamp type is the broker's, the delete horizon the cleaner's. */
const PRODUCER_ATTRIBUTES = COMPRESSION_CODEC_MASK | TRANSACTIONAL_FLAG_MASK;

/**
 * Validates one partition's `records` from a client's Produce request and describes the batch (producer
 * id/epoch/sequence for the idempotence check). May rewrite the batch's MaxTimestamp (and CRC) in place, as
 * Kafka does. Throws a StorageError carrying the error code to answer: CorruptRecordError (framing, CRC,
 * undecompressable data), InvalidRecordError, InvalidTimestampError, RecordTooLargeError or
 * UnsupportedCompressionError.
 */
export function validateProducedBatch(
  records: Buffer,
  config: ProduceValidationConfig,
  context: ProduceValidationContext,
): ProducedBatch {
  const size = checkFraming(records, config);
  const expectedCrc = readInt32(records, BatchField.crc) >>> 0;
  const codec = readInt16(records, BatchField.attributes) & COMPRESSION_CODEC_MASK;
  if (codec !== CompressionType.None) {
    checkCrc(expectedCrc, crc32c(records, CRC_START, size));
    return validateBatch(records, size, config, context, undefined);
  }
  // Checksummed as it is walked; the CRC still decides first, as in Kafka: a batch whose CRC does not
  // match is CORRUPT_MESSAGE, whatever else the other checks would have found.
  const crc = { value: crc32c(records, CRC_START, RECORD_BATCH_OVERHEAD), checked: RECORD_BATCH_OVERHEAD };
  let batch: ProducedBatch;
  try {
    batch = validateBatch(records, size, config, context, crc);
  } catch (error) {
    checkCrc(expectedCrc, crc32c(records, crc.checked, size, crc.value));
    throw error;
  }
  checkCrc(expectedCrc, crc.value);
  return batch;
}

/** A CRC computed over `[CRC_START, checked)` so far. */
interface RunningCrc {
  value: number;
  checked: number;
}

function checkCrc(expected: number, actual: number): void {
  if (expected !== actual) {
    throw new CorruptRecordError(`Record batch CRC32C mismatch (stored ${expected}, computed ${actual}).`);
  }
}

/**
 * The checks after framing and (for compressed batches) the CRC. With `crc`, the batch is uncompressed and
 * its records are checksummed into `crc` piece by piece as they are walked.
 */
function validateBatch(
  records: Buffer,
  size: number,
  config: ProduceValidationConfig,
  context: ProduceValidationContext,
  crc: RunningCrc | undefined,
): ProducedBatch {
  const attributes = readInt16(records, BatchField.attributes);
  checkAttributes(attributes, context.requestVersion);
  const lastOffsetDelta = readInt32(records, BatchField.lastOffsetDelta);
  const recordCount = readInt32(records, BatchField.recordsCount);
  if (recordCount <= 0)
    throw new InvalidRecordError(`Invalid reported count for record batch: ${recordCount}.`);
  if (lastOffsetDelta + 1 !== recordCount) {
    throw new InvalidRecordError(
      `Record batch has ${recordCount} records but lastOffsetDelta ${lastOffsetDelta}; a producer batch ` +
        'carries consecutive offset deltas starting at 0.',
    );
  }
  const producerId = readInt64(records, BatchField.producerId);
  const baseSequence = readInt32(records, BatchField.baseSequence);
  if (producerId >= 0 && baseSequence < 0) {
    throw new InvalidRecordError(`Batch from producer ${producerId} has no base sequence.`);
  }

  const createTime = config.messageTimestampType === 'CreateTime';
  const baseTimestamp = readInt64(records, BatchField.baseTimestamp);
  if (createTime && !Number.isSafeInteger(baseTimestamp)) {
    throw new InvalidTimestampError(
      `Record batch base timestamp is beyond the ±2^53 ms the dev broker keeps exactly.`,
    );
  }
  const rules: RecordRules = {
    keysRequired: config.cleanupPolicy.compact,
    createTime,
    earliestTimestamp: context.nowMs - config.messageTimestampBeforeMaxMs,
    latestTimestamp: context.nowMs + config.messageTimestampAfterMaxMs,
  };
  let recordsMaxTimestamp: number;
  if (crc !== undefined) {
    const walk = startRecordWalk(RECORD_BATCH_OVERHEAD);
    while (crc.checked < size) {
      const until = Math.min(size, crc.checked + CHECK_PIECE_BYTES);
      crc.value = crc32c(records, crc.checked, until, crc.value);
      crc.checked = until;
      continueRecordWalk(walk, records, until, size, recordCount, baseTimestamp, rules);
    }
    recordsMaxTimestamp = finishRecordWalk(walk, size, recordCount);
  } else {
    const data = context.codecs.decompress(
      attributes & COMPRESSION_CODEC_MASK,
      records.subarray(RECORD_BATCH_OVERHEAD, size),
      context.maxDecompressedBytes,
    );
    recordsMaxTimestamp = walkRecords(data, 0, data.length, recordCount, baseTimestamp, rules);
  }

  let maxTimestamp = readInt64(records, BatchField.maxTimestamp);
  // LogAppendTime batches are stamped by the log; CreateTime ones carry their records' largest timestamp,
  // whatever the producer wrote in the header (Kafka's setMaxTimestamp).
  if (createTime && maxTimestamp !== recordsMaxTimestamp) {
    // A corrupt batch is refused before it is changed.
    if (crc !== undefined) checkCrc(readInt32(records, BatchField.crc) >>> 0, crc.value);
    maxTimestamp = recordsMaxTimestamp;
    writeInt64(records, BatchField.maxTimestamp, maxTimestamp);
    rewriteBatchCrc(records, 0);
  }
  return {
    size,
    recordCount,
    lastOffsetDelta,
    producerId,
    producerEpoch: readInt16(records, BatchField.producerEpoch),
    baseSequence,
    transactional: (attributes & TRANSACTIONAL_FLAG_MASK) !== 0,
    maxTimestamp,
  };
}

/** Checks that `records` is exactly one magic-2 batch within max.message.bytes; returns its size. */
function checkFraming(records: Buffer, config: ProduceValidationConfig): number {
  if (records.length === 0) {
    throw new InvalidRecordError('Produce requests v3+ must carry one record batch per partition.');
  }
  if (records.length < RECORD_BATCH_OVERHEAD) {
    throw new CorruptRecordError(
      `Record batch is cut off: ${records.length} bytes, less than its ${RECORD_BATCH_OVERHEAD}-byte header.`,
    );
  }
  const magic = records[BatchField.magic];
  if (magic !== CURRENT_MAGIC) {
    throw new InvalidRecordError(
      `Produce requests v3+ may only contain record batches with magic ${CURRENT_MAGIC}, got magic ${magic}.`,
    );
  }
  const length = readInt32(records, BatchField.length);
  if (length < RECORD_BATCH_OVERHEAD - LOG_OVERHEAD) {
    throw new CorruptRecordError(`Record batch length ${length} is below the header size.`);
  }
  const size = length + LOG_OVERHEAD;
  if (size > records.length) {
    throw new CorruptRecordError(`Record batch is cut off: ${records.length} of its ${size} bytes arrived.`);
  }
  if (size < records.length) {
    throw new InvalidRecordError(
      `Produce requests v3+ may carry exactly one record batch per partition; ${records.length - size} bytes ` +
        'follow the first.',
    );
  }
  if (size > config.maxMessageBytes) {
    throw new RecordTooLargeError(
      `Record batch of ${size} bytes exceeds max.message.bytes=${config.maxMessageBytes}; ` +
        'lower the producer batch size or raise the topic config.',
    );
  }
  return size;
}

function checkAttributes(attributes: number, requestVersion: number): void {
  const codec = attributes & COMPRESSION_CODEC_MASK;
  if (!isCompressionType(codec)) {
    throw new UnsupportedCompressionError(
      `Record batch attributes name compression codec ${codec}, which Kafka does not define.`,
    );
  }
  if (codec === CompressionType.ZSTD && requestVersion < FIRST_ZSTD_PRODUCE_VERSION) {
    throw new UnsupportedCompressionError(
      `Produce requests v${requestVersion} may not use zstd compression (v${FIRST_ZSTD_PRODUCE_VERSION}+ may).`,
    );
  }
  if (attributes & CONTROL_FLAG_MASK) {
    throw new InvalidRecordError('Clients are not allowed to write control batches.');
  }
  if (attributes & TIMESTAMP_TYPE_MASK) {
    throw new InvalidTimestampError('Producers must not set the batch timestamp type to LogAppendTime.');
  }
  if (attributes & DELETE_HORIZON_FLAG_MASK) {
    throw new InvalidRecordError('Clients are not allowed to set the delete-horizon flag of a batch.');
  }
  const unsigned = attributes & 0xffff;
  if ((unsigned & ~PRODUCER_ATTRIBUTES) !== 0) {
    throw new InvalidRecordError(
      `Record batch attributes 0x${unsigned.toString(16)} set bits RecordBatch v2 reserves.`,
    );
  }
}
