/**
 * Where committed group offsets live. The coordinator only needs this small surface; the broker
 * plugs in durable storage (cluster state under the data dir) or keeps offsets in memory.
 */
export interface CommittedOffset {
  offset: number;
  leaderEpoch: number;
  metadata: string | null;
  commitTimestamp: number;
}

export interface OffsetStore {
  get(group: string, topic: string, partition: number): CommittedOffset | undefined;
  /** Every committed offset of a group. */
  list(group: string): Iterable<{ topic: string; partition: number; committed: CommittedOffset }>;
  /** Stores a batch of commits at once (one durable write). */
  commit(
    group: string,
    entries: readonly { topic: string; partition: number; committed: CommittedOffset }[],
  ): void;
  delete(group: string, entries: readonly { topic: string; partition: number }[]): void;
  deleteGroup(group: string): void;
  /** Drops the offsets of a deleted topic in every group. */
  deleteTopic(topic: string): void;
  /** Groups that have at least one committed offset. */
  groups(): Iterable<string>;
}

export class MemoryOffsetStore implements OffsetStore {
  private readonly byGroup = new Map<
    string,
    Map<string, { topic: string; partition: number; committed: CommittedOffset }>
  >();

  get(group: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.byGroup.get(group)?.get(key(topic, partition))?.committed;
  }

  *list(group: string) {
    const offsets = this.byGroup.get(group);
    if (offsets) yield* offsets.values();
  }

  commit(
    group: string,
    entries: readonly { topic: string; partition: number; committed: CommittedOffset }[],
  ): void {
    let offsets = this.byGroup.get(group);
    if (!offsets) {
      offsets = new Map();
      this.byGroup.set(group, offsets);
    }
    for (const entry of entries) offsets.set(key(entry.topic, entry.partition), { ...entry });
  }

  delete(group: string, entries: readonly { topic: string; partition: number }[]): void {
    const offsets = this.byGroup.get(group);
    if (!offsets) return;
    for (const entry of entries) offsets.delete(key(entry.topic, entry.partition));
    if (offsets.size === 0) this.byGroup.delete(group);
  }

  deleteGroup(group: string): void {
    this.byGroup.delete(group);
  }

  deleteTopic(topic: string): void {
    for (const [group, offsets] of this.byGroup) {
      for (const [k, entry] of offsets) if (entry.topic === topic) offsets.delete(k);
      if (offsets.size === 0) this.byGroup.delete(group);
    }
  }

  groups(): Iterable<string> {
    return this.byGroup.keys();
  }
}

function key(topic: string, partition: number): string {
  return `${partition}\u0000${topic}`;
}
