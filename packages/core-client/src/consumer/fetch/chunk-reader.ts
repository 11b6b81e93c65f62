/**
 * Reads one partition's fetched chunk record by record, decoding lazily: batches are framed as they
 * are reached, records decoded one at a time, keys and values left as views of the fetched bytes.
 * Control batches are never surfaced; under read_committed, batches of aborted transactions are
 * skipped using the Fetch response's AbortedTransactions list (Java's algorithm).
 *
 * A batch that does not decode stops the reader with a BatchDecodeFailure (thrown again on every
 * call) until the consumer decides: fetch it again (a new reader) or `skipFailedBatch()`.
 */
import {
  BatchField,
  crcCheckedOnArrival,
  LOG_OVERHEAD,
  RECORD_BATCH_OVERHEAD,
} from '@samsa/protocol/on-demand';
import {
  iterateRecordBatches,
  iterateRecords,
  type KafkaRecord,
  type RecordBatchView,
  type RecordIterator,
  readControlRecord,
} from '../protocol-records.js';
import { BatchDecodeFailure } from './corrupt-batches.js';

/** A transaction the broker says was aborted, from the Fetch response. */
export interface AbortedTransaction {
  producerId: bigint;
  firstOffset: bigint;
}

/** One partition's records from one Fetch response: whole batches, still encoded. */
export interface FetchedChunk {
  /** Complete record batches (a view of the response frame). */
  records: Buffer;
  /** The offset the fetch asked for; records before it inside the first batch are skipped. */
  fetchOffset: bigint;
  /** One past the last offset the batches cover: where the next fetch starts. */
  nextOffset: bigint;
  abortedTransactions: AbortedTransaction[] | null;
  highWatermark: bigint;
  /** Bytes charged against the buffer bounds. */
  bytes: number;
  /** Where delivery stands inside the chunk, once the runner started on it. */
  reader?: ChunkReader;
}

export interface ChunkReaderOptions {
  readCommitted: boolean;
  maxDecompressedBytes?: number;
  verifyCrc?: boolean;
}

export class ChunkReader {
  private batches: ReturnType<typeof iterateRecordBatches>;
  /** Where `batches` started in the chunk's bytes (it restarts after a skipped batch). */
  private batchesStart = 0;
  private records: RecordIterator | null = null;
  /** The batch being read, from when it was framed; null while framing the next one. */
  private batch: RecordBatchView | null = null;
  /** Where the batch being read ends in the chunk's bytes. */
  private batchEnd = 0;
  private failure: BatchDecodeFailure | null = null;
  private failureEnd = -1;
  /** Offset of the last record returned (null before the first). */
  private lastOffset: bigint | null = null;
  /** Leader epoch of the batch being read. */
  leaderEpoch = -1;
  private readonly abortedQueue: { producerId: bigint; firstOffset: bigint }[];
  private readonly abortedProducers = new Set<bigint>();
  private done = false;
  /** Date.now() when delivery of the chunk began, for KafkaJS's batch-process events; -1 until then. */
  processStartedAt = -1;
  private readonly decodeOptions: { maxDecompressedBytes?: number; verifyCrc?: boolean };
  /** For a batch whose CRC the connection checked as the Fetch response arrived (FetchCrcScanner). */
  private readonly checkedOnArrival: { maxDecompressedBytes?: number; verifyCrc: false };

  constructor(
    readonly chunk: FetchedChunk,
    private readonly options: ChunkReaderOptions,
  ) {
    this.batches = iterateRecordBatches(chunk.records);
    const { maxDecompressedBytes, verifyCrc } = options;
    this.decodeOptions = { maxDecompressedBytes, verifyCrc };
    this.checkedOnArrival = { maxDecompressedBytes, verifyCrc: false };
    this.abortedQueue =
      options.readCommitted && chunk.abortedTransactions
        ? [...chunk.abortedTransactions].sort((a, b) =>
            a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0,
          )
        : [];
  }

  get finished(): boolean {
    return this.done;
  }

  /** The offset after the last record returned: where delivery resumes if the chunk is fetched again. */
  get resumeAt(): bigint {
    return this.lastOffset === null ? this.chunk.fetchOffset : this.lastOffset + 1n;
  }

  /**
   * The next record to deliver, or null when the chunk is used up. Throws BatchDecodeFailure when a
   * batch does not decode, and again on every call until `skipFailedBatch()`.
   */
  next(): KafkaRecord | null {
    if (this.failure !== null) throw this.failure;
    try {
      const record = this.read();
      if (record !== null) this.lastOffset = record.offset;
      return record;
    } catch (err) {
      throw this.fail(err);
    }
  }

  /** Goes on after the batch that failed (its records are lost). */
  skipFailedBatch(): void {
    const failure = this.failure;
    if (failure === null || !failure.skippable) return;
    const skippedTo = failure.lastOffset ?? failure.baseOffset;
    if (this.lastOffset === null || skippedTo > this.lastOffset) this.lastOffset = skippedTo;
    this.failure = null;
    this.records = null;
    this.batch = null;
    this.batchesStart = this.failureEnd;
    this.batches = iterateRecordBatches(this.chunk.records, this.failureEnd);
  }

  private fail(err: unknown): BatchDecodeFailure {
    const bytes = this.chunk.records;
    const batch = this.batch;
    let failure: BatchDecodeFailure;
    if (batch !== null) {
      // Framed, but its records do not decode: its header says where it ends and what it covers.
      failure = new BatchDecodeFailure(
        batch.baseOffset,
        batch.lastOffsetDelta >= 0 ? batch.baseOffset + BigInt(batch.lastOffsetDelta) : null,
        true,
        err,
      );
      this.failureEnd = this.batchEnd;
    } else {
      // Framing failed (magic, length): the batch starts where the previous one ended.
      const at = this.batchesStart + this.batches.bytesConsumed;
      const baseOffset =
        bytes.length - at >= LOG_OVERHEAD ? bytes.readBigInt64BE(at + BatchField.baseOffset) : -1n;
      const length = bytes.length - at >= LOG_OVERHEAD ? bytes.readInt32BE(at + BatchField.length) : -1;
      const end = at + LOG_OVERHEAD + length;
      const framed = length >= RECORD_BATCH_OVERHEAD - LOG_OVERHEAD && end <= bytes.length;
      failure = new BatchDecodeFailure(baseOffset, null, framed, err);
      this.failureEnd = framed ? end : -1;
    }
    this.failure = failure;
    this.records = null;
    return failure;
  }

  private read(): KafkaRecord | null {
    const fetchOffset = this.chunk.fetchOffset;
    for (;;) {
      if (this.records !== null) {
        const record = this.records.nextRecord();
        if (record !== null) {
          if (record.offset < fetchOffset) continue;
          return record;
        }
        this.records = null;
      }
      this.batch = null;
      const b = this.batches.next();
      if (b.done) {
        this.done = true;
        return null;
      }
      const batch = b.value;
      this.batch = batch;
      this.batchEnd = this.batchesStart + this.batches.bytesConsumed;
      if (this.options.readCommitted && batch.producerId >= 0n) {
        const lastOffset = batch.baseOffset + BigInt(batch.lastOffsetDelta);
        while (this.abortedQueue.length > 0 && this.abortedQueue[0].firstOffset <= lastOffset) {
          this.abortedProducers.add(this.abortedQueue.shift()!.producerId);
        }
        if (batch.isControl) {
          if (readControlRecord(batch, this.decodeOptions).type === 'ABORT')
            this.abortedProducers.delete(batch.producerId);
          continue;
        }
        if (batch.isTransactional && this.abortedProducers.has(batch.producerId)) continue;
      }
      if (batch.isControl) continue;
      if (batch.baseOffset + BigInt(batch.lastOffsetDelta) < fetchOffset) continue;
      this.leaderEpoch = batch.partitionLeaderEpoch;
      this.records = iterateRecords(
        batch,
        this.options.verifyCrc !== false && crcCheckedOnArrival(batch.bytes)
          ? this.checkedOnArrival
          : this.decodeOptions,
      );
    }
  }
}
