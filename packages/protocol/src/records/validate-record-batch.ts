import { ProtocolDecodeError } from '../errors/samsa-error.js';
import { BatchField, LOG_OVERHEAD } from './batch-layout.js';
import { type RecordBatchView, recordBatchView } from './record-batch-view.js';
import { RecordCursor } from './record-cursor.js';
import { skipRecord } from './record-reader.js';
import { recordsSection } from './records-section.js';

export interface ValidateRecordBatchOptions {
  /** Ceiling for the decompressed records (default 64 MiB). */
  maxDecompressedBytes?: number;
}

/**
 * Checks a produced batch the way Kafka's broker does before appending it (DefaultRecordBatch
 * .ensureValid and LogValidator): `buf` must hold exactly one magic-2 batch with a matching
 * CRC, a known codec, and records whose framing is sound, whose count matches the header and
 * whose offset deltas run 0, 1, 2, ... up to LastOffsetDelta. Throws ProtocolDecodeError
 * (its `reason` maps to a Kafka error code via kafkaErrorCodeForDecodeFailure); returns the
 * framed batch on success.
 */
export function validateRecordBatch(buf: Buffer, options: ValidateRecordBatchOptions = {}): RecordBatchView {
  const batch = recordBatchView(buf);
  if (batch.bytes.length !== buf.length) {
    throw new ProtocolDecodeError(
      `expected exactly one record batch, but ${buf.length - batch.bytes.length} bytes follow it`,
      batch.bytes.length,
      { reason: 'INVALID_LENGTH' },
    );
  }
  const section = recordsSection(batch, {
    maxDecompressedBytes: options.maxDecompressedBytes,
    verifyCrc: true,
  });
  const cursor = new RecordCursor(section.data, section.start, section.end);
  let count = 0;
  while (cursor.pos < cursor.end) {
    if (count === batch.recordsCount) break;
    const offsetDelta = skipRecord(cursor);
    if (offsetDelta !== count) {
      throw new ProtocolDecodeError(
        `record ${count} has offset delta ${offsetDelta}; expected ${count}`,
        cursor.pos,
        {
          reason: 'INVALID_RECORD',
        },
      );
    }
    count++;
  }
  if (count !== batch.recordsCount || cursor.pos !== cursor.end) {
    throw new ProtocolDecodeError(
      cursor.pos !== cursor.end
        ? `${cursor.end - cursor.pos} bytes remain after the ${batch.recordsCount} records the batch declares`
        : `record batch declares ${batch.recordsCount} records but holds ${count}`,
      LOG_OVERHEAD,
      { reason: 'RECORDS_COUNT_MISMATCH' },
    );
  }
  if (count > 0 && batch.lastOffsetDelta !== count - 1) {
    throw new ProtocolDecodeError(
      `LastOffsetDelta is ${batch.lastOffsetDelta} but the batch holds ${count} records`,
      BatchField.lastOffsetDelta,
      { reason: 'INVALID_RECORD' },
    );
  }
  return batch;
}
