import { ProtocolDecodeError } from '../errors/samsa-error.js';
import { type RecordBatchHeader, readBatchHeader } from './batch-header.js';
import { BatchField, CURRENT_MAGIC, LOG_OVERHEAD, RECORD_BATCH_OVERHEAD } from './batch-layout.js';

/** A batch's header fields plus `bytes`, a view (not a copy) of the whole batch. */
export interface RecordBatchView extends RecordBatchHeader {
  readonly bytes: Buffer;
}

/**
 * Frames the batch at `offset`: checks its length field and magic and returns a view of it.
 * Throws ProtocolDecodeError (reason TRUNCATED) when `buf` ends before the batch does.
 */
export function recordBatchView(buf: Buffer, offset = 0): RecordBatchView {
  const header = readBatchHeader(buf, offset);
  checkBatchLength(header.batchLength, offset);
  const size = LOG_OVERHEAD + header.batchLength;
  if (size > buf.length - offset) {
    throw new ProtocolDecodeError(
      `record batch of ${size} bytes is cut off after ${buf.length - offset}`,
      offset,
      {
        reason: 'TRUNCATED',
      },
    );
  }
  checkMagic(header.magic, offset);
  return { ...header, bytes: buf.subarray(offset, offset + size) };
}

/** A batch's Length field must at least cover the rest of its header. */
export function checkBatchLength(batchLength: number, offset: number): void {
  if (batchLength < RECORD_BATCH_OVERHEAD - LOG_OVERHEAD) {
    throw new ProtocolDecodeError(
      `record batch length ${batchLength} is smaller than the ${RECORD_BATCH_OVERHEAD - LOG_OVERHEAD}-byte minimum`,
      offset + BatchField.length,
      { reason: 'INVALID_LENGTH' },
    );
  }
}

export function checkMagic(magic: number, offset: number): void {
  if (magic !== CURRENT_MAGIC) {
    throw new ProtocolDecodeError(
      `record batch has magic ${magic}; only magic 2 (Kafka 0.11+) batches are supported`,
      offset + BatchField.magic,
      { reason: 'UNSUPPORTED_MAGIC' },
    );
  }
}

/** Accepts either a framed view or the bytes of one batch. */
export function toBatchView(batch: Buffer | RecordBatchView): RecordBatchView {
  return Buffer.isBuffer(batch) ? recordBatchView(batch) : batch;
}
