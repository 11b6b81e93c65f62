/**
 * The group coordinator's OffsetStore, backed by storage's durable ClusterState; committed offsets
 * are cached here, offsets waiting for a transaction are read from the state (they are few).
 */
import type { CommittedOffset, OffsetEntry, OffsetStore } from '../groups/offset-store.js';
import type { ClusterState } from '../storage/cluster-state.js';

export class ClusterStateOffsetStore implements OffsetStore {
  /** group → "partition\0topic" → offset; a read cache over ClusterState's copies. */
  private readonly cache = new Map<
    string,
    Map<string, { topic: string; partition: number; committed: CommittedOffset }>
  >();

  constructor(private readonly state: ClusterState) {
    for (const group of state.groupIds()) this.load(group);
  }

  private load(group: string) {
    let offsets = this.cache.get(group);
    if (!offsets) {
      offsets = new Map();
      for (const o of this.state.committedOffsets(group)) {
        offsets.set(key(o.topic, o.partition), {
          topic: o.topic,
          partition: o.partition,
          committed: {
            offset: o.offset,
            leaderEpoch: o.leaderEpoch,
            metadata: o.metadata,
            commitTimestamp: o.commitTimestamp,
          },
        });
      }
      this.cache.set(group, offsets);
    }
    return offsets;
  }

  get(group: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.cache.get(group)?.get(key(topic, partition))?.committed;
  }

  *list(group: string) {
    const offsets = this.cache.get(group);
    if (offsets) yield* offsets.values();
  }

  commit(
    group: string,
    entries: readonly { topic: string; partition: number; committed: CommittedOffset }[],
  ): void {
    this.state.commitOffsets(
      group,
      entries.map((e) => ({ topic: e.topic, partition: e.partition, ...e.committed })),
    );
    const offsets = this.load(group);
    for (const e of entries)
      offsets.set(key(e.topic, e.partition), {
        topic: e.topic,
        partition: e.partition,
        committed: { ...e.committed },
      });
  }

  delete(group: string, entries: readonly { topic: string; partition: number }[]): void {
    this.state.deleteOffsets(group, entries);
    const offsets = this.cache.get(group);
    if (!offsets) return;
    for (const e of entries) offsets.delete(key(e.topic, e.partition));
    if (offsets.size === 0) this.cache.delete(group);
  }

  deleteGroup(group: string): void {
    this.state.deleteGroup(group);
    this.cache.delete(group);
  }

  deleteTopic(topic: string): void {
    // ClusterState.deleteTopic already dropped the durable offsets; keep the cache in step.
    for (const [group, offsets] of this.cache) {
      for (const [k, e] of offsets) if (e.topic === topic) offsets.delete(k);
      if (offsets.size === 0) this.cache.delete(group);
    }
  }

  groups(): Iterable<string> {
    return [...this.cache.keys()];
  }

  stage(group: string, producerId: number, entries: readonly OffsetEntry[]): void {
    this.state.stageTransactionalOffsets(
      group,
      producerId,
      entries.map((e) => ({ topic: e.topic, partition: e.partition, ...e.committed })),
    );
  }

  completeStaged(group: string, producerId: number, commit: boolean): void {
    const materialised = this.state.completeTransactionalOffsets(group, producerId, commit);
    if (materialised.length === 0) return;
    const offsets = this.load(group);
    for (const { topic, partition, offset, leaderEpoch, metadata, commitTimestamp } of materialised) {
      offsets.set(key(topic, partition), {
        topic,
        partition,
        committed: { offset, leaderEpoch, metadata, commitTimestamp },
      });
    }
  }

  *staged(group: string) {
    for (const { producerId, offsets } of this.state.pendingTransactionalOffsets(group)) {
      for (const { topic, partition, offset, leaderEpoch, metadata, commitTimestamp } of offsets) {
        yield { producerId, topic, partition, committed: { offset, leaderEpoch, metadata, commitTimestamp } };
      }
    }
  }

  groupsWithStaged(): Iterable<string> {
    return this.state.groupsWithPendingOffsets();
  }
}

function key(topic: string, partition: number): string {
  return `${partition}\u0000${topic}`;
}
