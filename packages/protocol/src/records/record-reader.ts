/**
 * Parsing one record (Kafka's DefaultRecord) from a records section:
 * Length varint | Attributes int8 | TimestampDelta varlong | OffsetDelta varint |
 * Key (varint length, -1 = null) | Value (same) | HeadersCount varint | [Key string, Value bytes]...
 * Each record is parsed with the cursor narrowed to its own length, and must fill it exactly.
 */
import { ProtocolDecodeError } from '../errors/samsa-error.js';
import type { RecordCursor } from './record-cursor.js';
import type { KafkaRecord, RecordHeader } from './record-types.js';

/** What a record's offset and timestamp are relative to. */
export interface RecordBase {
  baseOffset: bigint;
  /** `baseOffset` as a number when every offset of the batch is exact as one, else -1. */
  baseOffsetNumber: number;
  baseTimestamp: number;
  /** Set for LogAppendTime batches, whose records all carry the batch's MaxTimestamp. */
  logAppendTime: number | undefined;
}

/** A header is at least a one-byte key length and a one-byte value length. */
const MIN_HEADER_SIZE = 2;

/** Narrows the cursor to the next record; returns the section end to restore afterwards. */
function enterRecord(cursor: RecordCursor): number {
  const sectionEnd = cursor.end;
  const length = cursor.varint();
  if (length < 0 || length > sectionEnd - cursor.pos) {
    throw new ProtocolDecodeError(
      `record length ${length} does not fit in the ${sectionEnd - cursor.pos} bytes left`,
      cursor.pos,
      {
        reason: 'INVALID_RECORD',
      },
    );
  }
  cursor.end = cursor.pos + length;
  return sectionEnd;
}

function leaveRecord(cursor: RecordCursor, sectionEnd: number): void {
  if (cursor.pos !== cursor.end) {
    throw new ProtocolDecodeError(
      `record has ${cursor.end - cursor.pos} bytes after its last header`,
      cursor.pos,
      {
        reason: 'INVALID_RECORD',
      },
    );
  }
  cursor.end = sectionEnd;
}

function readHeaderCount(cursor: RecordCursor): number {
  const count = cursor.varint();
  if (count < 0 || count > (cursor.end - cursor.pos) / MIN_HEADER_SIZE) {
    throw new ProtocolDecodeError(`record declares ${count} headers, which cannot fit in it`, cursor.pos, {
      reason: 'INVALID_RECORD',
    });
  }
  return count;
}

/** Reads the next record; keys and values are views of the section. */
export function readRecord(cursor: RecordCursor, base: RecordBase): KafkaRecord {
  const sectionEnd = enterRecord(cursor);
  const attributes = cursor.int8();
  const timestampDelta = cursor.varlong();
  const offsetDelta = cursor.varint();
  const key = cursor.nullableBytes('record key');
  const value = cursor.nullableBytes('record value');
  const headerCount = readHeaderCount(cursor);
  const headers: RecordHeader[] = [];
  for (let i = 0; i < headerCount; i++) {
    const headerKey = cursor.string('header key');
    headers.push({ key: headerKey, value: cursor.nullableBytes('header value') });
  }
  leaveRecord(cursor, sectionEnd);
  return {
    // One bigint made from a number, where the sum of two would make two.
    offset:
      base.baseOffsetNumber >= 0 && offsetDelta >= 0
        ? BigInt(base.baseOffsetNumber + offsetDelta)
        : base.baseOffset + BigInt(offsetDelta),
    timestamp: base.logAppendTime ?? base.baseTimestamp + timestampDelta,
    key,
    value,
    headers,
    attributes,
  };
}

/** Checks the next record's framing without materialising it; returns its offset delta. */
export function skipRecord(cursor: RecordCursor): number {
  const sectionEnd = enterRecord(cursor);
  cursor.int8();
  cursor.varlong();
  const offsetDelta = cursor.varint();
  cursor.skipNullableBytes('record key');
  cursor.skipNullableBytes('record value');
  const headerCount = readHeaderCount(cursor);
  for (let i = 0; i < headerCount; i++) {
    cursor.skip(cursor.varint(), 'header key');
    cursor.skipNullableBytes('header value');
  }
  leaveRecord(cursor, sectionEnd);
  return offsetDelta;
}
