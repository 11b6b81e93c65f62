import { DEFAULT_MAX_DECOMPRESSED_BYTES } from '../compression/codec.js';
import { codecFor } from '../compression/codecs.js';
import { CompressionType } from '../compression/compression-type.js';
import { ProtocolDecodeError } from '../errors/samsa-error.js';
import { BatchField, CRC_START, RECORD_BATCH_OVERHEAD } from './batch-layout.js';
import { crc32c } from './crc32c.js';
import type { RecordBatchView } from './record-batch-view.js';

export interface DecodeRecordsOptions {
  /** Ceiling for the decompressed records of one batch (default 64 MiB). */
  maxDecompressedBytes?: number;
  /** Check the batch CRC before decoding (default true, like Kafka's check.crcs). */
  verifyCrc?: boolean;
}

/** The uncompressed records of a batch: `data[start, end)`. */
export interface RecordsSection {
  data: Buffer;
  start: number;
  end: number;
}

/** The smallest possible record: a one-byte length and six one-byte fields. */
export const MIN_RECORD_SIZE = 7;

export function verifyBatchCrc(batch: RecordBatchView): void {
  const computed = crc32c(batch.bytes, CRC_START, batch.bytes.length);
  if (computed !== batch.crc) {
    throw new ProtocolDecodeError(
      `record batch CRC is 0x${batch.crc.toString(16)} but its bytes checksum to 0x${computed.toString(16)}`,
      BatchField.crc,
      { reason: 'CRC_MISMATCH' },
    );
  }
}

/** Decompresses (if needed) the records of a framed batch, after checking its CRC if asked. */
export function recordsSection(batch: RecordBatchView, options: DecodeRecordsOptions = {}): RecordsSection {
  if (options.verifyCrc !== false) verifyBatchCrc(batch);
  if (batch.recordsCount < 0) {
    throw new ProtocolDecodeError(
      `record batch declares ${batch.recordsCount} records`,
      BatchField.recordsCount,
      {
        reason: 'RECORDS_COUNT_MISMATCH',
      },
    );
  }
  const bytes = batch.bytes;
  let section: RecordsSection;
  if (batch.compression === CompressionType.None) {
    section = { data: bytes, start: RECORD_BATCH_OVERHEAD, end: bytes.length };
  } else {
    const maxBytes = options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
    const data = codecFor(batch.compression).decompress(bytes.subarray(RECORD_BATCH_OVERHEAD), maxBytes);
    section = { data, start: 0, end: data.length };
  }
  // Checked before any per-record work so a huge declared count cannot drive allocation.
  if (batch.recordsCount > (section.end - section.start) / MIN_RECORD_SIZE) {
    throw new ProtocolDecodeError(
      `record batch declares ${batch.recordsCount} records but holds only ${section.end - section.start} bytes of them`,
      BatchField.recordsCount,
      { reason: 'RECORDS_COUNT_MISMATCH' },
    );
  }
  return section;
}
