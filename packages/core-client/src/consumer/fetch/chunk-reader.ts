/**
 * Reads one partition's fetched chunk record by record, decoding lazily: batches are framed as they
 * are reached, records decoded one at a time, keys and values left as views of the fetched bytes.
 * Control batches are never surfaced; under read_committed, batches of aborted transactions are
 * skipped using the Fetch response's AbortedTransactions list (Java's algorithm).
 */
import {
  iterateRecordBatches,
  iterateRecords,
  type KafkaRecord,
  type RecordBatchView,
  readControlRecord,
} from '../protocol-records.js';

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
  private readonly batches: Iterator<RecordBatchView>;
  private records: Iterator<KafkaRecord> | null = null;
  /** Leader epoch of the batch being read. */
  leaderEpoch = -1;
  private readonly abortedQueue: { producerId: bigint; firstOffset: bigint }[];
  private readonly abortedProducers = new Set<bigint>();
  private done = false;

  constructor(
    readonly chunk: FetchedChunk,
    private readonly options: ChunkReaderOptions,
  ) {
    this.batches = iterateRecordBatches(chunk.records);
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

  /** The next record to deliver, or null when the chunk is used up. */
  next(): KafkaRecord | null {
    const fetchOffset = this.chunk.fetchOffset;
    for (;;) {
      if (this.records !== null) {
        const r = this.records.next();
        if (!r.done) {
          if (r.value.offset < fetchOffset) continue;
          return r.value;
        }
        this.records = null;
      }
      const b = this.batches.next();
      if (b.done) {
        this.done = true;
        return null;
      }
      const batch = b.value;
      if (this.options.readCommitted && batch.producerId >= 0n) {
        const lastOffset = batch.baseOffset + BigInt(batch.lastOffsetDelta);
        while (this.abortedQueue.length > 0 && this.abortedQueue[0].firstOffset <= lastOffset) {
          this.abortedProducers.add(this.abortedQueue.shift()!.producerId);
        }
        if (batch.isControl) {
          if (readControlRecord(batch, this.decodeOptions()).type === 'ABORT')
            this.abortedProducers.delete(batch.producerId);
          continue;
        }
        if (batch.isTransactional && this.abortedProducers.has(batch.producerId)) continue;
      }
      if (batch.isControl) continue;
      if (batch.baseOffset + BigInt(batch.lastOffsetDelta) < fetchOffset) continue;
      this.leaderEpoch = batch.partitionLeaderEpoch;
      this.records = iterateRecords(batch, this.decodeOptions());
    }
  }

  private decodeOptions() {
    return { maxDecompressedBytes: this.options.maxDecompressedBytes, verifyCrc: this.options.verifyCrc };
  }
}
