/**
 * The few RecordBatch v2 header operations storage needs. Batches stay bytes: storage reads
 * and patches fixed header fields and never decodes records on the append or fetch path.
 */
import { BatchField, CRC_START, CURRENT_MAGIC, LOG_OVERHEAD, RECORD_BATCH_OVERHEAD } from '@samsa/protocol';
import { crc32c } from './crc.js';

// The layout is the protocol package's (BatchField); the readers below return numbers rather than
// its bigints, since offsets and timestamps are compared on every append and fetch.

/** Bytes that must be present to read a batch's offsets and timestamps. */
export const BATCH_HEADER_PEEK = RECORD_BATCH_OVERHEAD;

const TWO_POW_32 = 4294967296;

/** Reads an i64 as a JS number; exact for |n| < 2^53, which every offset and timestamp is. */
export function readInt64(buf: Uint8Array, pos: number): number {
  const hi = (buf[pos] << 24) | (buf[pos + 1] << 16) | (buf[pos + 2] << 8) | buf[pos + 3];
  const lo = ((buf[pos + 4] << 24) | (buf[pos + 5] << 16) | (buf[pos + 6] << 8) | buf[pos + 7]) >>> 0;
  return hi * TWO_POW_32 + lo;
}

export function writeInt64(buf: Uint8Array, pos: number, value: number): void {
  const hi = Math.floor(value / TWO_POW_32);
  const lo = value - hi * TWO_POW_32;
  buf[pos] = hi >>> 24;
  buf[pos + 1] = hi >>> 16;
  buf[pos + 2] = hi >>> 8;
  buf[pos + 3] = hi;
  buf[pos + 4] = lo >>> 24;
  buf[pos + 5] = lo >>> 16;
  buf[pos + 6] = lo >>> 8;
  buf[pos + 7] = lo;
}

export function readInt32(buf: Uint8Array, pos: number): number {
  return (buf[pos] << 24) | (buf[pos + 1] << 16) | (buf[pos + 2] << 8) | buf[pos + 3];
}

export function writeInt32(buf: Uint8Array, pos: number, value: number): void {
  buf[pos] = value >>> 24;
  buf[pos + 1] = value >>> 16;
  buf[pos + 2] = value >>> 8;
  buf[pos + 3] = value;
}

export function readInt16(buf: Uint8Array, pos: number): number {
  return ((buf[pos] << 24) | (buf[pos + 1] << 16)) >> 16;
}

/** Total bytes of the batch at `pos` (header Length + 12), without any validation. */
export function batchSize(buf: Uint8Array, pos: number): number {
  return readInt32(buf, pos + BatchField.length) + LOG_OVERHEAD;
}

export function batchBaseOffset(buf: Uint8Array, pos: number): number {
  return readInt64(buf, pos + BatchField.baseOffset);
}

export function batchLastOffset(buf: Uint8Array, pos: number): number {
  return readInt64(buf, pos) + readInt32(buf, pos + BatchField.lastOffsetDelta);
}

export function batchMaxTimestamp(buf: Uint8Array, pos: number): number {
  return readInt64(buf, pos + BatchField.maxTimestamp);
}

export function batchAttributes(buf: Uint8Array, pos: number): number {
  return readInt16(buf, pos + BatchField.attributes);
}

export function batchProducerId(buf: Uint8Array, pos: number): number {
  return readInt64(buf, pos + BatchField.producerId);
}

export function batchLeaderEpoch(buf: Uint8Array, pos: number): number {
  return readInt32(buf, pos + BatchField.partitionLeaderEpoch);
}

/** Recomputes and stores the CRC of the batch at `pos` after a field inside the CRC range changed. */
export function rewriteBatchCrc(buf: Uint8Array, pos: number): void {
  const end = pos + batchSize(buf, pos);
  writeInt32(buf, pos + BatchField.crc, crc32c(buf, pos + CRC_START, end));
}

/**
 * Why the bytes at `buf[pos, end)` do not start with a complete, intact batch, or undefined if they do.
 * `checkCrc` is off only when the bytes were verified before (e.g. a log closed cleanly).
 */
export function batchProblem(
  buf: Uint8Array,
  pos: number,
  end: number,
  checkCrc: boolean,
): string | undefined {
  const available = end - pos;
  if (available < RECORD_BATCH_OVERHEAD)
    return `truncated batch header (${available} of ${RECORD_BATCH_OVERHEAD} bytes)`;
  const length = readInt32(buf, pos + BatchField.length);
  if (length < RECORD_BATCH_OVERHEAD - LOG_OVERHEAD) return `batch length ${length} is below the header size`;
  if (length + LOG_OVERHEAD > available)
    return `truncated batch (${available} of ${length + LOG_OVERHEAD} bytes)`;
  const magic = buf[pos + BatchField.magic];
  if (magic !== CURRENT_MAGIC) return `unsupported magic ${magic} (only RecordBatch v2 is stored)`;
  if (readInt32(buf, pos + BatchField.lastOffsetDelta) < 0) return 'negative lastOffsetDelta';
  if (checkCrc) {
    const expected = readInt32(buf, pos + BatchField.crc) >>> 0;
    const actual = crc32c(buf, pos + CRC_START, pos + LOG_OVERHEAD + length);
    if (expected !== actual) return `CRC32C mismatch (stored ${expected}, computed ${actual})`;
  }
  return undefined;
}
