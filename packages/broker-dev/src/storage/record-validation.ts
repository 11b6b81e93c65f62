/**
 * The record-level half of produce validation (Kafka's LogValidator.validateRecord over DefaultRecord):
 * one pass over a batch's (decompressed) records section that checks every record's framing, its offset
 * delta, its key on compacted topics and its timestamp, without materialising anything.
 *
 * The produce path runs this on every batch, so it is a plain varint walk: key, value and header bytes are
 * skipped by their lengths, positions live in locals and one module variable, and nothing is allocated per
 * record. Varints are held to what a correct encoder writes (5 bytes carry at most 32 bits, 10 bytes at most
 * 64), which is stricter than Kafka's reader: a batch accepted here decodes the same in every client.
 *
 * Layout of a record: Length varint | Attributes int8 | TimestampDelta varlong | OffsetDelta varint |
 * KeyLength varint (-1 = null) | Key | ValueLength varint (-1 = null) | Value | HeaderCount varint |
 * HeaderCount x [KeyLength varint (>= 0) | Key | ValueLength varint (-1 = null) | Value].
 */
import { InvalidRecordError, InvalidTimestampError } from './errors.js';

/** What a topic asks of each record (from its LogConfig). */
export interface RecordRules {
  /** cleanup.policy includes compact: every record needs a key. */
  keysRequired: boolean;
  /**
   * CreateTime topics: record timestamps must lie in [earliestTimestamp, latestTimestamp]
   * (message.timestamp.before/after.max.ms around the broker's clock). LogAppendTime topics ignore
   * them: their records get the broker's time.
   */
  createTime: boolean;
  earliestTimestamp: number;
  latestTimestamp: number;
}

/** Kafka's RecordBatch.NO_TIMESTAMP: records without a timestamp are never range-checked. */
const NO_TIMESTAMP = -1;

/** Position after the last varint read (module state, so reading one allocates nothing). */
let next = 0;

function recordError(index: number, problem: string): InvalidRecordError {
  return new InvalidRecordError(`Record ${index} of the batch is malformed: ${problem}.`);
}

/** A zig-zag varint at `pos` (at most 5 bytes, 32 bits); sets `next`. Throws for `index` on bad bytes. */
function readVarint(buf: Uint8Array, pos: number, end: number, index: number): number {
  let raw = 0;
  for (let shift = 0; shift < 28; shift += 7) {
    if (pos >= end) throw recordError(index, 'it ends inside a varint');
    const byte = buf[pos++];
    raw |= (byte & 0x7f) << shift;
    if (byte < 0x80) {
      next = pos;
      return (raw >>> 1) ^ -(raw & 1);
    }
  }
  if (pos >= end) throw recordError(index, 'it ends inside a varint');
  const last = buf[pos++];
  if (last > 0x0f) throw recordError(index, 'a varint is longer than 32 bits');
  raw |= last << 28;
  next = pos;
  return (raw >>> 1) ^ -(raw & 1);
}

/** A zig-zag varlong at `pos` (at most 10 bytes, 64 bits) as a number; sets `next`. */
function readVarlong(buf: Uint8Array, pos: number, end: number, index: number): number {
  let raw = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= end) throw recordError(index, 'it ends inside a varlong');
    const byte = buf[pos++];
    if (i === 9 && byte > 0x01) throw recordError(index, 'a varlong is longer than 64 bits');
    raw += (byte & 0x7f) * scale;
    if (byte < 0x80) {
      next = pos;
      return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
    }
    scale *= 128;
  }
  throw recordError(index, 'a varlong is longer than 10 bytes');
}

/** Skips a length-prefixed field at `pos` inside a record ending at `end`; -1 (null) only if `nullable`. */
function skipField(
  buf: Uint8Array,
  pos: number,
  end: number,
  index: number,
  what: string,
  nullable: boolean,
): number {
  const length = readVarint(buf, pos, end, index);
  if (length === -1 && nullable) return next;
  if (length < 0) throw recordError(index, `its ${what} has length ${length}`);
  if (length > end - next) throw recordError(index, `its ${what} of ${length} bytes runs past the record`);
  return next + length;
}

/**
 * Walks the `count` records in `buf[start, end)` of a batch whose BaseTimestamp is `baseTimestamp`, checking
 * each against `rules`. Returns the largest record timestamp (NO_TIMESTAMP when none is larger, and always
 * for LogAppendTime topics), which becomes a CreateTime batch's MaxTimestamp as in Kafka. Throws InvalidRecordError (framing, offset deltas, count,
 * keys) or InvalidTimestampError.
 */
export function walkRecords(
  buf: Uint8Array,
  start: number,
  end: number,
  count: number,
  baseTimestamp: number,
  rules: RecordRules,
): number {
  let maxTimestamp = NO_TIMESTAMP;
  let pos = start;
  for (let index = 0; index < count; index++) {
    if (pos >= end) {
      throw new InvalidRecordError(`Record batch declares ${count} records but holds ${index}.`);
    }
    const length = readVarint(buf, pos, end, index);
    pos = next;
    if (length < 0 || length > end - pos) {
      throw recordError(index, `its length ${length} does not fit the ${end - pos} bytes left`);
    }
    const recordEnd = pos + length;
    // Attributes: one byte, unused in RecordBatch v2.
    if (pos >= recordEnd) throw recordError(index, 'it is empty');
    pos++;
    const timestampDelta = readVarlong(buf, pos, recordEnd, index);
    const offsetDelta = readVarint(buf, next, recordEnd, index);
    if (offsetDelta !== index) {
      throw recordError(
        index,
        `its offset delta is ${offsetDelta}; a producer batch numbers records 0, 1, 2, ...`,
      );
    }
    pos = next;
    const keyLength = readVarint(buf, pos, recordEnd, index);
    pos = next;
    if (keyLength === -1) {
      if (rules.keysRequired) {
        throw new InvalidRecordError(
          'Compacted topic cannot accept a record without a key; set a record key.',
        );
      }
    } else if (keyLength < 0 || keyLength > recordEnd - pos) {
      throw recordError(index, `its key length ${keyLength} does not fit the record`);
    } else {
      pos += keyLength;
    }
    pos = skipField(buf, pos, recordEnd, index, 'value', true);
    const headerCount = readVarint(buf, pos, recordEnd, index);
    pos = next;
    // A header takes at least two bytes (two empty lengths).
    if (headerCount < 0 || headerCount > (recordEnd - pos) / 2) {
      throw recordError(index, `it declares ${headerCount} headers`);
    }
    for (let h = 0; h < headerCount; h++) {
      pos = skipField(buf, pos, recordEnd, index, 'header key', false);
      pos = skipField(buf, pos, recordEnd, index, 'header value', true);
    }
    if (pos !== recordEnd) throw recordError(index, `${recordEnd - pos} bytes follow its last header`);

    if (!rules.createTime) continue;
    const timestamp = baseTimestamp + timestampDelta;
    if (!Number.isSafeInteger(timestamp)) {
      throw new InvalidTimestampError(
        `Record ${index} has timestamp ${timestamp}, beyond the ±2^53 ms the dev broker keeps exactly.`,
      );
    }
    if (
      timestamp !== NO_TIMESTAMP &&
      (timestamp < rules.earliestTimestamp || timestamp > rules.latestTimestamp)
    ) {
      throw new InvalidTimestampError(
        `Timestamp ${timestamp} of record ${index} is out of range: it must lie within ` +
          `[${rules.earliestTimestamp}, ${rules.latestTimestamp}] (message.timestamp.before.max.ms / ` +
          'message.timestamp.after.max.ms around the broker clock).',
      );
    }
    if (timestamp > maxTimestamp) maxTimestamp = timestamp;
  }
  if (pos !== end) {
    throw new InvalidRecordError(`${end - pos} bytes follow the ${count} records the batch declares.`);
  }
  return maxTimestamp;
}
