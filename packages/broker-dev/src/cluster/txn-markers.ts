/**
 * The transaction markers' way into the partition logs (the coordinator's TxnMarkerWriter, and
 * WriteTxnMarkers), as a Kafka leader appends them with origin COORDINATOR:
 *
 * - INVALID_PRODUCER_EPOCH when the marker's epoch is below the producer's on the partition, and
 *   TRANSACTION_COORDINATOR_FENCED when its coordinator epoch is below the last one seen there
 *   (ProducerAppendInfo.appendEndTxnMarker); nothing is written then.
 * - Otherwise a COMMIT or ABORT control batch (attributes control + transactional, key
 *   `version 0 | type`, value `version 0 | coordinator epoch`) is appended at the leader epoch. The
 *   log's producer state then ends the producer's open transaction, which moves the last stable
 *   offset, and an ABORT that ended one is indexed for read_committed fetches. A marker for a producer
 *   with no transaction open here (sent again after a coordinator restart, or for a partition the
 *   producer never wrote to) is appended all the same, as Kafka does, and completes nothing.
 * - Fetches parked on the partition are woken: the last stable offset may have moved.
 *
 * This file is the only place the coordinator's markers reach a partition.
 */
import { buildControlBatch, ErrorCode } from '@samsa/protocol';
import { errorCodeOf } from '../broker-error.js';
import type { Logger } from '../logger.js';
import type { TxnMarker, TxnMarkerWriter } from '../txn/marker-writer.js';
import type { PartitionState } from './topic.js';

export interface MarkerTarget {
  partition(topic: string, index: number): PartitionState | undefined;
  readonly logger: Logger;
}

export class PartitionTxnMarkerWriter implements TxnMarkerWriter {
  constructor(private readonly cluster: MarkerTarget) {}

  async writeMarkers(markers: readonly TxnMarker[]): Promise<readonly number[]> {
    return markers.map((marker) => this.write(marker));
  }

  private write(marker: TxnMarker): number {
    const partition = this.cluster.partition(marker.topic, marker.partition);
    if (!partition) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    if (partition.leader < 0) return ErrorCode.NOT_LEADER_OR_FOLLOWER;
    const refused = partition.log.producers.checkMarker(
      marker.producerId,
      marker.producerEpoch,
      marker.coordinatorEpoch,
    );
    if (refused) {
      this.cluster.logger.warn(`partition ${partition.name}: ${refused.message}`);
      return refused.errorCode;
    }
    const batch = buildControlBatch({
      type: marker.commit ? 'COMMIT' : 'ABORT',
      producerId: BigInt(marker.producerId),
      producerEpoch: marker.producerEpoch,
      coordinatorEpoch: marker.coordinatorEpoch,
    });
    try {
      partition.log.append(batch, { leaderEpoch: partition.leaderEpoch });
    } catch (err) {
      this.cluster.logger.warn(
        `partition ${partition.name}: cannot append the ${marker.commit ? 'commit' : 'abort'} marker of producer ${marker.producerId}: ${(err as Error).message}`,
      );
      return errorCodeOf(err);
    }
    partition.wake();
    return ErrorCode.NONE;
  }
}
