/**
 * One attempt at writing a decided transaction's markers (Kafka's TransactionMarkerChannelManager
 * and its completion handler): data partitions get a control batch through the TxnMarkerWriter;
 * `__consumer_offsets` partitions (added by AddOffsetsToTxn) complete the group coordinator's
 * pending offsets instead, since this broker keeps offsets outside the partition logs. The
 * coordinator retries what comes back as retriable.
 */
import { ErrorCode, errorCodeName } from '@samsa/protocol';
import type { Logger } from '../logger.js';
import type { TxnMarkerWriter } from './marker-writer.js';
import type { TopicPartition } from './topic-partitions.js';

/** Kafka's offsets topic: AddOffsetsToTxn adds its partition for the group to the transaction. */
export const GROUP_OFFSETS_TOPIC = '__consumer_offsets';

/** The group coordinator's side of a transaction: the offsets committed with it (TxnOffsetCommit). */
export interface TxnOffsetsCompleter {
  /**
   * Makes the offsets `producerId` committed to the groups of `offsetsPartition` visible (commit)
   * or drops them (abort), durably. Doing it again is harmless.
   */
  completeTransaction(offsetsPartition: number, producerId: number, commit: boolean): void;
}

export interface MarkerRequest {
  readonly transactionalId: string;
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly coordinatorEpoch: number;
  readonly commit: boolean;
  readonly partitions: Iterable<TopicPartition>;
}

export interface MarkerAttempt {
  /** Done: marker written, or nothing left to write there (topic deleted, partition refused it). */
  readonly done: TopicPartition[];
  /** To try again after a back-off. */
  readonly retry: TopicPartition[];
}

/** Kafka's TransactionMarkerRequestCompletionHandler retries these. */
const RETRIABLE = new Set<number>([
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.NOT_ENOUGH_REPLICAS,
  ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND,
  ErrorCode.REQUEST_TIMED_OUT,
  ErrorCode.KAFKA_STORAGE_ERROR,
]);

export interface TxnMarkerChannelOptions {
  writer: TxnMarkerWriter;
  offsets: TxnOffsetsCompleter;
  /** Whether a data partition still exists; markers for a deleted topic are given up. */
  partitionExists(topic: string, partition: number): boolean;
  logger: Logger;
}

export class TxnMarkerChannel {
  constructor(private readonly options: TxnMarkerChannelOptions) {}

  async write(request: MarkerRequest): Promise<MarkerAttempt> {
    const done: TopicPartition[] = [];
    const retry: TopicPartition[] = [];
    const data: TopicPartition[] = [];
    for (const tp of request.partitions) {
      if (tp.topic !== GROUP_OFFSETS_TOPIC) {
        data.push(tp);
        continue;
      }
      try {
        this.options.offsets.completeTransaction(tp.partition, request.producerId, request.commit);
        done.push(tp);
      } catch (err) {
        this.options.logger.error(
          `transaction ${request.transactionalId}: completing its offsets failed, will retry: ${(err as Error).message}`,
        );
        retry.push(tp);
      }
    }
    if (data.length === 0) return { done, retry };
    let codes: readonly number[];
    try {
      codes = await this.options.writer.writeMarkers(
        data.map((tp) => ({
          topic: tp.topic,
          partition: tp.partition,
          producerId: request.producerId,
          producerEpoch: request.producerEpoch,
          coordinatorEpoch: request.coordinatorEpoch,
          commit: request.commit,
        })),
      );
    } catch (err) {
      this.options.logger.error(
        `transaction ${request.transactionalId}: writing markers failed, will retry: ${(err as Error).message}`,
      );
      return { done, retry: [...retry, ...data] };
    }
    data.forEach((tp, i) => {
      const code = codes[i] ?? ErrorCode.UNKNOWN_SERVER_ERROR;
      if (code === ErrorCode.NONE) {
        done.push(tp);
      } else if (!this.options.partitionExists(tp.topic, tp.partition)) {
        this.options.logger.info(
          `transaction ${request.transactionalId}: ${tp.topic}-${tp.partition} no longer exists, no marker written there`,
        );
        done.push(tp);
      } else if (RETRIABLE.has(code)) {
        this.options.logger.debug(
          `transaction ${request.transactionalId}: marker for ${tp.topic}-${tp.partition} got ${errorCodeName(code)}, will retry`,
        );
        retry.push(tp);
      } else {
        // Kafka stops writing markers there too (INVALID_PRODUCER_EPOCH, TRANSACTION_COORDINATOR_FENCED:
        // a newer producer or coordinator owns the partition's state); retrying cannot succeed.
        this.options.logger.warn(
          `transaction ${request.transactionalId}: ${tp.topic}-${tp.partition} refused the ${request.commit ? 'commit' : 'abort'} marker with ${errorCodeName(code)}`,
        );
        done.push(tp);
      }
    });
    return { done, retry };
  }
}
