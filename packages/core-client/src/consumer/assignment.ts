/**
 * The partitions this consumer holds, and how they change hands: new ones are taken (paused when
 * `pause()` named them), and given up in order: fetching and delivery stop, running handlers
 * finish, finished offsets are committed, then the rebalance callback runs. When that happens is
 * the control loop's business (control-loop.ts).
 */
import type { TopicPartitions } from '../assignors/types.js';
import type { Logger } from '../logger.js';
import type { RebalanceCallback, ResolvedConsumerConfig } from './config.js';
import type { Fetcher } from './fetch/fetcher.js';
import type { GroupMembership } from './group/membership.js';
import type { OffsetCommitter } from './offset-committer.js';
import { PartitionState, partitionKey, topicPartitionsOf } from './partition-state.js';
import type { Runner } from './runner.js';
import type { SeekPause } from './seek-pause.js';

/** One `run()` of the consumer, as the control loop and the assignment see it. */
export interface ConsumerRun {
  /** Aborts when the run stops. */
  readonly signal: AbortSignal;
  readonly runner: Pick<Runner<unknown, unknown>, 'waitIdle' | 'longestHandlerMs'>;
  readonly fetcher: Pick<Fetcher, 'recount'>;
  /** `run()`'s promise: resolved once positions are known, rejected if the run ends before. */
  readonly started: { resolve: () => void; reject: (err: Error) => void; settled: boolean };
}

export type AssignmentConfig = Pick<
  ResolvedConsumerConfig<unknown, unknown>,
  'groupId' | 'onPartitionsAssigned' | 'onPartitionsRevoked' | 'onPartitionsLost'
>;

export class Assignment {
  constructor(
    /** The partitions held, by `partitionKey`; only this class adds and removes entries. */
    private readonly assigned: Map<string, PartitionState>,
    private readonly seekPause: Pick<SeekPause, 'isPaused'>,
    private readonly committer: Pick<OffsetCommitter, 'autoCommit' | 'commitFinished' | 'reportError'>,
    private readonly membership: Pick<GroupMembership, 'inGroup'>,
    private readonly config: AssignmentConfig,
    private readonly logger: Logger,
  ) {}

  /** The partitions held now. */
  owned(): PartitionState[] {
    return [...this.assigned.values()];
  }

  /** The partitions held now that `wanted` leaves out. */
  notIn(wanted: readonly TopicPartitions[]): PartitionState[] {
    const keys = new Set<string>();
    for (const { topic, partitions } of wanted) for (const n of partitions) keys.add(partitionKey(topic, n));
    return this.owned().filter((p) => !keys.has(p.key));
  }

  /** Takes the partitions of `wanted` not held yet and returns them (without positions yet). */
  add(wanted: readonly TopicPartitions[]): PartitionState[] {
    return addPartitions(this.assigned, wanted, this.seekPause);
  }

  /** Runs `onPartitionsAssigned` for newly taken partitions. */
  runAssignedCallback(added: PartitionState[]): Promise<void> {
    return this.callback(this.config.onPartitionsAssigned, added, 'onPartitionsAssigned');
  }

  /**
   * Gives partitions up: stop fetching and delivering them, wait for their running handlers, commit
   * what finished (unless lost), call the user's callback, forget them.
   */
  async revoke(run: ConsumerRun, partitions: PartitionState[], how: 'revoked' | 'lost'): Promise<void> {
    await this.stopDelivering(run, partitions);
    if (how === 'revoked' && this.committer.autoCommit && this.membership.inGroup) {
      try {
        await this.committer.commitFinished(partitions);
      } catch (err) {
        this.committer.reportError(err);
      }
    }
    const callback =
      how === 'lost'
        ? (this.config.onPartitionsLost ?? this.config.onPartitionsRevoked)
        : this.config.onPartitionsRevoked;
    await this.callback(callback, partitions, how === 'lost' ? 'onPartitionsLost' : 'onPartitionsRevoked');
    this.forget(partitions);
    run.fetcher.recount();
  }

  /** assign() no longer names these partitions: they go without commits or callbacks. */
  async drop(run: ConsumerRun, partitions: PartitionState[]): Promise<void> {
    await this.stopDelivering(run, partitions);
    this.forget(partitions);
  }

  /**
   * The consumer stops (its handlers and fetches already did): while still in the group, commit
   * what finished (with auto-commit) and run `onPartitionsRevoked` for everything held.
   */
  async stopping(): Promise<void> {
    const owned = this.owned();
    if (!this.membership.inGroup || owned.length === 0) return;
    if (this.committer.autoCommit)
      await this.committer.commitFinished(owned).catch((err) => this.committer.reportError(err));
    await this.callback(this.config.onPartitionsRevoked, owned, 'onPartitionsRevoked');
  }

  /** Forgets every partition (after the consumer left the group). */
  clear(): void {
    this.assigned.clear();
  }

  /** Nothing more is fetched or delivered for `partitions`; resolves once their handlers returned. */
  private stopDelivering(run: ConsumerRun, partitions: PartitionState[]): Promise<void> {
    const set = new Set(partitions);
    for (const p of partitions) p.revoked = true;
    return run.runner.waitIdle((p) => set.has(p));
  }

  private forget(partitions: PartitionState[]): void {
    for (const p of partitions) {
      p.clearBuffer();
      this.assigned.delete(p.key);
    }
  }

  private async callback(
    cb: RebalanceCallback | null,
    partitions: PartitionState[],
    name: string,
  ): Promise<void> {
    if (!cb) return;
    const tps = topicPartitionsOf(partitions);
    try {
      await cb(tps);
    } catch (err) {
      this.logger.error(`${name} callback threw`, {
        groupId: this.config.groupId,
        error: (err as Error)?.message,
      });
    }
  }
}

/**
 * Adds a PartitionState for each partition of `wanted` not in `assigned` yet, paused when `pauses`
 * says so, and returns the new ones.
 */
export function addPartitions(
  assigned: Map<string, PartitionState>,
  wanted: readonly TopicPartitions[],
  pauses: Pick<SeekPause, 'isPaused'>,
): PartitionState[] {
  const added: PartitionState[] = [];
  for (const { topic, partitions } of wanted) {
    for (const partition of partitions) {
      const key = partitionKey(topic, partition);
      if (assigned.has(key)) continue;
      const p = new PartitionState(topic, partition);
      p.paused = pauses.isPaused(topic, partition);
      assigned.set(key, p);
      added.push(p);
    }
  }
  return added;
}
