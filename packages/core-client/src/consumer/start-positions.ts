/**
 * Where newly assigned partitions start: the group's committed offset, else the reset strategy
 * (`fromBeginning` / `autoOffsetReset`), which ListOffsets turns into an offset
 * (fetch/offset-resolver.ts). A consumer with assign() has no group offsets: it starts where seek()
 * put it, else at the reset strategy.
 */

import { type CommittedOffset, fetchCommittedOffsets } from '../cluster/group-offsets.js';
import type { Logger } from '../logger.js';
import type { ClusterLike } from './cluster-like.js';
import type { IsolationLevel } from './config.js';
import { NoOffsetForPartitionError } from './errors.js';
import type { Fetcher } from './fetch/fetcher.js';
import { resolveOffsets } from './fetch/offset-resolver.js';
import type { GroupMembership } from './group/membership.js';
import type { PartitionState } from './partition-state.js';
import type { Subscription } from './subscription.js';

export interface StartPositionsConfig {
  isolationLevel: IsolationLevel;
  defaultApiTimeoutMs: number;
  retryBackoffMs: number;
}

/** What looking positions up needs of the running consumer. */
export interface PositionLookup {
  readonly signal: AbortSignal;
  readonly fetcher: Pick<Fetcher, 'recount'>;
}

export class StartPositions {
  constructor(
    private readonly cluster: ClusterLike,
    private readonly membership: GroupMembership,
    private readonly subscription: Subscription,
    private readonly config: StartPositionsConfig,
    private readonly logger: Logger,
    /** A partition whose position cannot be looked up (the consumer surfaces it). */
    private readonly partitionFailed: (error: Error, p: PartitionState) => void,
  ) {}

  /**
   * Positions `partitions` that have none yet: at the committed offset, else they wait for a reset.
   * Returns whether one now waits for a reset (`resolveResets`).
   */
  async initialize(lookup: PositionLookup, partitions: PartitionState[]): Promise<boolean> {
    const need = partitions.filter((p) => p.position === null && p.resetStrategy === null && !p.revoked);
    if (need.length === 0) return false;
    const manual = this.subscription.manual !== null;
    const committed = manual
      ? new Map<string, Map<number, CommittedOffset>>()
      : await fetchCommittedOffsets(this.membership, need, {
          signal: lookup.signal,
          timeoutMs: this.config.defaultApiTimeoutMs,
          retryBackoffMs: this.config.retryBackoffMs,
        });
    let resetNeeded = false;
    for (const p of need) {
      if (p.revoked || p.position !== null || p.resetStrategy !== null) continue;
      const c: CommittedOffset | undefined = committed.get(p.topic)?.get(p.partition);
      if (c && c.offset >= 0n) {
        p.seek(c.offset);
        p.committed = c.offset;
        p.finished = c.offset;
      } else {
        const strategy = this.subscription.resetFor(p.topic);
        if (strategy === 'none') {
          throw new NoOffsetForPartitionError(
            p.topic,
            p.partition,
            manual
              ? 'no seek() before run() and autoOffsetReset is none'
              : 'the group has no committed offset',
          );
        }
        p.requestReset(strategy);
        resetNeeded = true;
      }
    }
    lookup.fetcher.recount();
    return resetNeeded;
  }

  /**
   * Looks up the offsets of the partitions waiting for a reset (ListOffsets). Returns whether some
   * must be tried again (leader unknown or moved; metadata was refreshed for them).
   */
  async resolveResets(lookup: PositionLookup, assigned: Iterable<PartitionState>): Promise<boolean> {
    const pending: PartitionState[] = [];
    for (const p of assigned) if (p.resetStrategy !== null && !p.revoked) pending.push(p);
    if (pending.length === 0) return false;
    const result = await resolveOffsets(
      this.cluster,
      pending,
      this.config.isolationLevel,
      this.logger,
      lookup.signal,
    );
    for (const { partition, error } of result.errors) this.partitionFailed(error, partition);
    const retry = result.retry.length > 0;
    if (retry) {
      this.cluster.metadata.invalidate();
      await this.cluster.metadata.refresh().catch(() => {});
    }
    lookup.fetcher.recount();
    return retry;
  }
}
