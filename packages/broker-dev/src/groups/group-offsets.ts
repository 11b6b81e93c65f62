/**
 * Committed group offsets: OffsetCommit (once the group protocol has accepted the member),
 * OffsetFetch, OffsetDelete and expiry after offsets.retention.minutes, over an OffsetStore
 * (durable cluster state under the data dir, or memory).
 */
import { ErrorCode } from '@samsa/protocol';
import type { Logger } from '../logger.js';
import type { ClassicGroup } from './classic/group.js';
import type { GroupConfig } from './group-config.js';
import type { CommittedOffset, OffsetEntry, OffsetStore } from './offset-store.js';

export interface CommitEntry {
  topic: string;
  partition: number;
  offset: number;
  leaderEpoch: number;
  metadata: string | null;
}

/** Splits commit entries into those whose metadata fits offset.metadata.max.bytes and an error code per entry. */
export function acceptCommitEntries(
  entries: readonly CommitEntry[],
  maxOffsetMetadataBytes: number,
): { codes: number[]; accepted: OffsetEntry[] } {
  const now = Date.now();
  const codes: number[] = [];
  const accepted: OffsetEntry[] = [];
  for (const entry of entries) {
    if (entry.metadata !== null && Buffer.byteLength(entry.metadata) > maxOffsetMetadataBytes) {
      codes.push(ErrorCode.OFFSET_METADATA_TOO_LARGE);
      continue;
    }
    codes.push(ErrorCode.NONE);
    const committed: CommittedOffset = {
      offset: entry.offset,
      leaderEpoch: entry.leaderEpoch,
      metadata: entry.metadata,
      commitTimestamp: now,
    };
    accepted.push({ topic: entry.topic, partition: entry.partition, committed });
  }
  return { codes, accepted };
}

export class GroupOffsets {
  constructor(
    private readonly store: OffsetStore,
    private readonly config: Pick<GroupConfig, 'maxOffsetMetadataBytes' | 'offsetsRetentionMs'>,
    private readonly logger: Logger,
  ) {}

  /** Stores the entries whose metadata fits offset.metadata.max.bytes; an error code per entry. */
  commit(groupId: string, entries: readonly CommitEntry[]): number[] {
    const { codes, accepted } = acceptCommitEntries(entries, this.config.maxOffsetMetadataBytes);
    if (accepted.length > 0) this.store.commit(groupId, accepted);
    return codes;
  }

  committed(groupId: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.store.get(groupId, topic, partition);
  }

  list(groupId: string) {
    return this.store.list(groupId);
  }

  has(groupId: string): boolean {
    for (const _ of this.store.list(groupId)) return true;
    return false;
  }

  /** Groups with at least one committed offset (they exist, Empty, after a restart). */
  groupIds(): Iterable<string> {
    return this.store.groups();
  }

  /** OffsetDelete: drops offsets of topics the group no longer consumes. */
  deleteUnconsumed(
    group: ClassicGroup | undefined,
    partitions: readonly { topic: string; partition: number }[],
  ): { errorCode: number; partitionErrors: number[] } {
    if (!group || group.is('Dead')) return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, partitionErrors: [] };
    let eligible: (p: { topic: string }) => boolean;
    if (group.is('Empty')) eligible = () => true;
    else if (group.protocolType === 'consumer') eligible = (p) => !group.isSubscribedTo(p.topic);
    else return { errorCode: ErrorCode.NON_EMPTY_GROUP, partitionErrors: [] };
    const toDelete = partitions.filter(eligible);
    this.store.delete(group.groupId, toDelete);
    return {
      errorCode: ErrorCode.NONE,
      partitionErrors: partitions.map((p) =>
        eligible(p) ? ErrorCode.NONE : ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC,
      ),
    };
  }

  /** OffsetDelete for a consumer group: offsets of topics no member subscribes to go. */
  deleteUnsubscribed(
    groupId: string,
    partitions: readonly { topic: string; partition: number }[],
    isSubscribed: (topic: string) => boolean,
  ): { errorCode: number; partitionErrors: number[] } {
    this.store.delete(
      groupId,
      partitions.filter((p) => !isSubscribed(p.topic)),
    );
    return {
      errorCode: ErrorCode.NONE,
      partitionErrors: partitions.map((p) =>
        isSubscribed(p.topic) ? ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC : ErrorCode.NONE,
      ),
    };
  }

  /**
   * Consumer groups' offset expiry (Kafka: by commit time, never for a topic a member subscribes
   * to). Returns how many expired.
   */
  expireByCommitTime(groupId: string, keepTopic: (topic: string) => boolean, now: number): number {
    const stale: { topic: string; partition: number }[] = [];
    for (const { topic, partition, committed } of this.store.list(groupId)) {
      if (!keepTopic(topic) && now - committed.commitTimestamp >= this.config.offsetsRetentionMs)
        stale.push({ topic, partition });
    }
    if (stale.length > 0) {
      this.store.delete(groupId, stale);
      this.logger.info(`group ${groupId}: ${stale.length} committed offset(s) expired`);
    }
    return stale.length;
  }

  /**
   * Drops the group's committed offsets older than offsets.retention.minutes, as Kafka's offset
   * expiration (KIP-211): in an Empty group all of them once the group has been empty that long
   * (or, after a restart, each once it was committed that long ago); in a group without members
   * that only commits (no protocol type) each by its commit time; in a Stable consumer group those
   * of topics no member subscribes to. Returns how many expired.
   */
  expire(group: ClassicGroup, now: number): number {
    let since: ((committed: CommittedOffset) => number) | undefined;
    let keepTopic: (topic: string) => boolean = () => false;
    if (group.protocolType === null && group.is('Empty')) {
      since = (c) => c.commitTimestamp;
    } else if (group.is('Empty')) {
      const emptySince = group.stateTimestamp;
      since = (c) => emptySince ?? c.commitTimestamp;
    } else if (group.is('Stable') && group.protocolType === 'consumer' && group.subscribed) {
      const subscribed = group.subscribed;
      since = (c) => c.commitTimestamp;
      keepTopic = (topic) => subscribed.has(topic);
    }
    if (!since) return 0;
    const stale: { topic: string; partition: number }[] = [];
    for (const { topic, partition, committed } of this.store.list(group.groupId)) {
      if (!keepTopic(topic) && now - since(committed) >= this.config.offsetsRetentionMs) {
        stale.push({ topic, partition });
      }
    }
    if (stale.length > 0) {
      this.store.delete(group.groupId, stale);
      this.logger.info(`group ${group.groupId}: ${stale.length} committed offset(s) expired`);
    }
    return stale.length;
  }

  deleteGroup(groupId: string): void {
    this.store.deleteGroup(groupId);
  }

  /** Forgets offsets for a topic that was deleted. */
  deleteTopic(topic: string): void {
    this.store.deleteTopic(topic);
  }
}
