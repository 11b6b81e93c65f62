/**
 * Offset committing: the offsets handlers finished go to the group coordinator every
 * `autoCommitIntervalMs` and/or `autoCommitThreshold` records, before partitions are revoked, on
 * `stop()`, and whenever the application calls `commitOffsets()`. Commits go out one at a time, in
 * order, so an older commit never lands after a newer one. Also reads the group's committed offsets.
 */

import {
  CommitFailedError,
  FencedInstanceIdError,
  RebalanceInProgressError,
} from '../cluster/group-errors.js';
import { commitOffsets, fetchCommittedOffsets, type OffsetToCommit } from '../cluster/group-offsets.js';
import { type CommitEvent, channels } from '../diagnostics/channels.js';
import type { ConsumerDiagnostics } from '../diagnostics/consumer-diagnostics.js';
import { settled, started } from '../diagnostics/trace.js';
import { ConfigurationError } from '../errors.js';
import type { Logger } from '../logger.js';
import { toOffset } from './arguments.js';
import { ConsumerStateError } from './errors.js';
import { ConsumerEvents } from './events.js';
import type { GroupMembership } from './group/membership.js';
import type { OffsetsByTopicPartition, TopicPartitionOffset } from './message.js';
import { type PartitionState, partitionKey } from './partition-state.js';

/** How one `run()` commits on its own. */
export interface AutoCommitSettings {
  autoCommit: boolean;
  intervalMs: number;
  /** Also commit once this many records finished since the last commit. */
  threshold: number | null;
}

export interface OffsetCommitterConfig {
  groupId: string;
  groupInstanceId: string | null;
  defaultApiTimeoutMs: number;
  retryBackoffMs: number;
}

/** What a failed commit means for the group membership, and what the committer asks of the consumer. */
export interface OffsetCommitterHooks {
  /** Whether an automatic commit may go out now (the consumer runs and is not joining). */
  mayAutoCommit(): boolean;
  /** Whether the partitions came from assign(): no generation to commit under. */
  assignedManually(): boolean;
  /** The generation is gone (CommitFailedError): rejoin from scratch. */
  generationLost(): void;
  /** The commit raced a rebalance: rejoin; finished offsets are committed after it. */
  rebalanceInProgress(): void;
  /** This static member was fenced: the consumer cannot go on. */
  fenced(error: FencedInstanceIdError): void;
}

export interface CommittedOffsetInfo {
  topic: string;
  partition: number;
  /** '-1' when the group has no offset for the partition. */
  offset: string;
  metadata: string | null;
}

export class OffsetCommitter {
  private chain: Promise<void> = Promise.resolve();
  private finishedSinceCommit = 0;
  private lastCommitAt = Date.now();
  /** The running run()'s settings; null between runs. */
  private settings: AutoCommitSettings | null = null;

  constructor(
    private readonly membership: GroupMembership,
    private readonly assigned: ReadonlyMap<string, PartitionState>,
    private readonly config: OffsetCommitterConfig,
    private readonly diagnostics: ConsumerDiagnostics,
    private readonly logger: Logger,
    private readonly hooks: OffsetCommitterHooks,
  ) {}

  /** A run starts (its auto-commit settings) or ends (null). */
  setRun(settings: AutoCommitSettings | null): void {
    this.settings = settings;
  }

  /** Whether the current run commits on its own (and so before revoking and stopping). */
  get autoCommit(): boolean {
    return this.settings?.autoCommit ?? false;
  }

  /** `count` more records finished (runs once per handled record: keep it cheap). */
  onFinished(count: number): void {
    const settings = this.settings;
    if (!settings) return;
    this.finishedSinceCommit += count;
    if (
      settings.autoCommit &&
      settings.threshold !== null &&
      this.finishedSinceCommit >= settings.threshold
    ) {
      this.finishedSinceCommit = 0;
      void this.autoCommitTick();
    }
  }

  /** Commits every assigned partition with finished, uncommitted offsets (the auto-commit timer). */
  async autoCommitTick(): Promise<void> {
    if (!this.hooks.mayAutoCommit() || !this.membership.inGroup) return;
    const dirty = [...this.assigned.values()].filter((p) => p.dirty && !p.revoked);
    if (dirty.length === 0) return;
    await this.commitFinished(dirty).catch((err) => this.reportError(err));
  }

  /** Logs a failed commit and passes on what it means for the membership. */
  reportError(err: unknown): void {
    if (err instanceof CommitFailedError) {
      this.logger.warn('offset commit failed: the generation is gone', {
        groupId: this.config.groupId,
        error: err.message,
      });
      this.hooks.generationLost();
      return;
    }
    if (err instanceof RebalanceInProgressError) {
      this.logger.info('offset commit raced a rebalance; it will be retried after it', {
        groupId: this.config.groupId,
      });
      this.hooks.rebalanceInProgress();
      return;
    }
    if (err instanceof FencedInstanceIdError) {
      this.hooks.fenced(err);
      return;
    }
    this.logger.warn('offset commit failed', {
      groupId: this.config.groupId,
      error: (err as Error)?.message,
    });
  }

  /** Commits the finished offsets of `partitions` (serialized with every other commit). */
  commitFinished(partitions: PartitionState[], signal?: AbortSignal): Promise<void> {
    const task = this.chain.then(async () => {
      const offsets: OffsetToCommit[] = [];
      const snapshot: [PartitionState, bigint][] = [];
      for (const p of partitions) {
        if (p.finished === null || p.finished === p.committed) continue;
        offsets.push({
          topic: p.topic,
          partition: p.partition,
          offset: p.finished,
          leaderEpoch: p.finishedLeaderEpoch,
        });
        snapshot.push([p, p.finished]);
      }
      if (offsets.length === 0) return;
      await this.send(offsets, signal);
      for (const [p, offset] of snapshot) {
        p.committed = offset;
        p.uncommittedCount = 0;
      }
    });
    this.chain = task.catch(() => {});
    return task;
  }

  /** `consumer.commitOffsets()`: offsets are the next ones to consume (KafkaJS-style). */
  async commitOffsets(
    offsets: TopicPartitionOffset[],
    options: { signal?: AbortSignal } = {},
  ): Promise<void> {
    if (!Array.isArray(offsets))
      throw new ConfigurationError('offsets', 'expected an array of { topic, partition, offset }');
    if (this.hooks.assignedManually()) {
      throw new ConsumerStateError(
        'commitOffsets() commits for a group member; this consumer took its partitions with assign() and has no generation to commit under',
      );
    }
    const list: OffsetToCommit[] = offsets.map((o, i) => {
      if (
        o === null ||
        typeof o !== 'object' ||
        typeof o.topic !== 'string' ||
        !Number.isInteger(o.partition)
      ) {
        throw new ConfigurationError(
          `offsets[${i}]`,
          'expected { topic: string, partition: number, offset }',
        );
      }
      return {
        topic: o.topic,
        partition: o.partition,
        offset: toOffset(`offsets[${i}].offset`, o.offset),
        metadata: o.metadata,
      };
    });
    if (list.length === 0) return;
    const task = this.chain.then(async () => {
      await this.send(list, options.signal);
      for (const o of list) {
        const p = this.assigned.get(partitionKey(o.topic, o.partition));
        if (!p) continue;
        p.committed = o.offset;
        if (p.finished === null || o.offset > p.finished) p.finished = o.offset;
      }
    });
    this.chain = task.catch(() => {});
    try {
      await task;
    } catch (err) {
      if (err instanceof CommitFailedError || err instanceof RebalanceInProgressError) this.reportError(err);
      throw err;
    }
  }

  /** eachBatch's `commitOffsetsIfNecessary`: the given offsets, else an auto-commit when one is due. */
  async commitOffsetsIfNecessary(offsets?: OffsetsByTopicPartition): Promise<void> {
    if (offsets) {
      const list: TopicPartitionOffset[] = [];
      for (const t of offsets.topics)
        for (const p of t.partitions) list.push({ topic: t.topic, partition: p.partition, offset: p.offset });
      return this.commitOffsets(list);
    }
    const settings = this.settings;
    if (!settings?.autoCommit) return;
    const due =
      (settings.intervalMs > 0 && Date.now() - this.lastCommitAt >= settings.intervalMs) ||
      (settings.threshold !== null && this.finishedSinceCommit >= settings.threshold) ||
      (settings.intervalMs === 0 && settings.threshold === null);
    if (due) await this.autoCommitTick();
  }

  /** eachBatch's `uncommittedOffsets`: finished offsets not committed yet. */
  uncommittedOffsets(): OffsetsByTopicPartition {
    const byTopic = new Map<string, { partition: number; offset: string }[]>();
    for (const p of this.assigned.values()) {
      if (!p.dirty) continue;
      let list = byTopic.get(p.topic);
      if (!list) {
        list = [];
        byTopic.set(p.topic, list);
      }
      list.push({ partition: p.partition, offset: p.finished!.toString() });
    }
    return { topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })) };
  }

  /** The group's committed offsets for `partitions`. */
  async committed(
    partitions: { topic: string; partition: number }[],
    signal?: AbortSignal,
  ): Promise<CommittedOffsetInfo[]> {
    const result = await fetchCommittedOffsets(this.membership, partitions, {
      signal,
      timeoutMs: this.config.defaultApiTimeoutMs,
      retryBackoffMs: this.config.retryBackoffMs,
    });
    return partitions.map(({ topic, partition }) => {
      const c = result.get(topic)?.get(partition);
      return { topic, partition, offset: (c?.offset ?? -1n).toString(), metadata: c?.metadata ?? null };
    });
  }

  private async send(offsets: OffsetToCommit[], signal?: AbortSignal): Promise<void> {
    const { metrics, events } = this.diagnostics;
    const trace = channels.commit.hasSubscribers ? this.commitEvent(offsets) : null;
    const startedAt = performance.now();
    try {
      await commitOffsets(this.membership, offsets, {
        signal,
        timeoutMs: this.config.defaultApiTimeoutMs,
        retryBackoffMs: this.config.retryBackoffMs,
        groupInstanceId: this.config.groupInstanceId,
      });
    } catch (err) {
      metrics.committed(performance.now() - startedAt, true);
      if (trace !== null) settled(channels.commit, trace, err);
      throw err;
    }
    metrics.committed(performance.now() - startedAt, false);
    if (trace !== null) settled(channels.commit, trace);
    this.lastCommitAt = Date.now();
    this.finishedSinceCommit = 0;
    events.emit(ConsumerEvents.COMMIT_OFFSETS, {
      groupId: this.config.groupId,
      memberId: this.membership.memberId,
      groupGenerationId: this.membership.generationId,
      topics: groupOffsets(offsets),
    });
  }

  /** The samsa:consumer:commit event of a commit going out. */
  private commitEvent(offsets: OffsetToCommit[]): CommitEvent {
    const event: CommitEvent = {
      client: this.diagnostics.client,
      groupId: this.config.groupId,
      memberId: this.membership.memberId,
      generationId: this.membership.generationId,
      offsets: offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset.toString() })),
    };
    started(channels.commit, event);
    return event;
  }
}

function groupOffsets(
  offsets: OffsetToCommit[],
): { topic: string; partitions: { partition: string; offset: string }[] }[] {
  const byTopic = new Map<string, { partition: string; offset: string }[]>();
  for (const o of offsets) {
    let list = byTopic.get(o.topic);
    if (!list) {
      list = [];
      byTopic.set(o.topic, list);
    }
    list.push({ partition: String(o.partition), offset: o.offset.toString() });
  }
  return [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
}
