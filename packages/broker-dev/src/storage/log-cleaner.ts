/**
 * Compaction of one partition log (Kafka's Cleaner for one log): picks the cleanable segments (sealed,
 * older than min.compaction.lag.ms, and wholly below the last stable offset, so only decided
 * transactions are cleaned), cleans them group by group with compaction.ts's rules, rebuilds their
 * aborted-transaction index, and swaps the results in through the log's backend.
 */
import {
  buildOffsetMap,
  CleanedTransactions,
  type CleaningContext,
  cleanBatch,
  groupSegments,
  type LastRecordOfProducer,
} from './compaction.js';
import type { RecordCodecs } from './compression.js';
import type { LogBackend } from './log-backend.js';
import type { LogConfig } from './log-config.js';
import type { ProducerStateManager } from './producer-state.js';
import type { Segment } from './segment.js';
import type { StorageLogger } from './storage-logger.js';
import type { AbortedTxn } from './transaction-index.js';

export interface CompactionResult {
  cleanedSegments: number;
  resultingSegments: number;
  bytesBefore: number;
  bytesAfter: number;
  recordsRemoved: number;
}

/** The parts of a PartitionLog the cleaner works on. */
export interface CleanableLog {
  readonly name: string;
  readonly config: Readonly<LogConfig>;
  /** The log's live segment list: the cleaner splices cleaned segments into it. */
  readonly segments: Segment[];
  readonly backend: LogBackend;
  readonly lastStableOffset: number;
  readonly producers: ProducerStateManager;
  readonly codecs: RecordCodecs;
  readonly logger: StorageLogger;
  collectAbortedTransactions(fetchOffset: number, upperBoundOffset: number): AbortedTxn[];
}

export class LogCleaner {
  /** Compaction cleaned everything below this offset (re-cleaning only starts when new data passes it). */
  private cleanedUpTo = 0;
  /** Earliest delete horizon of a retained tombstone or marker; -1 when none is pending. */
  private nextHorizonMs = -1;

  constructor(private readonly log: CleanableLog) {}

  /** The log was truncated: what was cleaned above the new end is gone. */
  truncated(logEndOffset: number): void {
    this.cleanedUpTo = Math.min(this.cleanedUpTo, logEndOffset);
  }

  /**
   * Compacts the cleanable segments: latest record per key, tombstones and finished transactions' markers
   * dropped after delete.retention.ms, aborted records dropped, offsets preserved; the active segment is
   * never touched. Undefined when no new data became cleanable since the last run and no delete horizon is due.
   */
  clean(nowMs: number): CompactionResult | undefined {
    const log = this.log;
    const segments = log.segments;
    const lagLimit = nowMs - log.config.minCompactionLagMs;
    const lastStable = log.lastStableOffset;
    let cleanableCount = 0;
    while (
      cleanableCount < segments.length - 1 &&
      segments[cleanableCount].maxTimestamp <= lagLimit &&
      segments[cleanableCount + 1].baseOffset <= lastStable
    ) {
      cleanableCount++;
    }
    if (cleanableCount === 0) return undefined;
    const cleanable = segments.slice(0, cleanableCount);
    const cleanableEnd = segments[cleanableCount].baseOffset;
    const horizonDue = this.nextHorizonMs >= 0 && nowMs >= this.nextHorizonMs;
    if (cleanableEnd <= this.cleanedUpTo && !horizonDue) return undefined;

    const lastRecords = new Map<number, LastRecordOfProducer>();
    for (const entry of log.producers.entries()) {
      lastRecords.set(entry.producerId, { lastDataOffset: entry.lastDataOffset, epoch: entry.epoch });
    }
    const context: CleaningContext = {
      nowMs,
      deleteRetentionMs: log.config.deleteRetentionMs,
      codecs: log.codecs,
      logger: log.logger,
      where: log.name,
      lastRecords,
    };
    const aborted = log.collectAbortedTransactions(cleanable[0].baseOffset, cleanableEnd);
    const map = buildOffsetMap(cleanable, aborted, context);
    const transactions = new CleanedTransactions(aborted);
    const result: CompactionResult = {
      cleanedSegments: cleanable.length,
      resultingSegments: 0,
      bytesBefore: 0,
      bytesAfter: 0,
      recordsRemoved: 0,
    };
    let nextHorizon = -1;
    for (const segment of cleanable) result.bytesBefore += segment.size;
    // Groups are sized before cleaning (as in Kafka), so a second, copy-only pass merges what cleaning shrank.
    const cleaned = this.rewriteGroups(
      cleanable,
      (replacement) => {
        transactions.cleanedIndex = replacement.txnIndex;
      },
      (batch, replacement) => {
        const outcome = cleanBatch(batch, map, transactions, context);
        result.recordsRemoved += outcome.recordsRemoved;
        if (outcome.pendingHorizonMs >= 0 && (nextHorizon < 0 || outcome.pendingHorizonMs < nextHorizon)) {
          nextHorizon = outcome.pendingHorizonMs;
        }
        if (outcome.batch) replacement.append(outcome.batch);
      },
    );
    const merged = this.rewriteGroups(
      cleaned,
      (replacement, group) => {
        for (const segment of group) for (const txn of segment.txnIndex.all) replacement.txnIndex.append(txn);
      },
      (batch, replacement) => replacement.append(batch),
      2,
    );
    result.resultingSegments = merged.length;
    for (const segment of merged) result.bytesAfter += segment.size;
    this.cleanedUpTo = cleanableEnd;
    this.nextHorizonMs = nextHorizon;
    return result;
  }

  /**
   * Rewrites consecutive `segments` group by group (each group fits segment.bytes) through `copy`, swapping
   * each result in for its group; `start` prepares each replacement. Groups smaller than `minGroupSize` are
   * left as they are. Returns the segments now covering the same range.
   */
  private rewriteGroups(
    segments: readonly Segment[],
    start: (replacement: Segment, group: readonly Segment[]) => void,
    copy: (batch: Buffer, replacement: Segment) => void,
    minGroupSize = 1,
  ): Segment[] {
    const { backend, config } = this.log;
    const live = this.log.segments;
    const out: Segment[] = [];
    for (const group of groupSegments(segments, config.segmentBytes)) {
      if (group.length < minGroupSize) {
        out.push(...group);
        continue;
      }
      const first = live.indexOf(group[0]);
      const endOffset = live[first + group.length].baseOffset;
      const replacement = backend.createReplacement(
        group[0].baseOffset,
        endOffset,
        config.indexIntervalBytes,
        group[0].createdAtMs,
      );
      try {
        start(replacement, group);
        for (const segment of group) segment.forEachBatch((batch) => copy(batch, replacement));
        backend.swapIn(replacement, endOffset, group);
      } catch (error) {
        backend.discardReplacement(replacement);
        throw error;
      }
      live.splice(first, group.length, replacement);
      out.push(replacement);
    }
    return out;
  }
}
