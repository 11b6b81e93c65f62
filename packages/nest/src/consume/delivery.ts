import type { ConsumedMessage, EachBatchPayload } from '../client/kafka-like.js';
import type { SamsaBatchContext, SamsaContext } from '../subscribe/samsa.context.js';

/** One partition of one fetch: where a delivery's records come from. */
export interface DeliverySource {
  readonly topic: string;
  readonly partition: number;
  /** The client's controls for this fetch: heartbeat, resolveOffset, isRunning, isStale. */
  readonly fetch: EachBatchPayload;
}

/** The records of one partition that one `eachBatch` call handed over, in offset order. */
export interface PartitionRecords extends DeliverySource {
  readonly messages: readonly ConsumedMessage[];
}

/**
 * One handler call's worth of work: what the handler gets (payload and context) and which attempt it
 * is. Attempts repeat until the records are finished: handled, or given up on (dead-lettered or
 * skipped); then their offsets are committed.
 */
export interface Delivery extends DeliverySource {
  /** The decoded value, or the decoded values of a batch. */
  readonly payload: unknown;
  readonly context: SamsaContext | SamsaBatchContext;
  /** 1 on the first delivery, 2 on the first retry, ... */
  readonly attempt: number;
}

/** One record to a per-record handler. */
export interface RecordDelivery extends Delivery {
  readonly message: ConsumedMessage;
  readonly context: SamsaContext;
}

/** A record and its decoded value. */
export interface DecodedRecord {
  readonly message: ConsumedMessage;
  readonly value: unknown;
}

/** Consecutive records of one partition to a batch handler; `attempt` counts for the first of them. */
export interface BatchDelivery extends Delivery {
  readonly records: readonly DecodedRecord[];
  readonly context: SamsaBatchContext;
}

/** Records given up on: they go to the dead-letter topic, or are logged and skipped. */
export interface FailedRecords extends DeliverySource {
  readonly messages: readonly ConsumedMessage[];
  readonly error: unknown;
  /** Handler calls made before giving up; 0 when the value did not decode. */
  readonly attempts: number;
}
