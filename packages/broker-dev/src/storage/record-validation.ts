/**
 * The record-level half of produce validation (Kafka's LogValidator.validateRecord over DefaultRecord):
 * one pass over a batch's (decompressed) records section that checks every record's framing, its offset
 * delta, its key on compacted topics and its timestamp, without materialising anything.
 *
 * The produce path runs this on every batch, so it is a plain varint walk: key, value and header bytes are
 * skipped by their lengths, positions live in locals and one module variable, and nothing is allocated per
 * record. The varint readers stay small enough to be inlined (one- and two-byte varints, nearly every field,
 * take no loop) and report malformed bytes through `next` instead of throwing; building errors is left to
 * cold functions. Varints are held to what a correct encoder writes (5 bytes carry at most 32 bits, 10 bytes
 * at most 64), which is stricter than Kafka's reader: a batch accepted here decodes the same in every client.
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

/** Position after the last varint read, or -1 when its bytes were malformed (module state: no allocation). */
let next = 0;

/** A zig-zag varint (at most 5 bytes, 32 bits) at `pos`; sets `next`. */
function varint(buf: Uint8Array, pos: number, end: number): number {
  if (pos < end) {
    const first = buf[pos];
    if (first < 0x80) {
      next = pos + 1;
      return (first >>> 1) ^ -(first & 1);
    }
    if (pos + 1 < end && buf[pos + 1] < 0x80) {
      const raw = (first & 0x7f) | (buf[pos + 1] << 7);
      next = pos + 2;
      return (raw >>> 1) ^ -(raw & 1);
    }
  }
  return longVarint(buf, pos, end);
}

function longVarint(buf: Uint8Array, pos: number, end: number): number {
  let raw = 0;
  for (let shift = 0; shift < 28; shift += 7) {
    if (pos >= end) break;
    const byte = buf[pos++];
    raw |= (byte & 0x7f) << shift;
    if (byte < 0x80) {
      next = pos;
      return (raw >>> 1) ^ -(raw & 1);
    }
  }
  // The fifth byte may carry only the top four bits.
  if (pos >= end || buf[pos] > 0x0f) {
    next = -1;
    return 0;
  }
  raw |= buf[pos] << 28;
  next = pos + 1;
  return (raw >>> 1) ^ -(raw & 1);
}

/** A zig-zag varlong (at most 10 bytes, 64 bits) at `pos` as a number; sets `next`. */
function varlong(buf: Uint8Array, pos: number, end: number): number {
  if (pos < end && buf[pos] < 0x80) {
    const raw = buf[pos];
    next = pos + 1;
    return (raw >>> 1) ^ -(raw & 1);
  }
  return longVarlong(buf, pos, end);
}

function longVarlong(buf: Uint8Array, pos: number, end: number): number {
  let raw = 0;
  let scale = 1;
  for (let i = 0; i < 10 && pos < end; i++) {
    const byte = buf[pos++];
    // The tenth byte may carry only the top bit.
    if (i === 9 && byte > 0x01) break;
    raw += (byte & 0x7f) * scale;
    if (byte < 0x80) {
      next = pos;
      return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
    }
    scale *= 128;
  }
  next = -1;
  return 0;
}

type Problem =
  | 'missing'
  | 'varint'
  | 'length'
  | 'empty'
  | 'offsetDelta'
  | 'keyLength'
  | 'valueLength'
  | 'headerCount'
  | 'headerKeyLength'
  | 'headerValueLength'
  | 'trailing'
  | 'surplus';

const PROBLEMS: Record<Problem, (value: number) => string> = {
  missing: () => 'the batch ends before it',
  varint: () => 'a varint is cut off or longer than its type allows',
  length: (v) => `its length ${v} does not fit in the batch`,
  empty: () => 'it is empty',
  offsetDelta: (v) => `its offset delta is ${v}; a producer batch numbers its records 0, 1, 2, ...`,
  keyLength: (v) => `its key length ${v} does not fit in the record`,
  valueLength: (v) => `its value length ${v} does not fit in the record`,
  headerCount: (v) => `it declares ${v} headers`,
  headerKeyLength: (v) => `a header key length ${v} does not fit in the record`,
  headerValueLength: (v) => `a header value length ${v} does not fit in the record`,
  trailing: (v) => `${v} bytes follow its last header`,
  surplus: (v) => `${v} bytes follow it, beyond the records the batch declares`,
};

function malformed(index: number, problem: Problem, value = 0): never {
  throw new InvalidRecordError(`Record ${index} of the batch is malformed: ${PROBLEMS[problem](value)}.`);
}

function missingKey(): never {
  throw new InvalidRecordError('Compacted topic cannot accept a record without a key; set a record key.');
}

function timestampOutOfRange(index: number, timestamp: number, earliest: number, latest: number): never {
  if (!Number.isSafeInteger(timestamp)) {
    throw new InvalidTimestampError(
      `Record ${index} has timestamp ${timestamp}, beyond the ±2^53 ms the dev broker keeps exactly.`,
    );
  }
  throw new InvalidTimestampError(
    `Timestamp ${timestamp} of record ${index} is out of range: it must lie within [${earliest}, ${latest}] ` +
      '(message.timestamp.before.max.ms / message.timestamp.after.max.ms around the broker clock).',
  );
}

/**
 * Walks the `count` records in `buf[start, end)` of a batch whose BaseTimestamp is `baseTimestamp`, checking
 * each against `rules`. Returns the largest record timestamp (NO_TIMESTAMP when none is larger, and always
 * for LogAppendTime topics), which becomes a CreateTime batch's MaxTimestamp as in Kafka. Throws
 * InvalidRecordError (framing, offset deltas, count, keys) or InvalidTimestampError.
 */
export function walkRecords(
  buf: Uint8Array,
  start: number,
  end: number,
  count: number,
  baseTimestamp: number,
  rules: RecordRules,
): number {
  const walk = startRecordWalk(start);
  continueRecordWalk(walk, buf, end, end, count, baseTimestamp, rules);
  return finishRecordWalk(walk, end, count);
}

/** How far a walk in pieces (continueRecordWalk) got. */
export interface RecordWalk {
  /** The next record's index and position. */
  index: number;
  pos: number;
  maxTimestamp: number;
}

export function startRecordWalk(start: number): RecordWalk {
  return { index: 0, pos: start, maxTimestamp: NO_TIMESTAMP };
}

/**
 * Walks on from `walk` (as walkRecords does) over the records that start before `until`, so a caller can
 * check a batch piece by piece while each piece is in the CPU's cache (see produce-validation.ts). The
 * last record may extend past `until`, never past `end`.
 */
export function continueRecordWalk(
  walk: RecordWalk,
  buf: Uint8Array,
  until: number,
  end: number,
  count: number,
  baseTimestamp: number,
  rules: RecordRules,
): void {
  const { keysRequired, createTime, earliestTimestamp, latestTimestamp } = rules;
  let maxTimestamp = walk.maxTimestamp;
  let pos = walk.pos;
  let index = walk.index;
  for (; index < count && (pos < until || until === end); index++) {
    if (pos >= end) malformed(index, 'missing');
    const length = varint(buf, pos, end);
    pos = next;
    if (pos < 0) malformed(index, 'varint');
    if (length < 0 || length > end - pos) malformed(index, 'length', length);
    if (length === 0) malformed(index, 'empty');
    const recordEnd = pos + length;
    // Past the attributes byte, unused in RecordBatch v2.
    const timestampDelta = varlong(buf, pos + 1, recordEnd);
    if (next < 0) malformed(index, 'varint');
    const offsetDelta = varint(buf, next, recordEnd);
    if (next < 0) malformed(index, 'varint');
    if (offsetDelta !== index) malformed(index, 'offsetDelta', offsetDelta);
    const keyLength = varint(buf, next, recordEnd);
    pos = next;
    if (pos < 0) malformed(index, 'varint');
    if (keyLength === -1) {
      if (keysRequired) missingKey();
    } else {
      if (keyLength < 0 || keyLength > recordEnd - pos) malformed(index, 'keyLength', keyLength);
      pos += keyLength;
    }
    const valueLength = varint(buf, pos, recordEnd);
    pos = next;
    if (pos < 0) malformed(index, 'varint');
    if (valueLength !== -1) {
      if (valueLength < 0 || valueLength > recordEnd - pos) malformed(index, 'valueLength', valueLength);
      pos += valueLength;
    }
    const headerCount = varint(buf, pos, recordEnd);
    pos = next;
    if (pos < 0) malformed(index, 'varint');
    // A header takes at least two bytes (two empty lengths).
    if (headerCount < 0 || headerCount > (recordEnd - pos) / 2) malformed(index, 'headerCount', headerCount);
    for (let h = 0; h < headerCount; h++) {
      const headerKeyLength = varint(buf, pos, recordEnd);
      pos = next;
      if (pos < 0) malformed(index, 'varint');
      if (headerKeyLength < 0 || headerKeyLength > recordEnd - pos) {
        malformed(index, 'headerKeyLength', headerKeyLength);
      }
      pos += headerKeyLength;
      const headerValueLength = varint(buf, pos, recordEnd);
      pos = next;
      if (pos < 0) malformed(index, 'varint');
      if (headerValueLength !== -1) {
        if (headerValueLength < 0 || headerValueLength > recordEnd - pos) {
          malformed(index, 'headerValueLength', headerValueLength);
        }
        pos += headerValueLength;
      }
    }
    if (pos !== recordEnd) malformed(index, 'trailing', recordEnd - pos);
    if (createTime) {
      const timestamp = baseTimestamp + timestampDelta;
      if (
        !Number.isSafeInteger(timestamp) ||
        (timestamp !== NO_TIMESTAMP && (timestamp < earliestTimestamp || timestamp > latestTimestamp))
      ) {
        timestampOutOfRange(index, timestamp, earliestTimestamp, latestTimestamp);
      }
      if (timestamp > maxTimestamp) maxTimestamp = timestamp;
    }
  }
  walk.index = index;
  walk.pos = pos;
  walk.maxTimestamp = maxTimestamp;
}

/** Checks that a walk covered all `count` records and ended exactly at `end`; returns its max timestamp. */
export function finishRecordWalk(walk: RecordWalk, end: number, count: number): number {
  if (walk.index < count) malformed(walk.index, 'missing');
  if (walk.pos !== end) malformed(count, 'surplus', end - walk.pos);
  return walk.maxTimestamp;
}
