/** An immutable set of topic partitions, the unit a transaction is made of. */

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** Topic names never contain NUL, so it separates the two halves of a key. */
const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

export class TopicPartitionSet implements Iterable<TopicPartition> {
  static readonly EMPTY = new TopicPartitionSet([]);

  private readonly byKey: ReadonlyMap<string, TopicPartition>;

  constructor(partitions: Iterable<TopicPartition>) {
    const byKey = new Map<string, TopicPartition>();
    for (const p of partitions)
      byKey.set(key(p.topic, p.partition), { topic: p.topic, partition: p.partition });
    this.byKey = byKey;
  }

  get size(): number {
    return this.byKey.size;
  }

  has(topic: string, partition: number): boolean {
    return this.byKey.has(key(topic, partition));
  }

  containsAll(partitions: Iterable<TopicPartition>): boolean {
    for (const p of partitions) if (!this.has(p.topic, p.partition)) return false;
    return true;
  }

  union(partitions: Iterable<TopicPartition>): TopicPartitionSet {
    return new TopicPartitionSet([...this, ...partitions]);
  }

  without(partitions: Iterable<TopicPartition>): TopicPartitionSet {
    const removed = new TopicPartitionSet(partitions);
    return new TopicPartitionSet([...this].filter((p) => !removed.has(p.topic, p.partition)));
  }

  /** Grouped by topic, partitions ascending: the shape of the log value and of DescribeTransactions. */
  byTopic(): { topic: string; partitions: number[] }[] {
    const topics = new Map<string, number[]>();
    for (const { topic, partition } of this) {
      const list = topics.get(topic) ?? [];
      if (list.length === 0) topics.set(topic, list);
      list.push(partition);
    }
    return [...topics].map(([topic, partitions]) => ({
      topic,
      partitions: partitions.sort((a, b) => a - b),
    }));
  }

  [Symbol.iterator](): Iterator<TopicPartition> {
    return this.byKey.values();
  }
}
