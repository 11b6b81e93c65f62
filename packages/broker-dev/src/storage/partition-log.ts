/**
 * The log of one topic partition: offset assignment, fetch reads, timestamp and leader-epoch lookups,
 * DeleteRecords, truncation, retention and compaction, and the producer state its batches build (idempotent
 * sequences, open transactions, the last stable offset and the aborted-transaction index). Segments live in
 * memory or on disk (LogBackend); everything else is the same code. All operations are synchronous: the
 * broker is one event loop and storage calls complete before the next request is handled, which keeps
 * ordering trivial.
 */
import {
  BatchField,
  CONTROL_FLAG_MASK,
  CURRENT_MAGIC,
  RECORD_BATCH_OVERHEAD,
  TIMESTAMP_TYPE_MASK,
} from '@samsa/protocol';
import { type AtomicWriteOptions, fsyncDirectory, fsyncDirectoryAsync } from './atomic-file.js';
import { gzipOnlyCodecs, type RecordCodecs } from './compression.js';
import { DiskLogBackend } from './disk-log-backend.js';
import { CorruptRecordError, OffsetOutOfRangeError, StorageClosedError } from './errors.js';
import { type EpochEndOffset, LeaderEpochCache } from './leader-epoch-cache.js';
import { type ClosePlan, type LogBackend, MemoryLogBackend, type SegmentMemory } from './log-backend.js';
import { type CompactionResult, LogCleaner } from './log-cleaner.js';
import { DEFAULT_LOG_CONFIG, type LogConfig } from './log-config.js';
import { type RecoveredLog, recoverPartitionDir, writeRebuiltIndexes } from './log-recovery.js';
import { ProducerStateManager } from './producer-state.js';
import { applyBatch, recoverProducerState } from './producer-state-log.js';
import type { ReadBufferPool } from './read-buffer-pool.js';
import {
  batchAttributes,
  batchBaseOffset,
  batchLastOffset,
  batchMaxTimestamp,
  batchProducerId,
  batchSize,
  readInt32,
  rewriteBatchCrc,
  writeInt32,
  writeInt64,
} from './record-batch.js';
import { decodeRecords } from './records.js';
import { MAX_RELATIVE_OFFSET, type Segment } from './segment.js';
import { partitionDirectory } from './segment-files.js';
import { consoleStorageLogger, type StorageLogger } from './storage-logger.js';
import type { AbortedTxn } from './transaction-index.js';

export interface PartitionLogOptions {
  topic: string;
  partition: number;
  config?: Partial<LogConfig>;
  /** Parent data directory: the log lives in `<dataDir>/<topic>-<partition>/`. Omit to keep it in memory. */
  dataDir?: string;
  /**
   * fsync every append before it returns (default: on segment roll, flush(), close(), and as the topic's
   * flush.messages / flush.ms ask, like Kafka).
   */
  syncWrites?: boolean;
  /** Decompression for compaction and timestamp lookups (default: gzip only). */
  codecs?: RecordCodecs;
  logger?: StorageLogger;
  /** Wall clock, injectable for tests. */
  now?: () => number;
  /** Without a dataDir: where segment bytes live (default 'auto', see SegmentMemory). */
  segmentMemory?: SegmentMemory;
  /**
   * On disk: the smallest active segment that closing checkpoints (index files, producer snapshot,
   * clean-shutdown marker); a smaller one is only synced and is scanned on the next open (default 1 MiB).
   */
  checkpointMinBytes?: number;
  /**
   * On disk: leave the directory fsync that recovery needs (removing the clean-shutdown marker) to
   * syncRecoveredDirectory(), so a LogManager opening thousands of logs runs them concurrently. The
   * log syncs it itself before its first change if that has not happened yet.
   */
  deferRecoverySync?: boolean;
}

/**
 * Below this an active segment is cheaper to scan on the next open (a read and a CRC32C pass over at
 * most a MiB) than to checkpoint at close (three files written and synced, and a directory fsync to
 * remove the marker on the next open), which on a disk with millisecond fsyncs decides how long
 * thousands of partitions take to stop and start.
 */
export const DEFAULT_CHECKPOINT_MIN_BYTES = 1 << 20;

export interface AppendOptions {
  /** Leader epoch written into every batch's PartitionLeaderEpoch. */
  leaderEpoch: number;
  /** Broker time for LogAppendTime topics (default: now). Ignored for CreateTime topics. */
  logAppendTimeMs?: number;
  /**
   * The caller hands `batches` over: nothing will modify the bytes afterwards, so an in-memory log
   * may keep this view instead of copying it (a request buffer of its own, see Connection).
   */
  adopt?: boolean;
}

export interface AppendResult {
  baseOffset: number;
  lastOffset: number;
  /** The stamped time for LogAppendTime topics, -1 for CreateTime (what ProduceResponse reports). */
  logAppendTimeMs: number;
}

export interface ReadOptions {
  /** Return the first batch even if it is larger than maxBytes (KIP-74). Default true. */
  minOneBatch?: boolean;
  /** Exclusive upper bound on batch base offsets, e.g. the LSO for read_committed. Default: high watermark. */
  maxOffset?: number;
  /** Pooled buffers for file-backed segments to read into (see ReadBufferPool). */
  readBuffers?: ReadBufferPool;
}

export interface OffsetAndTimestamp {
  offset: number;
  /** Timestamp of the record found, -1 for EARLIEST/LATEST. */
  timestamp: number;
}

export interface RetentionResult {
  deletedSegments: number;
  deletedBytes: number;
  logStartOffset: number;
}

export type { CompactionResult } from './log-cleaner.js';

export interface SegmentInfo {
  baseOffset: number;
  nextOffset: number;
  sizeInBytes: number;
  maxTimestamp: number;
}

/** ListOffsets special timestamps. */
export const ListOffsetsTimestamp = {
  latest: -1,
  earliest: -2,
  maxTimestamp: -3,
  earliestLocal: -4,
} as const;

export class PartitionLog {
  private segments: Segment[];
  private startOffset: number;
  private readonly epochs: LeaderEpochCache;
  private closed = false;
  private readonly cleaner: LogCleaner;
  /** Idempotent and transactional producers' state: sequences, epochs, open transactions. */
  readonly producers: ProducerStateManager;
  /** Records appended since the last fsync (flush.messages). */
  private unflushedRecords = 0;
  /** When the log was last fsynced (flush.ms). */
  private lastFlushMs: number;
  /** Opened from a checkpoint (see RecoveredLog.fromCheckpoint) and not changed since. */
  private checkpointCurrent: boolean;
  /** Recovery changed the directory and left its fsync to syncRecoveredDirectory (deferRecoverySync). */
  private directoryUnsynced: boolean;

  private constructor(
    readonly topic: string,
    readonly partition: number,
    private logConfig: LogConfig,
    private readonly backend: LogBackend,
    private readonly codecs: RecordCodecs,
    private readonly logger: StorageLogger,
    private readonly now: () => number,
    recovered: RecoveredLog,
    /** The partition directory when on disk. */
    readonly directory: string | undefined,
    /** Every append is fsynced by the segment store itself. */
    private readonly syncWrites: boolean,
    private readonly checkpointMinBytes: number,
  ) {
    this.lastFlushMs = now();
    this.checkpointCurrent = recovered.fromCheckpoint;
    this.directoryUnsynced = recovered.directoryUnsynced;
    this.segments = recovered.segments;
    this.startOffset = recovered.logStartOffset;
    this.epochs = recovered.epochs;
    if (this.segments.length === 0) {
      this.segments.push(backend.createSegment(this.startOffset, logConfig.indexIntervalBytes, now()));
    }
    this.producers = new ProducerStateManager(this.name);
    if (directory !== undefined) {
      this.reloadProducerState(recovered.rebuilt);
      writeRebuiltIndexes(directory, recovered);
      for (const segment of this.segments) segment.store.releasePeekWindow?.();
    }
    const log = this;
    this.cleaner = new LogCleaner({
      name: this.name,
      get config() {
        return log.logConfig;
      },
      get segments() {
        return log.segments;
      },
      backend,
      get lastStableOffset() {
        return log.lastStableOffset;
      },
      producers: this.producers,
      codecs,
      logger,
      collectAbortedTransactions: (from, to) => this.collectAbortedTransactions(from, to),
    });
  }

  static open(options: PartitionLogOptions): PartitionLog {
    const config: LogConfig = { ...DEFAULT_LOG_CONFIG, ...options.config };
    const logger = options.logger ?? consoleStorageLogger;
    const now = options.now ?? Date.now;
    const codecs = options.codecs ?? gzipOnlyCodecs;
    if (options.dataDir === undefined) {
      const empty = {
        segments: [],
        logStartOffset: 0,
        epochs: new LeaderEpochCache(),
        rebuilt: new Set<Segment>(),
        fromCheckpoint: false,
        directoryUnsynced: false,
      };
      const backend = new MemoryLogBackend(options.segmentMemory);
      return new PartitionLog(
        options.topic,
        options.partition,
        config,
        backend,
        codecs,
        logger,
        now,
        empty,
        undefined,
        false,
        0,
      );
    }
    const dir = partitionDirectory(options.dataDir, options.topic, options.partition);
    const syncWrites = options.syncWrites ?? false;
    const recovered = recoverPartitionDir(dir, {
      indexIntervalBytes: config.indexIntervalBytes,
      syncWrites,
      logger,
      deferDirectorySync: options.deferRecoverySync,
    });
    const backend = new DiskLogBackend(dir, syncWrites);
    return new PartitionLog(
      options.topic,
      options.partition,
      config,
      backend,
      codecs,
      logger,
      now,
      recovered,
      dir,
      syncWrites,
      options.checkpointMinBytes ?? DEFAULT_CHECKPOINT_MIN_BYTES,
    );
  }

  get name(): string {
    return `${this.topic}-${this.partition}`;
  }

  get config(): Readonly<LogConfig> {
    return this.logConfig;
  }

  get durable(): boolean {
    return this.backend.durable;
  }

  /** Applies a changed topic config (AlterConfigs); takes effect on the next append, roll or cleaning. */
  updateConfig(config: Partial<LogConfig>): void {
    this.logConfig = { ...this.logConfig, ...config };
  }

  /** Next offset to be assigned. With one replica the high watermark is the log end offset. */
  get highWatermark(): number {
    return this.active.nextOffset;
  }

  get logEndOffset(): number {
    return this.active.nextOffset;
  }

  get logStartOffset(): number {
    return this.startOffset;
  }

  /**
   * The last stable offset: the first offset of the earliest open transaction (not below the log start), or
   * the high watermark when none is open or it starts there (UnifiedLog.lastStableOffset).
   */
  get lastStableOffset(): number {
    const hwm = this.highWatermark;
    const firstUnstable = this.producers.firstUnstableOffset;
    if (firstUnstable < 0) return hwm;
    return Math.min(Math.max(firstUnstable, this.startOffset), hwm);
  }

  /**
   * The aborted transactions a read_committed fetch of [fetchOffset, upperBoundOffset) must be told about:
   * those overlapping the range, from the aborted-transaction indexes of the segment holding fetchOffset on
   * (Kafka's collectAbortedTransactions).
   */
  collectAbortedTransactions(fetchOffset: number, upperBoundOffset: number): AbortedTxn[] {
    this.checkOpen();
    const out: AbortedTxn[] = [];
    for (let i = this.segmentIndexFor(fetchOffset); i < this.segments.length; i++) {
      if (this.segments[i].txnIndex.collect(fetchOffset, upperBoundOffset, out)) break;
    }
    return out;
  }

  get sizeInBytes(): number {
    let size = 0;
    for (const segment of this.segments) size += segment.size;
    return size;
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  segmentInfo(): SegmentInfo[] {
    return this.segments.map((s) => ({
      baseOffset: s.baseOffset,
      nextOffset: s.nextOffset,
      sizeInBytes: s.size,
      maxTimestamp: s.maxTimestamp,
    }));
  }

  private get active(): Segment {
    return this.segments[this.segments.length - 1];
  }

  /**
   * Appends one or more concatenated RecordBatch v2 buffers that the produce path validated. Assigns offsets by
   * patching BaseOffset and PartitionLeaderEpoch in place (both outside the CRC); for LogAppendTime topics
   * also stamps MaxTimestamp and recomputes the CRC. The buffer is mutated; the log copies or writes it before
   * returning, so the caller may reuse it afterwards, unless `adopt` handed it over (memory keeps the view).
   * On disk, returning means the write syscall completed.
   */
  append(batches: Buffer, options: AppendOptions): AppendResult {
    this.checkOpen();
    const baseOffset = this.highWatermark;
    let nextOffset = baseOffset;
    let pos = 0;
    while (pos < batches.length) {
      const size = batches.length - pos >= RECORD_BATCH_OVERHEAD ? batchSize(batches, pos) : -1;
      const delta = size > 0 ? readInt32(batches, pos + BatchField.lastOffsetDelta) : -1;
      if (
        size < RECORD_BATCH_OVERHEAD ||
        pos + size > batches.length ||
        batches[pos + BatchField.magic] !== CURRENT_MAGIC ||
        delta < 0
      ) {
        throw new CorruptRecordError(`${this.name}: append got a malformed record batch at byte ${pos}.`);
      }
      nextOffset += delta + 1;
      pos += size;
    }
    if (batches.length === 0) throw new CorruptRecordError(`${this.name}: append got no record batch.`);

    this.changing();
    this.maybeRoll(batches.length, nextOffset - 1);
    const stampTime = this.logConfig.messageTimestampType === 'LogAppendTime';
    const logAppendTimeMs = stampTime ? (options.logAppendTimeMs ?? this.now()) : -1;
    let offset = baseOffset;
    for (pos = 0; pos < batches.length; pos += batchSize(batches, pos)) {
      writeInt64(batches, pos + BatchField.baseOffset, offset);
      writeInt32(batches, pos + BatchField.partitionLeaderEpoch, options.leaderEpoch);
      if (stampTime) {
        const attributes = batchAttributes(batches, pos) | TIMESTAMP_TYPE_MASK;
        batches.writeInt16BE(attributes, pos + BatchField.attributes);
        writeInt64(batches, pos + BatchField.maxTimestamp, logAppendTimeMs);
        rewriteBatchCrc(batches, pos);
      }
      offset = batchLastOffset(batches, pos) + 1;
    }
    this.active.append(batches, options.adopt ?? false);
    if (this.epochs.assign(options.leaderEpoch, baseOffset)) this.backend.saveLeaderEpochs(this.epochs);
    for (pos = 0; pos < batches.length; pos += batchSize(batches, pos)) {
      if (batchProducerId(batches, pos) < 0) continue;
      const completed = applyBatch(this.producers, batches, pos);
      if (completed?.aborted) this.active.txnIndex.append(completed);
    }
    this.afterAppend(nextOffset - baseOffset);
    return { baseOffset, lastOffset: nextOffset - 1, logAppendTimeMs };
  }

  /** Kafka's flush policy: fsync once flush.messages records or flush.ms passed since the last fsync. */
  private afterAppend(records: number): void {
    if (!this.backend.durable || this.syncWrites) return;
    this.unflushedRecords += records;
    if (this.unflushedRecords >= this.logConfig.flushMessages || this.flushIsDue(this.now())) this.flush();
  }

  private flushIsDue(nowMs: number): boolean {
    return this.unflushedRecords > 0 && nowMs - this.lastFlushMs >= this.logConfig.flushMs;
  }

  /** fsyncs the log if flush.ms has passed since the last fsync and something is unsynced (the broker's flusher). */
  flushIfDue(nowMs: number = this.now()): boolean {
    this.checkOpen();
    if (!this.flushIsDue(nowMs)) return false;
    this.flush();
    return true;
  }

  private maybeRoll(incomingBytes: number, lastOffset: number): void {
    const active = this.active;
    if (active.size === 0) return;
    const full = active.size + incomingBytes > this.logConfig.segmentBytes;
    const old = this.now() - active.createdAtMs >= this.logConfig.segmentMs;
    const offsetsOverflow = lastOffset - active.baseOffset > MAX_RELATIVE_OFFSET;
    if (full || old || offsetsOverflow) this.roll();
  }

  /** Seals the active segment and starts a new one at the high watermark (no-op while it is empty). */
  roll(): void {
    this.checkOpen();
    if (this.active.size === 0) return;
    this.changing();
    this.backend.sealSegment(this.active);
    // Sealing fsynced everything appended so far.
    this.markFlushed();
    // Kafka snapshots the producer state at every roll: a restart replays only the active segment.
    this.snapshotProducers();
    const segment = this.backend.createSegment(
      this.highWatermark,
      this.logConfig.indexIntervalBytes,
      this.now(),
    );
    this.segments.push(segment);
  }

  /**
   * Whole batches from the one containing `fetchOffset`, up to `maxBytes` (the first batch always, with
   * minOneBatch). Zero-copy slices of heap segments; one read per file-backed segment. Empty at the high
   * watermark.
   * Throws OffsetOutOfRangeError below the log start offset or above the high watermark.
   */
  read(fetchOffset: number, maxBytes: number, options: ReadOptions = {}): Buffer[] {
    this.checkOpen();
    const hwm = this.highWatermark;
    if (fetchOffset < this.startOffset || fetchOffset > hwm) {
      throw new OffsetOutOfRangeError(fetchOffset, this.startOffset, hwm, this.name);
    }
    const out: Buffer[] = [];
    const minOneBatch = options.minOneBatch ?? true;
    const maxOffset = Math.min(options.maxOffset ?? hwm, hwm);
    let bytes = 0;
    let offset = fetchOffset;
    for (let i = this.segmentIndexFor(fetchOffset); i < this.segments.length; i++) {
      const limits = {
        maxBytes: maxBytes - bytes,
        minOneBatch: minOneBatch && out.length === 0,
        maxOffset,
        readBuffers: options.readBuffers,
      };
      const result = this.segments[i].read(offset, limits, out);
      bytes += result.bytes;
      if (!result.reachedEnd || bytes >= maxBytes) break;
      offset = this.segments[i + 1]?.baseOffset ?? hwm;
    }
    return out;
  }

  /** Index of the segment that would hold `offset`. */
  private segmentIndexFor(offset: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.segments[mid].baseOffset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * ListOffsets: the first record with timestamp >= `timestamp`, or the special timestamps -1 (latest),
   * -2/-4 (earliest) and -3 (record with the largest timestamp). Undefined when no record qualifies (the
   * handler answers offset -1, timestamp -1).
   */
  offsetForTimestamp(timestamp: number): OffsetAndTimestamp | undefined {
    this.checkOpen();
    switch (timestamp) {
      case ListOffsetsTimestamp.latest:
        return { offset: this.highWatermark, timestamp: -1 };
      case ListOffsetsTimestamp.earliest:
      case ListOffsetsTimestamp.earliestLocal:
        return { offset: this.startOffset, timestamp: -1 };
      case ListOffsetsTimestamp.maxTimestamp: {
        const max = Math.max(-1, ...this.segments.map((segment) => segment.maxTimestamp));
        return max < 0 ? undefined : this.firstAtOrAfter(max);
      }
      default:
        return timestamp < 0 ? undefined : this.firstAtOrAfter(timestamp);
    }
  }

  private firstAtOrAfter(timestamp: number): OffsetAndTimestamp | undefined {
    for (const segment of this.segments) {
      if (segment.maxTimestamp < timestamp) continue;
      let position = segment.locateTimestamp(timestamp);
      while (position >= 0 && position < segment.size) {
        const batch = segment.batchAt(position);
        if (batchMaxTimestamp(batch, 0) >= timestamp && batchLastOffset(batch, 0) >= this.startOffset) {
          const found = this.recordAtOrAfter(batch, timestamp);
          if (found) return found;
        }
        position += batch.length;
      }
    }
    return undefined;
  }

  private recordAtOrAfter(batch: Buffer, timestamp: number): OffsetAndTimestamp | undefined {
    if (batchAttributes(batch, 0) & CONTROL_FLAG_MASK) return undefined;
    try {
      for (const record of decodeRecords(batch, this.codecs)) {
        if (record.offset >= this.startOffset && record.timestamp >= timestamp) {
          return { offset: record.offset, timestamp: record.timestamp };
        }
      }
      return undefined;
    } catch {
      // Without a codec for the batch, answer at batch granularity rather than not at all.
      const first = Math.max(batchBaseOffset(batch, 0), this.startOffset);
      return { offset: first, timestamp: batchMaxTimestamp(batch, 0) };
    }
  }

  /** The newest leader epoch the log knows, -1 when none. */
  get latestLeaderEpoch(): number {
    return this.epochs.latestEpoch;
  }

  /**
   * Leadership moved: `epoch` starts at the log end offset (persisted on disk). Kafka records this when a
   * broker becomes leader, not on the first append, so OffsetForLeaderEpoch knows an epoch in which nothing
   * was written yet, and an epoch in which nothing was written is replaced by the next one.
   */
  startLeaderEpoch(epoch: number): void {
    this.checkOpen();
    if (this.epochs.startEpoch(epoch, this.logEndOffset)) this.backend.saveLeaderEpochs(this.epochs);
  }

  /** OffsetForLeaderEpoch: the end offset of `epoch` (Kafka's LeaderEpochFileCache.endOffsetFor). */
  endOffsetForLeaderEpoch(epoch: number): EpochEndOffset {
    this.checkOpen();
    return this.epochs.endOffsetFor(epoch, this.highWatermark);
  }

  /**
   * DeleteRecords: makes `offset` the new log start offset (persisted) and deletes whole segments below it.
   * Returns the resulting log start offset. Throws OffsetOutOfRangeError above the high watermark.
   */
  deleteRecordsBefore(offset: number): number {
    this.checkOpen();
    if (offset < 0 || offset > this.highWatermark) {
      throw new OffsetOutOfRangeError(offset, this.startOffset, this.highWatermark, this.name);
    }
    if (offset <= this.startOffset) return this.startOffset;
    this.changing();
    this.startOffset = offset;
    this.backend.saveLogStartOffset(offset);
    this.deleteLeading((_segment, next) => (next ? next.baseOffset : this.highWatermark) <= this.startOffset);
    return this.startOffset;
  }

  /**
   * Removes every batch from the one containing `offset` on (for a leader change), so the log ends at a
   * batch boundary <= offset. Returns the new log end offset.
   */
  truncateTo(offset: number): number {
    this.checkOpen();
    if (offset >= this.highWatermark) return this.highWatermark;
    this.changing();
    if (offset <= this.startOffset) {
      for (const segment of this.segments) this.backend.deleteSegment(segment);
      this.segments = [this.backend.createSegment(offset, this.logConfig.indexIntervalBytes, this.now())];
      this.startOffset = offset;
      this.backend.saveLogStartOffset(offset);
    } else {
      const keep = this.segmentIndexFor(offset);
      for (const segment of this.segments.splice(keep + 1)) this.backend.deleteSegment(segment);
      // The kept segment becomes (or stays) the active one: its persisted indexes would go stale.
      this.backend.unsealSegment(this.active);
      this.active.truncateTo(offset);
    }
    if (this.epochs.truncateFromEnd(this.highWatermark)) this.backend.saveLeaderEpochs(this.epochs);
    this.cleaner.truncated(this.highWatermark);
    // Kafka's truncateAndReload: the newest snapshot at or below the new end, and a replay from there.
    this.reloadProducerState(new Set());
    return this.highWatermark;
  }

  /** The producer state from the newest usable snapshot and a replay (`rebuildTxnIndex`: see recovery). */
  private reloadProducerState(rebuildTxnIndex: ReadonlySet<Segment>): void {
    const { producers, directory: dir, segments, startOffset: logStartOffset, logger, name: where } = this;
    recoverProducerState({ producers, dir, segments, logStartOffset, rebuildTxnIndex, logger, where });
  }

  /**
   * Deletes whole segments by retention.ms and retention.bytes (cleanup.policy delete), oldest first, and any
   * segment entirely below the log start offset. The active segment is rolled first if it must go too.
   */
  applyRetention(nowMs: number = this.now()): RetentionResult {
    this.checkOpen();
    let deletedSegments = 0;
    let deletedBytes = 0;
    const count = (result: { segments: number; bytes: number }) => {
      deletedSegments += result.segments;
      deletedBytes += result.bytes;
    };
    const { cleanupPolicy, retentionMs, retentionBytes } = this.logConfig;
    if (cleanupPolicy.delete && retentionMs >= 0) {
      count(this.deleteLeading((segment) => segment.maxTimestamp < nowMs - retentionMs));
    }
    if (cleanupPolicy.delete && retentionBytes >= 0) {
      let excess = this.sizeInBytes - retentionBytes;
      count(
        this.deleteLeading((segment) => {
          if (excess - segment.size < 0) return false;
          excess -= segment.size;
          return true;
        }),
      );
    }
    count(
      this.deleteLeading(
        (_segment, next) => (next ? next.baseOffset : this.highWatermark) <= this.startOffset,
      ),
    );
    return { deletedSegments, deletedBytes, logStartOffset: this.startOffset };
  }

  /** Deletes the leading segments `shouldDelete` accepts; never leaves the log without an active segment. */
  private deleteLeading(shouldDelete: (segment: Segment, next: Segment | undefined) => boolean) {
    let count = 0;
    while (count < this.segments.length) {
      const segment = this.segments[count];
      const next = this.segments[count + 1];
      if (!next && segment.size === 0) break;
      if (!shouldDelete(segment, next)) break;
      count++;
    }
    if (count === 0) return { segments: 0, bytes: 0 };
    this.changing();
    if (count === this.segments.length) this.roll();
    let bytes = 0;
    for (const segment of this.segments.splice(0, count)) {
      bytes += segment.size;
      this.backend.deleteSegment(segment);
    }
    this.startOffset = Math.max(this.startOffset, this.segments[0].baseOffset);
    // The producer state stays (as in Kafka); snapshots of deleted segments go with them.
    this.backend.deleteProducerSnapshotsBefore(this.segments[0].baseOffset);
    return { segments: count, bytes };
  }

  /**
   * Forgets producers idle for producer.id.expiration.ms whose transaction is not open here (KIP-854);
   * returns how many went.
   */
  removeExpiredProducers(expirationMs: number, nowMs: number = this.now()): number {
    this.checkOpen();
    const removed = this.producers.removeExpired(nowMs, expirationMs);
    // The producer snapshot a checkpoint holds no longer matches.
    if (removed > 0) this.changing();
    return removed;
  }

  /**
   * Compacts the sealed segments older than min.compaction.lag.ms and below the last stable offset
   * (cleanup.policy compact, see LogCleaner). Undefined when there was nothing new to clean.
   */
  compact(nowMs: number = this.now()): CompactionResult | undefined {
    this.checkOpen();
    if (!this.logConfig.cleanupPolicy.compact) return undefined;
    const wasCurrent = this.checkpointCurrent;
    this.changing();
    const result = this.cleaner.clean(nowMs);
    // Nothing was cleaned: the checkpoint still holds.
    if (result === undefined) this.checkpointCurrent = wasCurrent;
    return result;
  }

  /** fsyncs the active segment (sealed ones were synced when they rolled). */
  flush(): void {
    this.checkOpen();
    this.backend.flush(this.active);
    this.markFlushed();
  }

  private markFlushed(): void {
    this.unflushedRecords = 0;
    this.lastFlushMs = this.now();
  }

  /**
   * The log's segments or producer state are about to change: a checkpoint it was opened from goes
   * stale, and what recovery changed in the directory (the marker's removal above all) must be durable
   * first, or a crash would trust a stale checkpoint.
   */
  private changing(): void {
    this.checkpointCurrent = false;
    if (this.directoryUnsynced && this.directory !== undefined) {
      fsyncDirectory(this.directory);
      this.directoryUnsynced = false;
    }
  }

  /** The directory fsync recovery left to the caller (deferRecoverySync), off the event loop. */
  async syncRecoveredDirectory(): Promise<void> {
    if (!this.directoryUnsynced || this.directory === undefined) return;
    await fsyncDirectoryAsync(this.directory);
    this.directoryUnsynced = false;
  }

  private closePlan(): ClosePlan {
    if (this.checkpointCurrent) return 'unchanged';
    return this.active.size >= this.checkpointMinBytes ? 'checkpoint' : 'rescan';
  }

  /**
   * Flushes and closes. On disk a large enough active segment is checkpointed: the producer state is
   * snapshotted at the log end and a clean shutdown marked, so the next open trusts the indexes and
   * replays nothing (see ClosePlan).
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const plan = this.closePlan();
    // backend.close fsyncs the directory before it marks the clean shutdown.
    if (plan === 'checkpoint') this.snapshotProducers({ syncDirectory: false });
    this.backend.close(this.segments, plan);
  }

  /** close() with its fsyncs off the event loop, so a LogManager can close many logs at once. */
  async closeAsync(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const plan = this.closePlan();
    if (plan === 'checkpoint' && this.backend.durable) {
      try {
        await this.backend.saveProducerSnapshotAsync(this.logEndOffset, this.producers.snapshot(), {
          syncDirectory: false,
        });
      } catch (error) {
        this.logger.warn(`${this.name}: cannot write a producer snapshot: ${(error as Error).message}`);
      }
    }
    await this.backend.closeAsync(this.segments, plan);
  }

  /** A snapshot only shortens the replay after a restart: failing to write one is not an error. */
  private snapshotProducers(options?: AtomicWriteOptions): void {
    if (!this.backend.durable) return;
    try {
      this.backend.saveProducerSnapshot(this.logEndOffset, this.producers.snapshot(), options);
    } catch (error) {
      this.logger.warn(`${this.name}: cannot write a producer snapshot: ${(error as Error).message}`);
    }
  }

  /** Closes and removes all data of the partition (DeleteTopics). */
  delete(): void {
    this.closed = true;
    this.backend.destroy(this.segments);
    this.segments = [];
  }

  private checkOpen(): void {
    if (this.closed) throw new StorageClosedError(`Partition log ${this.name} is closed.`);
  }
}
