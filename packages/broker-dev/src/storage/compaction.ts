/**
 * Log compaction (cleanup.policy=compact), after Kafka's LogCleaner: keep the latest record per key, keep
 * offsets and order, drop tombstones once their delete horizon (first cleaning + delete.retention.ms) has
 * passed, keep an emptied batch when it is a producer's last (its sequence numbers must survive), keep
 * control batches until their horizon passes and their producer has no data left in the cleaned range.
 * Pure functions over segments; PartitionLog decides what to clean and swaps results in.
 */
import {
  BatchField,
  CONTROL_FLAG_MASK,
  DELETE_HORIZON_FLAG_MASK,
  TIMESTAMP_TYPE_MASK,
} from '@samsa/protocol';
import type { RecordCodecs } from './compression.js';
import { batchAttributes, batchProducerId, readInt64 } from './record-batch.js';
import {
  type BatchHeader,
  decodeRecords,
  encodeBatch,
  readBatchHeader,
  type StoredRecord,
} from './records.js';
import { MAX_RELATIVE_OFFSET, type Segment } from './segment.js';
import type { StorageLogger } from './storage-logger.js';

export interface CleaningContext {
  nowMs: number;
  deleteRetentionMs: number;
  codecs: RecordCodecs;
  logger: StorageLogger;
  /** Names the partition in log lines. */
  where: string;
}

/** What the first pass learns about the range being cleaned. */
export interface OffsetMap {
  /** Key (latin1 of its bytes) → offset of its latest record. */
  latestByKey: Map<string, number>;
  /** Producer id → base offset of its last data batch (Kafka's lastDataOffset: markers do not count). */
  lastBatchByProducer: Map<number, number>;
}

export interface CleanedBatch {
  /** The batch to keep (the original bytes when nothing changed), or undefined to drop it. */
  batch: Buffer | undefined;
  recordsRemoved: number;
  /** Delete horizon of a kept batch that still holds tombstones or is a control batch; -1 otherwise. */
  pendingHorizonMs: number;
}

const keyOf = (key: Buffer): string => key.toString('latin1');

function isControl(batch: Buffer): boolean {
  return (batchAttributes(batch, 0) & CONTROL_FLAG_MASK) !== 0;
}

/** Decodes a batch or reports it once as uncleanable (unknown codec, bad record data): it is then kept whole. */
function tryDecode(batch: Buffer, context: CleaningContext): StoredRecord[] | undefined {
  try {
    return decodeRecords(batch, context.codecs);
  } catch (error) {
    const offset = readInt64(batch, BatchField.baseOffset);
    context.logger.warn(
      `${context.where}: keeping batch at offset ${offset} uncompacted: ${(error as Error).message}`,
    );
    return undefined;
  }
}

export function buildOffsetMap(segments: readonly Segment[], context: CleaningContext): OffsetMap {
  const latestByKey = new Map<string, number>();
  const lastBatchByProducer = new Map<number, number>();
  for (const segment of segments) {
    segment.forEachBatch((batch) => {
      if (isControl(batch)) return;
      const producerId = batchProducerId(batch, 0);
      if (producerId >= 0) lastBatchByProducer.set(producerId, readInt64(batch, BatchField.baseOffset));
      for (const record of tryDecode(batch, context) ?? []) {
        if (record.key) latestByKey.set(keyOf(record.key), record.offset);
      }
    });
  }
  return { latestByKey, lastBatchByProducer };
}

/**
 * Cleans one batch; batches must be passed in offset order. `producersWithData` tracks producers with
 * retained data since their last control batch: a transaction marker whose horizon passed is dropped only
 * when the transaction it ends has no data left.
 */
export function cleanBatch(
  batch: Buffer,
  map: OffsetMap,
  producersWithData: Set<number>,
  context: CleaningContext,
): CleanedBatch {
  const header = readBatchHeader(batch);
  const hasHorizon = (header.attributes & DELETE_HORIZON_FLAG_MASK) !== 0;
  const horizonPassed = hasHorizon && context.nowMs >= header.baseTimestamp;
  const newHorizon = context.nowMs + context.deleteRetentionMs;

  if (isControl(batch)) {
    const transactionHasData = producersWithData.delete(header.producerId);
    if (horizonPassed && !transactionHasData) {
      return { batch: undefined, recordsRemoved: header.recordsCount, pendingHorizonMs: -1 };
    }
    if (hasHorizon) return { batch, recordsRemoved: 0, pendingHorizonMs: header.baseTimestamp };
    const records = tryDecode(batch, context);
    if (!records) return { batch, recordsRemoved: 0, pendingHorizonMs: -1 };
    return {
      batch: withHorizon(header, records, newHorizon, context),
      recordsRemoved: 0,
      pendingHorizonMs: newHorizon,
    };
  }

  const records = tryDecode(batch, context);
  if (!records) {
    if (header.producerId >= 0) producersWithData.add(header.producerId);
    return { batch, recordsRemoved: 0, pendingHorizonMs: -1 };
  }
  const retained = records.filter((record) => {
    if (!record.key || map.latestByKey.get(keyOf(record.key)) !== record.offset) return false;
    return record.value !== null || !horizonPassed;
  });
  const holdsTombstones = retained.some((record) => record.value === null);
  const removed = records.length - retained.length;
  if (retained.length > 0 && header.producerId >= 0) producersWithData.add(header.producerId);

  if (removed === 0 && (!holdsTombstones || hasHorizon)) {
    return { batch, recordsRemoved: 0, pendingHorizonMs: holdsTombstones ? header.baseTimestamp : -1 };
  }
  if (retained.length === 0) {
    const producersLast =
      header.producerId >= 0 && map.lastBatchByProducer.get(header.producerId) === header.baseOffset;
    if (!producersLast) return { batch: undefined, recordsRemoved: removed, pendingHorizonMs: -1 };
    return { batch: encodeBatch(header, [], context.codecs), recordsRemoved: removed, pendingHorizonMs: -1 };
  }
  if (holdsTombstones && !hasHorizon) {
    return {
      batch: withHorizon(header, retained, newHorizon, context),
      recordsRemoved: removed,
      pendingHorizonMs: newHorizon,
    };
  }
  const rewritten = { ...header, maxTimestamp: maxTimestampOf(header, retained) };
  return {
    batch: encodeBatch(rewritten, retained, context.codecs),
    recordsRemoved: removed,
    pendingHorizonMs: holdsTombstones ? header.baseTimestamp : -1,
  };
}

/** KIP-534: the first cleaning stamps the delete horizon into BaseTimestamp and sets the attribute bit. */
function withHorizon(
  header: BatchHeader,
  records: StoredRecord[],
  horizonMs: number,
  context: CleaningContext,
) {
  const stamped: BatchHeader = {
    ...header,
    attributes: header.attributes | DELETE_HORIZON_FLAG_MASK,
    baseTimestamp: horizonMs,
    maxTimestamp: maxTimestampOf(header, records),
  };
  return encodeBatch(stamped, records, context.codecs);
}

function maxTimestampOf(header: BatchHeader, records: readonly StoredRecord[]): number {
  if (header.attributes & TIMESTAMP_TYPE_MASK || records.length === 0) return header.maxTimestamp;
  let max = -1;
  for (const record of records) if (record.timestamp > max) max = record.timestamp;
  return max;
}

/**
 * Groups consecutive segments so each group's total size fits segment.bytes (and relative offsets fit an
 * i32), as Kafka does: each group is rewritten into one segment, so small cleaned segments merge over time.
 */
export function groupSegments(segments: readonly Segment[], segmentBytes: number): Segment[][] {
  const groups: Segment[][] = [];
  let current: Segment[] = [];
  let size = 0;
  for (const segment of segments) {
    const first = current[0];
    const fits =
      first !== undefined &&
      size + segment.size <= segmentBytes &&
      segment.nextOffset - 1 - first.baseOffset <= MAX_RELATIVE_OFFSET;
    if (first !== undefined && !fits) {
      groups.push(current);
      current = [];
      size = 0;
    }
    current.push(segment);
    size += segment.size;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}
