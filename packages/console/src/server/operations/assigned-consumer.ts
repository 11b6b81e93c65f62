/**
 * A consumer the console assigns partitions to directly: no group is joined and nothing is committed, so reading a
 * topic in the console never disturbs the applications' groups.
 */
import { randomUUID } from 'node:crypto';
import { type Consumer, ConsumerEvents, type Kafka } from '@samsa/core-client';

export interface AssignedConsumerOptions {
  /** Shown in the brokers' logs as part of the (unused) group id. */
  label: string;
  autoOffsetReset: 'earliest' | 'latest';
  fetchMaxWaitMs: number;
  topic: string;
  partitions: number[];
  /** Called once the consumer has crashed for good (a crash it restarts from is not reported). */
  onFatalError(error: Error): void;
}

export function assignedConsumer(kafka: Kafka, options: AssignedConsumerOptions): Consumer {
  const consumer = kafka.consumer({
    // assign() uses no group; the id is only a label in the brokers' logs.
    groupId: `samsa-console-${options.label}-${randomUUID()}`,
    autoOffsetReset: options.autoOffsetReset,
    fetchMaxWaitMs: options.fetchMaxWaitMs,
    allowAutoTopicCreation: false,
    enableAutoCommit: false,
  });
  consumer.on(ConsumerEvents.CRASH, (event) => {
    const { error, restart } = event.payload as { error: Error; restart?: boolean };
    if (!restart) options.onFatalError(error);
  });
  consumer.assign([{ topic: options.topic, partitions: options.partitions }]);
  return consumer;
}
