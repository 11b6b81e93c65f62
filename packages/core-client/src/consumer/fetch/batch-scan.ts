/**
 * Walks the headers of the record batches in a Fetch response without decoding records: how many
 * bytes the complete batches take (Kafka cuts the last one at maxBytes) and where the next fetch
 * starts. Decoding waits until the runner delivers.
 */
import { BatchField, LOG_OVERHEAD, RECORD_BATCH_OVERHEAD } from '@samsa/protocol/on-demand';

export interface BatchScan {
  /** Bytes of the complete batches at the start of `records`. */
  bytes: number;
  /** One past the last offset of the last complete batch (-1n when there is none). */
  nextOffset: bigint;
  batches: number;
  /**
   * Byte position of a batch whose length field is impossible (below the batch header's size), where
   * the scan stopped: the bytes are corrupt. Undefined when there is none.
   */
  invalidLengthAt?: number;
}

export function scanBatches(records: Buffer): BatchScan {
  let pos = 0;
  let nextOffset = -1n;
  let batches = 0;
  let invalidLengthAt: number | undefined;
  const end = records.length;
  while (end - pos >= LOG_OVERHEAD) {
    const length = records.readInt32BE(pos + BatchField.length);
    const size = LOG_OVERHEAD + length;
    if (length < RECORD_BATCH_OVERHEAD - LOG_OVERHEAD) {
      invalidLengthAt = pos;
      break;
    }
    if (size > end - pos) break;
    const base = records.readBigInt64BE(pos + BatchField.baseOffset);
    nextOffset = base + BigInt(records.readInt32BE(pos + BatchField.lastOffsetDelta)) + 1n;
    pos += size;
    batches++;
  }
  return { bytes: pos, nextOffset, batches, invalidLengthAt };
}
