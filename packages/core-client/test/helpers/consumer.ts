import type { ConsumerConfig } from '../../src/consumer/config.js';
import { Consumer } from '../../src/consumer/consumer.js';
import type { KafkaMessage } from '../../src/consumer/message.js';
import type { Kafka } from '../../src/kafka.js';

/** `kafka.consumer(config)`, built the way kafka.ts builds clients. */
export function makeConsumer<K = Buffer | null, V = Buffer | null>(
  kafka: Kafka,
  config: ConsumerConfig<K, V>,
): Consumer<K, V> {
  const k = kafka as Kafka & { consumer?: (c: ConsumerConfig<K, V>) => Consumer<K, V> };
  if (typeof k.consumer === 'function') return k.consumer(config);
  return new Consumer<K, V>(
    kafka.createCluster({ allowAutoTopicCreation: config.allowAutoTopicCreation, namespace: 'consumer' }),
    config,
  );
}

export interface Seen {
  consumer: string;
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
}

/**
 * Checks a set of deliveries: each (partition, offset) exactly once, offsets contiguous from 0 up
 * to the expected count per partition, and each consumer saw every partition in increasing order.
 */
export function checkExactlyOnceInOrder(
  seen: Seen[],
  expectedPerPartition: Map<number, number>,
  { allowRedelivery = false }: { allowRedelivery?: boolean } = {},
): void {
  const byPartition = new Map<number, Set<number>>();
  const lastSeen = new Map<string, number>();
  for (const s of seen) {
    let set = byPartition.get(s.partition);
    if (!set) {
      set = new Set();
      byPartition.set(s.partition, set);
    }
    if (set.has(s.offset) && !allowRedelivery)
      throw new Error(`partition ${s.partition} offset ${s.offset} delivered twice`);
    set.add(s.offset);
    const k = `${s.consumer}/${s.partition}`;
    const last = lastSeen.get(k);
    if (last !== undefined && s.offset <= last && !allowRedelivery)
      throw new Error(`${k}: offset ${s.offset} after ${last}`);
    // Within one stretch of ownership, offsets are contiguous; a jump ahead is a skip.
    if (last !== undefined && s.offset > last + 1 && !allowRedelivery) {
      // Allowed only if another consumer delivered the offsets in between.
      for (let o = last + 1; o < s.offset; o++) {
        if (!set.has(o)) throw new Error(`${k}: jumped from ${last} to ${s.offset}, skipping ${o}`);
      }
    }
    lastSeen.set(k, s.offset);
  }
  for (const [partition, count] of expectedPerPartition) {
    const set = byPartition.get(partition) ?? new Set();
    if (set.size !== count)
      throw new Error(`partition ${partition}: ${set.size} delivered, ${count} expected`);
    for (let o = 0; o < count; o++)
      if (!set.has(o)) throw new Error(`partition ${partition}: offset ${o} missing`);
  }
}

export function record(consumer: string, message: KafkaMessage): Seen {
  return {
    consumer,
    partition: message.partition,
    offset: Number(message.offset),
    key: message.key?.toString() ?? null,
    value: message.value?.toString() ?? null,
  };
}
