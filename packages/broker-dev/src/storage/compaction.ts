/**
 * Log compaction (cleanup.policy=compact), after Kafka's LogCleaner: keep the latest record per key, keep
 * offsets and order, drop tombstones once their delete horizon (first cleaning + delete.retention.ms) has
 * passed. With idempotent and transactional producers (the LogCleaner header's rules): a producer's last
 * batch is kept, emptied if need be, so its sequence and epoch survive; records of aborted transactions go
 * whatever their keys; a transaction marker is kept until no data of its transaction is left, then gets a
 * delete horizon and goes once it passed. The caller never cleans past the last stable offset.
 * Pure functions over segments; the LogCleaner decides what to clean and swaps results in.
 */
import {
  BatchField,
  CONTROL_FLAG_MASK,
  DELETE_HORIZON_FLAG_MASK,
  TIMESTAMP_TYPE_MASK,
  TRANSACTIONAL_FLAG_MASK,
} from '@samsa/protocol';
import type { RecordCodecs } from './compression.js';
import { batchAttributes, readInt16, readInt64 } from './record-batch.js';
import {
  type BatchHeader,
  decodeRecords,
  encodeBatch,
  readBatchHeader,
  type StoredRecord,
} from './records.js';
import { MAX_RELATIVE_OFFSET, type Segment } from './segment.js';
import type { StorageLogger } from './storage-logger.js';
import type { AbortedTxn, TransactionIndex } from './transaction-index.js';

/** What the cleaner keeps of a producer, from the producer state (Kafka's lastRecordsOfActiveProducers). */
export interface LastRecordOfProducer {
  /** Last offset of the producer's last data batch, -1 if it has none. */
  lastDataOffset: number;
  /** Its epoch: with no data batch, the marker of this epoch is the one kept. */
  epoch: number;
}

export interface CleaningContext {
  nowMs: number;
  deleteRetentionMs: number;
  codecs: RecordCodecs;
  logger: StorageLogger;
  /** Names the partition in log lines. */
  where: string;
  lastRecords: ReadonlyMap<number, LastRecordOfProducer>;
}

/** Key (latin1 of its bytes) → offset of its latest record, aborted records left out. */
export type OffsetMap = Map<string, number>;

export interface CleanedBatch {
  /** The batch to keep (the original bytes when nothing changed), or undefined to drop it. */
  batch: Buffer | undefined;
  recordsRemoved: number;
  /** Delete horizon of a kept batch that still holds tombstones or a marker due to go; -1 otherwise. */
  pendingHorizonMs: number;
}

const ABORT_MARKER = 0;
const COMMIT_MARKER = 1;

const keyOf = (key: Buffer): string => key.toString('latin1');

function isControl(batch: Buffer): boolean {
  return (batchAttributes(batch, 0) & CONTROL_FLAG_MASK) !== 0;
}

/** Decodes a batch or reports it once as uncleanable (unknown codec, bad record data): it is then kept whole. */
function tryDecode(batch: Buffer, context: Pick<CleaningContext, 'codecs' | 'logger' | 'where'>) {
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

/** The control type of a marker batch's record (its key's second int16), -1 when unreadable or empty. */
function markerType(records: readonly StoredRecord[] | undefined): number {
  const key = records?.[0]?.key;
  return key && key.length >= 4 ? readInt16(key, 2) : -1;
}

/**
 * Kafka's CleanedTransactionMetadata: walks the batches in offset order with the aborted transactions
 * of the range (from the aborted-transaction index) and tells which data batches belong to an aborted
 * transaction and which markers end a transaction with no data left. Aborted transactions whose data is
 * still there are indexed again in `cleanedIndex`, the index of the segment being written.
 */
export class CleanedTransactions {
  private readonly aborted: AbortedTxn[];
  private next = 0;
  private readonly ongoingCommitted = new Set<number>();
  private readonly ongoingAborted = new Map<number, { txn: AbortedTxn; observed: boolean }>();
  cleanedIndex: TransactionIndex | undefined;

  constructor(aborted: readonly AbortedTxn[]) {
    this.aborted = [...aborted].sort((a, b) => a.firstOffset - b.firstOffset);
  }

  private consumeAbortedUpTo(offset: number): void {
    while (this.next < this.aborted.length && this.aborted[this.next].firstOffset <= offset) {
      const txn = this.aborted[this.next++];
      if (!this.ongoingAborted.has(txn.producerId)) {
        this.ongoingAborted.set(txn.producerId, { txn, observed: false });
      }
    }
  }

  /** A data batch: true when it belongs to an aborted transaction (its records can go). */
  onDataBatch(producerId: number, lastOffset: number, transactional: boolean): boolean {
    this.consumeAbortedUpTo(lastOffset);
    if (!transactional) return false;
    const aborted = this.ongoingAborted.get(producerId);
    if (aborted) {
      aborted.observed = true;
      return true;
    }
    this.ongoingCommitted.add(producerId);
    return false;
  }

  /** A marker batch (`type` -1 when empty): true when no data of the transaction it ends is left. */
  onControlBatch(producerId: number, lastOffset: number, type: number): boolean {
    this.consumeAbortedUpTo(lastOffset);
    if (type === ABORT_MARKER) {
      const aborted = this.ongoingAborted.get(producerId);
      this.ongoingAborted.delete(producerId);
      if (aborted?.observed) {
        this.cleanedIndex?.append(aborted.txn);
        return false;
      }
      return true;
    }
    if (type === COMMIT_MARKER) return !this.ongoingCommitted.delete(producerId);
    // An empty marker (already cleaned) can go; another control type is kept.
    return type < 0;
  }
}

export function buildOffsetMap(
  segments: readonly Segment[],
  aborted: readonly AbortedTxn[],
  context: Pick<CleaningContext, 'codecs' | 'logger' | 'where'>,
): OffsetMap {
  const latestByKey: OffsetMap = new Map();
  const transactions = new CleanedTransactions(aborted);
  for (const segment of segments) {
    segment.forEachBatch((batch) => {
      const header = readBatchHeader(batch);
      const lastOffset = header.baseOffset + header.lastOffsetDelta;
      if (header.attributes & CONTROL_FLAG_MASK) {
        transactions.onControlBatch(header.producerId, lastOffset, markerType(tryDecode(batch, context)));
        return;
      }
      const transactional = (header.attributes & TRANSACTIONAL_FLAG_MASK) !== 0;
      // Aborted records must not hide an older committed value of their key.
      if (transactions.onDataBatch(header.producerId, lastOffset, transactional)) return;
      for (const record of tryDecode(batch, context) ?? []) {
        if (record.key) latestByKey.set(keyOf(record.key), record.offset);
      }
    });
  }
  return latestByKey;
}

/** Whether a batch holds what the producer state needs kept (Kafka's isBatchLastRecordOfProducer). */
function isLastOfProducer(header: BatchHeader, control: boolean, context: CleaningContext): boolean {
  if (header.producerId < 0) return false;
  const last = context.lastRecords.get(header.producerId);
  if (!last) return false;
  if (last.lastDataOffset >= 0) return header.baseOffset + header.lastOffsetDelta === last.lastDataOffset;
  return control && header.producerEpoch === last.epoch;
}

/** Cleans one batch; batches must be passed in offset order through one CleanedTransactions. */
export function cleanBatch(
  batch: Buffer,
  map: OffsetMap,
  transactions: CleanedTransactions,
  context: CleaningContext,
): CleanedBatch {
  const header = readBatchHeader(batch);
  const control = isControl(batch);
  const lastOffset = header.baseOffset + header.lastOffsetDelta;
  const hasHorizon = (header.attributes & DELETE_HORIZON_FLAG_MASK) !== 0;
  const horizonPassed = hasHorizon && context.nowMs >= header.baseTimestamp;
  const records = tryDecode(batch, context);

  let canDiscard: boolean;
  let discardRecords: boolean;
  if (control) {
    canDiscard = transactions.onControlBatch(header.producerId, lastOffset, markerType(records));
    discardRecords = canDiscard && horizonPassed;
  } else {
    const transactional = (header.attributes & TRANSACTIONAL_FLAG_MASK) !== 0;
    canDiscard = transactions.onDataBatch(header.producerId, lastOffset, transactional);
    discardRecords = canDiscard;
  }
  const keepEmpty = isLastOfProducer(header, control, context);
  if (!records) return { batch, recordsRemoved: 0, pendingHorizonMs: -1 };

  let retained: StoredRecord[];
  if (discardRecords) retained = [];
  else if (control) retained = records;
  else {
    retained = records.filter((record) => {
      if (!record.key || map.get(keyOf(record.key)) !== record.offset) return false;
      return record.value !== null || !horizonPassed;
    });
  }
  const removed = records.length - retained.length;
  if (retained.length === 0 && !keepEmpty) {
    return { batch: undefined, recordsRemoved: removed, pendingHorizonMs: -1 };
  }
  // A marker whose transaction has no data left waits for a delete horizon, as a tombstone does.
  const awaitsHorizon =
    retained.length > 0 && (control ? canDiscard : retained.some((record) => record.value === null));
  const needsHorizon = awaitsHorizon && !hasHorizon;
  let pendingHorizonMs = -1;
  if (needsHorizon) pendingHorizonMs = context.nowMs + context.deleteRetentionMs;
  else if (awaitsHorizon) pendingHorizonMs = header.baseTimestamp;
  if (removed === 0 && !needsHorizon) return { batch, recordsRemoved: 0, pendingHorizonMs };
  if (needsHorizon) {
    return {
      batch: withHorizon(header, retained, pendingHorizonMs, context),
      recordsRemoved: removed,
      pendingHorizonMs,
    };
  }
  const rewritten = { ...header, maxTimestamp: maxTimestampOf(header, retained) };
  return {
    batch: encodeBatch(rewritten, retained, context.codecs),
    recordsRemoved: removed,
    pendingHorizonMs,
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
