import { ProtocolDecodeError } from '../errors/samsa-error.js';
import { TimestampType } from './batch-layout.js';
import { type RecordBatchView, toBatchView } from './record-batch-view.js';
import { RecordCursor } from './record-cursor.js';
import { type RecordBase, readRecord } from './record-reader.js';
import type { KafkaRecord } from './record-types.js';
import { type DecodeRecordsOptions, recordsSection } from './records-section.js';

/** Offsets up to here are exact as doubles, with room for any offset delta (an int32). */
const SAFE_BASE_OFFSET = BigInt(Number.MAX_SAFE_INTEGER) - 2n ** 31n;

function recordBase(batch: RecordBatchView): RecordBase {
  const { baseOffset } = batch;
  return {
    baseOffset,
    baseOffsetNumber: baseOffset >= 0n && baseOffset <= SAFE_BASE_OFFSET ? Number(baseOffset) : -1,
    baseTimestamp: batch.baseTimestamp,
    logAppendTime: batch.timestampType === TimestampType.LogAppendTime ? batch.maxTimestamp : undefined,
  };
}

function tooFewRecords(declared: number, found: number, at: number): ProtocolDecodeError {
  return new ProtocolDecodeError(`record batch declares ${declared} records but holds ${found}`, at, {
    reason: 'RECORDS_COUNT_MISMATCH',
  });
}

function trailingBytes(declared: number, cursor: RecordCursor): ProtocolDecodeError {
  return new ProtocolDecodeError(
    `${cursor.end - cursor.pos} bytes remain after the ${declared} records the batch declares`,
    cursor.pos,
    { reason: 'RECORDS_COUNT_MISMATCH' },
  );
}

/**
 * Decodes every record of one batch (a Buffer holding exactly one batch, or a view from
 * iterateRecordBatches). Uncompressed keys and values are views of the batch; compressed
 * batches are inflated once (bounded by `maxDecompressedBytes`) and viewed into.
 */
export function decodeRecords(
  batch: Buffer | RecordBatchView,
  options?: DecodeRecordsOptions,
): KafkaRecord[] {
  const view = toBatchView(batch);
  const section = recordsSection(view, options);
  const cursor = new RecordCursor(section.data, section.start, section.end);
  const base = recordBase(view);
  const records: KafkaRecord[] = [];
  for (let i = 0; i < view.recordsCount; i++) {
    if (cursor.pos >= cursor.end) throw tooFewRecords(view.recordsCount, i, cursor.pos);
    records.push(readRecord(cursor, base));
  }
  if (cursor.pos !== cursor.end) throw trailingBytes(view.recordsCount, cursor);
  return records;
}

/**
 * Decodes a batch's records one at a time, for consumers that stop early or want to spread the
 * work. The CRC check and decompression happen up front; malformed records throw when reached.
 */
export class RecordIterator implements IterableIterator<KafkaRecord> {
  private readonly cursor: RecordCursor;
  private readonly base: RecordBase;
  private readonly count: number;
  private index = 0;

  constructor(batch: Buffer | RecordBatchView, options?: DecodeRecordsOptions) {
    const view = toBatchView(batch);
    const section = recordsSection(view, options);
    this.cursor = new RecordCursor(section.data, section.start, section.end);
    this.base = recordBase(view);
    this.count = view.recordsCount;
  }

  next(): IteratorResult<KafkaRecord> {
    const record = this.nextRecord();
    return record === null ? { done: true, value: undefined } : { done: false, value: record };
  }

  /** The next record, or null after the last: `next()` without an iterator result per record. */
  nextRecord(): KafkaRecord | null {
    const cursor = this.cursor;
    if (this.index === this.count) {
      if (cursor.pos !== cursor.end) throw trailingBytes(this.count, cursor);
      return null;
    }
    if (cursor.pos >= cursor.end) throw tooFewRecords(this.count, this.index, cursor.pos);
    this.index++;
    return readRecord(cursor, this.base);
  }

  [Symbol.iterator](): RecordIterator {
    return this;
  }
}

/** A lazy iterator over one batch's records; see RecordIterator. */
export function iterateRecords(
  batch: Buffer | RecordBatchView,
  options?: DecodeRecordsOptions,
): RecordIterator {
  return new RecordIterator(batch, options);
}
