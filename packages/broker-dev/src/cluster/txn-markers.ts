/**
 * The transaction markers' way into the partition logs (the coordinator's TxnMarkerWriter, and
 * WriteTxnMarkers): a COMMIT or ABORT control batch (attributes control + transactional, key
 * `version 0 | type`, value `version 0 | coordinator epoch`) appended to the partition's log at its
 * leader epoch, waking fetches parked on it.
 *
 * The partition side of transactions (producer state of open transactions, last stable offset,
 * aborted-transaction index, marker epoch checks) hooks in here: this file is the only place the
 * coordinator's markers reach a partition.
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
