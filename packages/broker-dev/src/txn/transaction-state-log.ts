/**
 * Where the transaction coordinator persists its state: a compacted log of Kafka's
 * `__transaction_state` records (one record per state change, keyed by transactional id, a
 * tombstone when an id expires), kept by the same storage layer as topic partitions. It lives in
 * `<dataDir>/cluster-metadata/__transaction_state-0/` with a data dir (so an append survives
 * kill -9 like any produced record) and in memory otherwise. It is not a topic clients see.
 *
 * The log's leader epoch is the coordinator epoch written into every transaction marker: it goes
 * up each time the log is opened, so markers of a restarted coordinator supersede older ones.
 */
import path from 'node:path';
import { decodeRecords, iterateRecordBatches, RecordBatchBuilder } from '@samsa/protocol';
import { CLUSTER_STATE_DIR } from '../storage/cluster-state.js';
import { PartitionLog, type StorageLogger } from '../storage/index.js';
import {
  decodeTransactionLogKey,
  decodeTransactionLogValue,
  encodeTransactionLogKey,
  encodeTransactionLogValue,
  type TransactionLogValue,
} from './transaction-log-records.js';

export const TRANSACTION_STATE_TOPIC = '__transaction_state';

const SEGMENT_BYTES = 16 * 1024 * 1024;
const LOAD_CHUNK_BYTES = 1024 * 1024;

export interface TransactionStateLogOptions {
  /** The broker's data directory; omitted keeps the log in memory. */
  dataDir?: string;
  syncWrites?: boolean;
  logger: StorageLogger;
  now?: () => number;
}

export class TransactionStateLog {
  readonly coordinatorEpoch: number;

  private constructor(
    private readonly log: PartitionLog,
    private readonly logger: StorageLogger,
    private readonly now: () => number,
  ) {
    this.coordinatorEpoch = Math.max(log.latestLeaderEpoch, -1) + 1;
    log.startLeaderEpoch(this.coordinatorEpoch);
  }

  static open(options: TransactionStateLogOptions): TransactionStateLog {
    const log = PartitionLog.open({
      topic: TRANSACTION_STATE_TOPIC,
      partition: 0,
      dataDir: options.dataDir === undefined ? undefined : path.join(options.dataDir, CLUSTER_STATE_DIR),
      syncWrites: options.syncWrites,
      logger: options.logger,
      now: options.now,
      // Kafka's transaction.state.log settings: compacted, never deleted by age or size.
      config: {
        cleanupPolicy: { compact: true, delete: false },
        segmentBytes: SEGMENT_BYTES,
        retentionMs: -1,
      },
    });
    return new TransactionStateLog(log, options.logger, options.now ?? Date.now);
  }

  /** Every transactional id's latest state, replayed from the start of the log; unreadable records are skipped. */
  load(): Map<string, TransactionLogValue> {
    const states = new Map<string, TransactionLogValue>();
    let offset = this.log.logStartOffset;
    while (offset < this.log.highWatermark) {
      const chunks = this.log.read(offset, LOAD_CHUNK_BYTES);
      if (chunks.length === 0) break;
      for (const chunk of chunks) {
        for (const batch of iterateRecordBatches(chunk)) {
          for (const record of decodeRecords(batch)) {
            try {
              if (record.key === null) throw new Error('the record has no key');
              const transactionalId = decodeTransactionLogKey(record.key);
              if (record.value === null) states.delete(transactionalId);
              else states.set(transactionalId, decodeTransactionLogValue(record.value));
            } catch (err) {
              this.logger.warn(
                `${this.log.name}: skipping the unreadable record at offset ${record.offset}: ${(err as Error).message}`,
              );
            }
          }
          offset = Number(batch.baseOffset) + batch.lastOffsetDelta + 1;
        }
      }
    }
    return states;
  }

  /** Appends an id's new state; returning means it is written (throws a storage error otherwise). */
  write(transactionalId: string, value: TransactionLogValue): void {
    this.append(transactionalId, encodeTransactionLogValue(value));
  }

  /** Appends the tombstone of an expired id. */
  writeTombstone(transactionalId: string): void {
    this.append(transactionalId, null);
  }

  /** Compaction: only the latest state per id survives (run with the broker's log cleanup). */
  compact(nowMs?: number): void {
    this.log.compact(nowMs);
  }

  close(): void {
    this.log.close();
  }

  private append(transactionalId: string, value: Buffer | null): void {
    const builder = new RecordBatchBuilder({ initialCapacity: 256 });
    builder.append({ key: encodeTransactionLogKey(transactionalId), value, timestamp: this.now() });
    this.log.append(builder.build(), { leaderEpoch: this.coordinatorEpoch });
  }
}
