import { readBatchHeader } from './batch-header.js';
import { BatchField, LOG_OVERHEAD } from './batch-layout.js';
import { checkBatchLength, checkMagic, type RecordBatchView } from './record-batch-view.js';

/**
 * Walks the record batches of a concatenation (a Fetch response's records, a log segment).
 * Views share memory with the input. Kafka cuts the last batch of a fetch at maxBytes, so a
 * final batch that is incomplete ends the iteration cleanly: `truncated` tells it happened and
 * `bytesConsumed` where the complete batches end (the next fetch resumes there).
 */
export class RecordBatchIterator implements IterableIterator<RecordBatchView> {
  /** Bytes of complete batches yielded so far, from the start offset. */
  bytesConsumed = 0;
  /** Set once iteration stopped at an incomplete final batch. */
  truncated = false;
  private position: number;

  constructor(
    private readonly buf: Buffer,
    private readonly start = 0,
    private readonly end = buf.length,
  ) {
    this.position = start;
  }

  next(): IteratorResult<RecordBatchView> {
    const pos = this.position;
    const remaining = this.end - pos;
    if (remaining < LOG_OVERHEAD) return this.stop(remaining > 0);
    const batchLength = this.buf.readInt32BE(pos + BatchField.length);
    checkBatchLength(batchLength, pos);
    const size = LOG_OVERHEAD + batchLength;
    if (size > remaining) return this.stop(true);
    checkMagic(this.buf.readInt8(pos + BatchField.magic), pos);
    const header = readBatchHeader(this.buf, pos);
    this.position = pos + size;
    this.bytesConsumed = this.position - this.start;
    return { done: false, value: { ...header, bytes: this.buf.subarray(pos, pos + size) } };
  }

  [Symbol.iterator](): RecordBatchIterator {
    return this;
  }

  private stop(truncated: boolean): IteratorResult<RecordBatchView> {
    this.truncated = truncated;
    return { done: true, value: undefined };
  }
}

/** Iterates the batches in `buf[start, end)`; see RecordBatchIterator. */
export function iterateRecordBatches(buf: Buffer, start = 0, end = buf.length): RecordBatchIterator {
  return new RecordBatchIterator(buf, start, end);
}
