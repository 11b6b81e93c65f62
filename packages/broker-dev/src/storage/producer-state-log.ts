/**
 * How the log's batches drive its producer state (Kafka's UnifiedLog.updateProducers and
 * LogLoader.rebuildProducerState): every batch with a producer id, appended or replayed, updates
 * the producer's entry; a COMMIT/ABORT marker ends its open transaction, and an ABORT that ended
 * one gets an entry in the aborted-transaction index of the marker's segment. After a restart the
 * state is the newest usable snapshot plus a replay of the batches written after it.
 */
import { BatchField, CONTROL_FLAG_MASK, readControlRecord, TRANSACTIONAL_FLAG_MASK } from '@samsa/protocol';
import {
  CorruptSnapshotError,
  deleteProducerSnapshot,
  readProducerSnapshot,
  snapshotOffsets,
} from './producer-snapshot.js';
import { type CompletedTxn, lastSequenceOf, type ProducerStateManager } from './producer-state.js';
import {
  batchAttributes,
  batchBaseOffset,
  batchLastOffset,
  batchMaxTimestamp,
  batchProducerId,
  batchSize,
  readInt16,
  readInt32,
} from './record-batch.js';
import type { Segment } from './segment.js';
import type { StorageLogger } from './storage-logger.js';

/**
 * Applies the batch at `buf[pos]` (offsets assigned, written to the log) to the producer state.
 * Returns the transaction a marker completed, so the caller can index an aborted one.
 */
export function applyBatch(
  producers: ProducerStateManager,
  buf: Buffer,
  pos: number,
): CompletedTxn | undefined {
  const producerId = batchProducerId(buf, pos);
  if (producerId < 0) return undefined;
  const attributes = batchAttributes(buf, pos);
  const epoch = readInt16(buf, pos + BatchField.producerEpoch);
  const baseOffset = batchBaseOffset(buf, pos);
  if (attributes & CONTROL_FLAG_MASK) {
    // An empty control batch is a marker the cleaner emptied: its transaction's data is gone too.
    if (readInt32(buf, pos + BatchField.recordsCount) === 0) return undefined;
    const marker = readControlRecord(buf.subarray(pos, pos + batchSize(buf, pos)));
    if (marker.type !== 'ABORT' && marker.type !== 'COMMIT') return undefined;
    return producers.appendMarker(
      producerId,
      epoch,
      marker.coordinatorEpoch ?? -1,
      marker.type === 'ABORT',
      baseOffset,
      marker.timestamp,
    );
  }
  const baseSequence = readInt32(buf, pos + BatchField.baseSequence);
  const delta = readInt32(buf, pos + BatchField.lastOffsetDelta);
  producers.appendDataBatch(
    producerId,
    epoch,
    baseSequence,
    lastSequenceOf(baseSequence, delta),
    baseOffset,
    batchLastOffset(buf, pos),
    batchMaxTimestamp(buf, pos),
    (attributes & TRANSACTIONAL_FLAG_MASK) !== 0,
  );
  return undefined;
}

export interface ProducerStateRecovery {
  producers: ProducerStateManager;
  /** The partition directory holding the snapshots; undefined in memory (replay from the start). */
  dir: string | undefined;
  segments: readonly Segment[];
  logStartOffset: number;
  /** Segments whose aborted-transaction index is rebuilt by the replay (the others' were loaded). */
  rebuildTxnIndex: ReadonlySet<Segment>;
  logger: StorageLogger;
  where: string;
}

/**
 * Rebuilds the producer state: loads the newest snapshot at or before the first segment whose
 * aborted-transaction index must be rebuilt (and not past the log end), then replays every batch
 * from its offset. Snapshots beyond the log end (left by a truncation) and corrupt ones are deleted.
 */
export function recoverProducerState(recovery: ProducerStateRecovery): void {
  const { producers, dir, segments } = recovery;
  const logEnd = segments.length > 0 ? segments[segments.length - 1].nextOffset : 0;
  let replayFrom = logEnd;
  for (const segment of recovery.rebuildTxnIndex) replayFrom = Math.min(replayFrom, segment.baseOffset);
  producers.clear();
  let loadedAt = -1;
  if (dir !== undefined) {
    const offsets = snapshotOffsets(dir);
    for (const offset of offsets) if (offset > logEnd) deleteProducerSnapshot(dir, offset);
    for (const offset of offsets.filter((o) => o <= replayFrom).reverse()) {
      try {
        producers.load(readProducerSnapshot(dir, offset));
        loadedAt = offset;
        break;
      } catch (error) {
        const why = error instanceof CorruptSnapshotError ? error.message : (error as Error).message;
        recovery.logger.warn(`${recovery.where}: deleting unusable producer snapshot at ${offset}: ${why}`);
        deleteProducerSnapshot(dir, offset);
      }
    }
  }
  const from = Math.max(loadedAt, recovery.logStartOffset, 0);
  let replayed = 0;
  for (const segment of segments) {
    if (segment.nextOffset <= from) continue;
    const indexAborts = recovery.rebuildTxnIndex.has(segment);
    segment.forEachBatch((batch) => {
      if (batchLastOffset(batch, 0) < from) return;
      replayed++;
      const completed = applyBatch(producers, batch, 0);
      if (completed?.aborted && indexAborts) segment.txnIndex.append(completed);
    });
  }
  if (replayed > 0) {
    recovery.logger.info(
      `${recovery.where}: producer state of ${producers.size} producer(s) from ${loadedAt >= 0 ? `the snapshot at ${loadedAt}` : 'no snapshot'} and ${replayed} replayed batch(es)`,
    );
  }
}
