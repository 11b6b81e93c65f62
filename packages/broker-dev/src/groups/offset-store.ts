/**
 * Where committed group offsets live, and the offsets transactions committed that wait for the
 * transaction's end. The coordinator only needs this small surface; the broker plugs in durable
 * storage (cluster state under the data dir) or keeps offsets in memory.
 */
export interface CommittedOffset {
  offset: number;
  leaderEpoch: number;
  metadata: string | null;
  commitTimestamp: number;
}

export interface OffsetEntry {
  topic: string;
  partition: number;
  committed: CommittedOffset;
}

export interface OffsetStore {
  get(group: string, topic: string, partition: number): CommittedOffset | undefined;
  /** Every committed offset of a group. */
  list(group: string): Iterable<OffsetEntry>;
  /** Stores a batch of commits at once (one durable write). */
  commit(group: string, entries: readonly OffsetEntry[]): void;
  delete(group: string, entries: readonly { topic: string; partition: number }[]): void;
  deleteGroup(group: string): void;
  /** Drops the offsets of a deleted topic in every group. */
  deleteTopic(topic: string): void;
  /** Groups that have at least one committed offset. */
  groups(): Iterable<string>;
  /**
   * Holds offsets `producerId`'s transaction committed (TxnOffsetCommit) until it ends. A later
   * plain commit of the same partition replaces them, as it would win in Kafka's log.
   */
  stage(group: string, producerId: number, entries: readonly OffsetEntry[]): void;
  /** The producer's transaction ended: its staged offsets for `group` become committed, or are dropped. */
  completeStaged(group: string, producerId: number, commit: boolean): void;
  /** The offsets of `group` waiting for a transaction. */
  staged(group: string): Iterable<OffsetEntry & { producerId: number }>;
  /** Groups that have offsets waiting for a transaction. */
  groupsWithStaged(): Iterable<string>;
}

export class MemoryOffsetStore implements OffsetStore {
  private readonly byGroup = new Map<string, Map<string, OffsetEntry>>();
  /** group → producer id → partition key → offset. */
  private readonly stagedByGroup = new Map<string, Map<number, Map<string, OffsetEntry>>>();

  get(group: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.byGroup.get(group)?.get(key(topic, partition))?.committed;
  }

  *list(group: string) {
    const offsets = this.byGroup.get(group);
    if (offsets) yield* offsets.values();
  }

  commit(group: string, entries: readonly OffsetEntry[]): void {
    this.put(group, entries);
    this.unstage(group, entries);
  }

  delete(group: string, entries: readonly { topic: string; partition: number }[]): void {
    this.unstage(group, entries);
    const offsets = this.byGroup.get(group);
    if (!offsets) return;
    for (const entry of entries) offsets.delete(key(entry.topic, entry.partition));
    if (offsets.size === 0) this.byGroup.delete(group);
  }

  deleteGroup(group: string): void {
    this.byGroup.delete(group);
    this.stagedByGroup.delete(group);
  }

  deleteTopic(topic: string): void {
    for (const [group, offsets] of this.byGroup) {
      for (const [k, entry] of offsets) if (entry.topic === topic) offsets.delete(k);
      if (offsets.size === 0) this.byGroup.delete(group);
    }
    for (const group of [...this.stagedByGroup.keys()]) {
      this.unstage(
        group,
        [...this.staged(group)].filter((e) => e.topic === topic),
      );
    }
  }

  groups(): Iterable<string> {
    return this.byGroup.keys();
  }

  stage(group: string, producerId: number, entries: readonly OffsetEntry[]): void {
    let byProducer = this.stagedByGroup.get(group);
    if (!byProducer) {
      byProducer = new Map();
      this.stagedByGroup.set(group, byProducer);
    }
    let offsets = byProducer.get(producerId);
    if (!offsets) {
      offsets = new Map();
      byProducer.set(producerId, offsets);
    }
    for (const entry of entries) offsets.set(key(entry.topic, entry.partition), { ...entry });
  }

  completeStaged(group: string, producerId: number, commit: boolean): void {
    const byProducer = this.stagedByGroup.get(group);
    const offsets = byProducer?.get(producerId);
    if (!byProducer || !offsets) return;
    byProducer.delete(producerId);
    if (byProducer.size === 0) this.stagedByGroup.delete(group);
    if (commit) this.put(group, [...offsets.values()]);
  }

  *staged(group: string) {
    for (const [producerId, offsets] of this.stagedByGroup.get(group) ?? []) {
      for (const entry of offsets.values()) yield { ...entry, producerId };
    }
  }

  groupsWithStaged(): Iterable<string> {
    return this.stagedByGroup.keys();
  }

  private put(group: string, entries: readonly OffsetEntry[]): void {
    let offsets = this.byGroup.get(group);
    if (!offsets) {
      offsets = new Map();
      this.byGroup.set(group, offsets);
    }
    for (const entry of entries) offsets.set(key(entry.topic, entry.partition), { ...entry });
  }

  private unstage(group: string, entries: readonly { topic: string; partition: number }[]): void {
    const byProducer = this.stagedByGroup.get(group);
    if (!byProducer) return;
    for (const [producerId, offsets] of byProducer) {
      for (const entry of entries) offsets.delete(key(entry.topic, entry.partition));
      if (offsets.size === 0) byProducer.delete(producerId);
    }
    if (byProducer.size === 0) this.stagedByGroup.delete(group);
  }
}

function key(topic: string, partition: number): string {
  return `${partition}\u0000${topic}`;
}
