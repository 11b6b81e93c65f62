/**
 * How the transaction coordinator ends a transaction on the partitions it touched: one control
 * batch (COMMIT or ABORT marker) per partition, written by the partition's leader (Kafka's
 * WriteTxnMarkers). The coordinator calls this after persisting PrepareCommit/PrepareAbort,
 * retries the retriable errors and persists CompleteCommit/CompleteAbort once every partition
 * answered NONE. The broker's implementation lives in cluster/txn-markers.ts; tests use a fake.
 */

export interface TxnMarker {
  readonly topic: string;
  readonly partition: number;
  readonly producerId: number;
  readonly producerEpoch: number;
  /** The coordinator epoch (leader epoch of the transaction state log) that decided the outcome. */
  readonly coordinatorEpoch: number;
  readonly commit: boolean;
}

export interface TxnMarkerWriter {
  /**
   * Writes each marker to its partition; resolves with one Kafka error code per marker, in order:
   * NONE once the marker is durably in the log; NOT_LEADER_OR_FOLLOWER, UNKNOWN_TOPIC_OR_PARTITION,
   * NOT_ENOUGH_REPLICAS(_AFTER_APPEND), REQUEST_TIMED_OUT or KAFKA_STORAGE_ERROR to be retried;
   * INVALID_PRODUCER_EPOCH or TRANSACTION_COORDINATOR_FENCED when the partition refuses it.
   */
  writeMarkers(markers: readonly TxnMarker[]): Promise<readonly number[]>;
}
