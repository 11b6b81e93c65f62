import type { ConsumerLike } from '../../client/kafka-like.js';
import type { ValueCodec } from '../../serde/value-codec.js';
import type { ContainerStats } from '../container-stats.js';
import type { PartitionRecords } from '../delivery.js';
import type { FailureHandler } from '../failure-handler.js';
import type { HandlerCalls } from '../handler-runner.js';
import type { OffsetCommits } from '../offset-committer.js';
import type { ShutdownGate } from '../shutdown-gate.js';
import type { SubscriptionSpec } from '../subscription-spec.js';

/**
 * How a subscription hands one partition's fetched records to its handler: one record at a time in
 * offset order, per-key lanes, or batches. Each commits exactly the records it finished.
 */
export interface DispatchStrategy {
  /**
   * Delivers what it can of `records` (stopping early on shutdown or a lost partition) and commits
   * what finished. Rejects only on what must crash the consumer, such as a failed dead-letter publish.
   */
  dispatch(records: PartitionRecords): Promise<void>;
}

/**
 * What every strategy works with. Work leaves a strategy only through three calls: `handler.call`
 * (one delivery: the handler's payload, context and attempt), `failures.giveUp` (dead letters) and
 * `offsets.commit`. A transactional subscription (its handler output, dead letters and consumed
 * offsets commit together, one producer transaction per delivery) plugs in at these three
 * (`consume/transactions/`); strategies only know that a failed call then kept nothing
 * (`spec.transactional`).
 */
export interface DispatchServices {
  readonly spec: SubscriptionSpec;
  readonly codec: ValueCodec;
  readonly gate: ShutdownGate;
  readonly stats: ContainerStats;
  readonly handler: HandlerCalls;
  readonly failures: FailureHandler;
  readonly offsets: OffsetCommits;
  /** The container's consumer, for the handler's context. */
  readonly consumer: () => ConsumerLike;
}
