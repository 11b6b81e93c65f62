/** Consumer groups in a known state: a group that consumed exactly up to given offsets, and one that stays active. */
import type { Consumer, Kafka } from '@samsa/core-client';
import { waitFor } from '@samsa/test-support';

/** Produces `perPartition` records to each partition of `topic` (its partitions are 0..partitions-1). */
export async function fillPartitions(
  kafka: Kafka,
  topic: string,
  partitions: number,
  perPartition: number,
): Promise<void> {
  const producer = kafka.producer({ lingerMs: 5 });
  await producer.connect();
  try {
    await producer.send({
      topic,
      messages: Array.from({ length: partitions * perPartition }, (_, i) => ({
        key: `k-${i}`,
        value: JSON.stringify({ n: i }),
        partition: i % partitions,
      })),
    });
  } finally {
    await producer.disconnect();
  }
}

/**
 * Runs a group member that consumes `topic` from the beginning and commits exactly `upTo[p]` for each partition p
 * (the next offset to read), then leaves the group: its lag is then end - upTo[p], exactly.
 */
export async function consumeUpTo(
  kafka: Kafka,
  groupId: string,
  topic: string,
  upTo: number[],
): Promise<void> {
  const consumer = kafka.consumer({
    groupId,
    autoOffsetReset: 'earliest',
    enableAutoCommit: false,
    sessionTimeoutMs: 10_000,
    heartbeatIntervalMs: 500,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic] });
  const committed = new Set<number>();
  const commits: Promise<void>[] = [];
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      const target = upTo[partition]!;
      if (Number(message.offset) + 1 === target && !committed.has(partition)) {
        committed.add(partition);
        commits.push(consumer.commitOffsets([{ topic, partition, offset: String(target) }]));
      }
    },
  });
  const wanted = upTo.filter((n) => n > 0).length;
  await waitFor(`group ${groupId} to commit ${upTo.join(', ')}`, () => committed.size >= wanted, {
    timeoutMs: 30_000,
  });
  await Promise.all(commits);
  await consumer.disconnect();
}

/** A member that joins `groupId` and stays (until its disconnect), so the group is Stable. */
export async function activeMember(kafka: Kafka, groupId: string, topic: string): Promise<Consumer> {
  const consumer = kafka.consumer({
    groupId,
    autoOffsetReset: 'earliest',
    sessionTimeoutMs: 10_000,
    heartbeatIntervalMs: 500,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic] });
  await consumer.run({ eachMessage: async () => {} });
  return consumer;
}
