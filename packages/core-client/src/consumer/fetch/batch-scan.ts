/**
 * Walks the headers of the record batches in a Fetch response without decoding records: how many
 * bytes the complete batches take (Kafka cuts the last one at maxBytes) and where the next fetch
 * starts. Decoding waits until the runner delivers.
 */
const LOG_OVERHEAD = 12;
const LAST_OFFSET_DELTA = 23;
const MIN_BATCH = 61;

export interface BatchScan {
  /** Bytes of the complete batches at the start of `records`. */
  bytes: number;
  /** One past the last offset of the last complete batch (-1n when there is none). */
  nextOffset: bigint;
  batches: number;
}

export function scanBatches(records: Buffer): BatchScan {
  let pos = 0;
  let nextOffset = -1n;
  let batches = 0;
  const end = records.length;
  while (end - pos >= LOG_OVERHEAD) {
    const length = records.readInt32BE(pos + 8);
    const size = LOG_OVERHEAD + length;
    if (length < MIN_BATCH - LOG_OVERHEAD || size > end - pos) break;
    const base = records.readBigInt64BE(pos);
    nextOffset = base + BigInt(records.readInt32BE(pos + LAST_OFFSET_DELTA)) + 1n;
    pos += size;
    batches++;
  }
  return { bytes: pos, nextOffset, batches };
}
