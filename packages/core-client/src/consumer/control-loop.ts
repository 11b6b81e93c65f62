/**
 * The consumer's control loop: one loop owns group membership. It joins the group and rebalances
 * (or applies `assign()`), handles lost generations, and has start positions looked up; heartbeat
 * events, metadata changes, pattern matches and the maxPollIntervalMs watchdog only set flags and
 * wake it. Heartbeats run on the membership's own timer, fetching runs ahead on its own connection,
 * and the runner delivers; they meet on the `PartitionState` objects of the assignment.
 *
 * Eager protocol (range, roundrobin): before rejoining, handlers finish, finished offsets are
 * committed and `onPartitionsRevoked` runs, so a clean rebalance neither skips nor redelivers.
 * Cooperative protocol (cooperative-sticky alone): consumption continues while rejoining; only
 * partitions that move are revoked (same steps), followed by one more rebalance (KIP-429).
 * KIP-848's consumer protocol runs the same way: a new target from the broker is a rebalance, and
 * the "one more rebalance" is the heartbeat that acknowledges the revocation.
 */
import type { TopicPartitions } from '../assignors/types.js';
import { FencedInstanceIdError } from '../cluster/group-errors.js';
import type { MetadataChange } from '../cluster/metadata.js';
import { channels, type JoinEvent, type RebalanceEvent } from '../diagnostics/channels.js';
import type { ConsumerDiagnostics } from '../diagnostics/consumer-diagnostics.js';
import { settled, started, traceOperation } from '../diagnostics/trace.js';
import { ConfigurationError, ErrorCode, isRetriable, RequestAbortedError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Assignment, ConsumerRun } from './assignment.js';
import type { ClusterLike } from './cluster-like.js';
import type { ResolvedConsumerConfig } from './config.js';
import { GroupJoinError, GroupMembershipLostError, NoOffsetForPartitionError } from './errors.js';
import { type ConsumerEventEmitter, ConsumerEvents } from './events.js';
import type { GroupMembership, JoinedGroup, JoinRequest, MembershipEvent } from './group/membership.js';
import { type PartitionState, topicPartitionsOf } from './partition-state.js';
import type { SeekPause } from './seek-pause.js';
import { StartPositions } from './start-positions.js';
import type { Subscription } from './subscription.js';
import { Wakeup } from './wakeup.js';

export type ControlLoopConfig = Pick<
  ResolvedConsumerConfig<unknown, unknown>,
  'groupId' | 'retryBackoffMs' | 'maxPollIntervalMs' | 'isolationLevel' | 'defaultApiTimeoutMs'
>;

/** What the loop works with, shared with the rest of the consumer. */
export interface ControlLoopParts {
  cluster: ClusterLike;
  membership: GroupMembership;
  assignment: Assignment;
  subscription: Subscription;
  seekPause: SeekPause;
  diagnostics: ConsumerDiagnostics;
  logger: Logger;
}

export interface ControlLoopHooks {
  /** Whether the consumer is running (not connecting, idle or stopping). */
  running(): boolean;
  /** Whether `run` is the consumer's current run and not stopping. */
  runs(run: ConsumerRun): boolean;
  /** A fatal error ended the run (after the CRASH event): the consumer stops. */
  crashed(error: Error): void;
  /** A partition's start position cannot be looked up. */
  partitionFailed(error: Error, p: PartitionState): void;
}

/** How often subscribed topics that do not exist are looked up again. */
export const MISSING_TOPIC_RECHECK_MS = 1000;

/** `lost` reason of a member that left on its own because a handler overran maxPollIntervalMs. */
const POLL_TIMEOUT = -1;

export class ControlLoop {
  private readonly cluster: ClusterLike;
  private readonly membership: GroupMembership;
  private readonly assignment: Assignment;
  private readonly subscription: Subscription;
  private readonly seekPause: SeekPause;
  private readonly emitter: ConsumerEventEmitter;
  private readonly diagnostics: ConsumerDiagnostics;
  private readonly logger: Logger;
  private readonly positions: StartPositions;

  private rejoinNeeded = false;
  /** Error code of a lost generation (or POLL_TIMEOUT), waiting for the loop. */
  private lost: number | null = null;
  private fatalError: Error | null = null;
  private resetPending = false;
  private joiningNow = false;
  private pollTimedOut = false;
  private readonly wakeup = new Wakeup();

  constructor(
    parts: ControlLoopParts,
    private readonly config: ControlLoopConfig,
    private readonly hooks: ControlLoopHooks,
  ) {
    this.cluster = parts.cluster;
    this.membership = parts.membership;
    this.assignment = parts.assignment;
    this.subscription = parts.subscription;
    this.seekPause = parts.seekPause;
    this.diagnostics = parts.diagnostics;
    this.emitter = parts.diagnostics.events;
    this.logger = parts.logger;
    this.positions = new StartPositions(
      this.cluster,
      this.membership,
      this.subscription,
      config,
      this.logger,
      hooks.partitionFailed,
    );
  }

  /** The error that ended the last run, if one did. */
  get fatal(): Error | null {
    return this.fatalError;
  }

  /** Whether a join is under way (commits and metadata-triggered rebalances wait for it). */
  get joining(): boolean {
    return this.joiningNow;
  }

  /** Runs the control loop for `run` until it stops; it joins (or assigns) first. */
  start(run: ConsumerRun): Promise<void> {
    this.fatalError = null;
    this.lost = null;
    this.rejoinNeeded = true;
    return this.controlLoop(run);
  }

  /** Cuts the loop's sleep short (it re-checks its state). */
  wake(): void {
    this.wakeup.wake();
  }

  requestRejoin(): void {
    this.rejoinNeeded = true;
    this.wakeup.wake();
  }

  /** Some partitions wait for a reset (ListOffsets). */
  requestReset(): void {
    this.resetPending = true;
    this.wakeup.wake();
  }

  /** A commit found the generation gone. */
  generationLost(): void {
    if (this.lost === null) {
      this.lost = ErrorCode.ILLEGAL_GENERATION;
      this.wakeup.wake();
    }
  }

  /** An error the consumer cannot go on after; the loop crashes with it. */
  fail(error: Error): void {
    this.fatalError = error;
    this.wakeup.wake();
  }

  crash(run: ConsumerRun, error: Error): void {
    this.fatalError = error;
    this.logger.error('consumer crashed', { groupId: this.config.groupId, error: error.message });
    this.emitter.emit(ConsumerEvents.CRASH, { error, groupId: this.config.groupId, restart: false });
    if (!run.started.settled) {
      run.started.settled = true;
      run.started.reject(error);
    }
    this.hooks.crashed(error);
  }

  /** After the run's loop ended: give every partition up (commit, onPartitionsRevoked) and leave. */
  async release(): Promise<void> {
    await this.membership.stopHeartbeats();
    await this.assignment.stopping();
    await this.membership.leave('the consumer is stopping');
    this.assignment.clear();
  }

  onMembershipEvent(event: MembershipEvent): void {
    switch (event.type) {
      case 'heartbeat':
        this.diagnostics.metrics.heartbeat();
        this.emitter.emit(ConsumerEvents.HEARTBEAT, {
          groupId: this.config.groupId,
          memberId: this.membership.memberId,
          groupGenerationId: this.membership.generationId,
        });
        return;
      case 'rebalance':
        if (!this.rejoinNeeded)
          this.logger.info('group is rebalancing; rejoining', { groupId: this.config.groupId });
        this.requestRejoin();
        return;
      case 'lost':
        this.lost = event.errorCode;
        this.wakeup.wake();
        return;
      case 'fatal':
        this.fail(event.error);
        return;
    }
  }

  /** Like Java's leader: when a subscribed topic appears or changes its partition count, rebalance. */
  onMetadataChange(change: MetadataChange): void {
    if (!this.hooks.running() || this.joiningNow) return;
    if (this.membership.leaderId === '' || this.membership.leaderId !== this.membership.memberId) return;
    if (change.topicsChanged.some((t) => this.subscription.current.includes(t))) {
      this.logger.info('a subscribed topic changed its partitions; rebalancing', {
        groupId: this.config.groupId,
      });
      this.requestRejoin();
    }
  }

  /** maxPollIntervalMs: a handler running longer than that costs the member its partitions (Java). */
  checkPollInterval(run: ConsumerRun): void {
    if (this.pollTimedOut || !this.membership.inGroup) return;
    if (run.runner.longestHandlerMs(Date.now()) <= this.config.maxPollIntervalMs) return;
    this.pollTimedOut = true;
    this.logger.warn(
      'a handler ran longer than maxPollIntervalMs; leaving the group so its partitions can move. ' +
        'Speed the handler up, or raise maxPollIntervalMs.',
      { groupId: this.config.groupId, maxPollIntervalMs: this.config.maxPollIntervalMs },
    );
    void this.membership.stopHeartbeats().then(async () => {
      await this.membership.leave('consumer poll timeout has expired', { pollTimeout: true });
      this.lost = POLL_TIMEOUT;
      this.wakeup.wake();
    });
  }

  /** Pattern subscriptions: rejoin when the patterns match other topics now. */
  /**
   * Looks up subscribed topics that do not exist yet, so that one created later is picked up within a
   * `MISSING_TOPIC_RECHECK_MS` rather than the next `metadataMaxAgeMs` refresh: its appearance is a metadata
   * change, on which the leader rebalances (onMetadataChange).
   */
  async recheckMissingTopics(): Promise<void> {
    if (!this.hooks.running() || this.joiningNow) return;
    const missing = this.subscription.missingTopics();
    if (missing.length === 0) return;
    await this.cluster.metadata.refresh(missing).catch((err) => {
      this.logger.debug('metadata for missing subscribed topics failed', { error: (err as Error).message });
    });
  }

  async recheckPatterns(): Promise<void> {
    if (!this.hooks.running() || this.joiningNow) return;
    if (await this.subscription.patternsMatchOthers()) {
      this.logger.info('pattern subscription matches a different set of topics; rejoining', {
        groupId: this.config.groupId,
      });
      this.requestRejoin();
    }
  }

  private async controlLoop(run: ConsumerRun): Promise<void> {
    let retryDelay = 0;
    while (this.hooks.runs(run)) {
      try {
        if (this.fatalError) throw this.fatalError;
        if (this.lost !== null) {
          await this.handleLost(run);
          continue;
        }
        const manual = this.subscription.manual;
        if (manual !== null) {
          if (this.rejoinNeeded) {
            await this.applyManualAssignment(run, manual);
            retryDelay = 0;
            continue;
          }
        } else if (this.rejoinNeeded || !this.membership.inGroup) {
          await this.rebalance(run);
          retryDelay = 0;
          continue;
        }
        const owned = this.assignment.owned();
        const unresolved = owned.some((p) => p.position === null && p.resetStrategy === null && !p.revoked);
        if (unresolved) await this.initPositions(run, owned);
        if (this.resetPending) await this.resolveResets(run);
        if (!run.started.settled && this.positionsKnown()) {
          run.started.settled = true;
          run.started.resolve();
        }
        if (!this.hooks.runs(run)) break;
        if (this.fatalError || this.lost !== null || this.rejoinNeeded || this.resetPending) {
          if (this.resetPending) await this.wakeup.sleep(this.config.retryBackoffMs);
          continue;
        }
        await this.wakeup.sleep(unresolved ? this.config.retryBackoffMs : undefined);
      } catch (err) {
        if (!this.hooks.runs(run)) break;
        if (err instanceof RequestAbortedError && run.signal.aborted) break;
        if (err instanceof GroupMembershipLostError) {
          // Fenced while reconciling (KIP-848): give the partitions up as lost, then rejoin.
          this.lost = err.errorCode;
          continue;
        }
        if (isFatal(err)) {
          this.crash(run, err as Error);
          break;
        }
        retryDelay = Math.min(5000, Math.max(this.config.retryBackoffMs, retryDelay * 2));
        this.logger.warn('consumer group operation failed, retrying', {
          groupId: this.config.groupId,
          error: (err as Error).message,
          retryInMs: retryDelay,
        });
        await this.wakeup.sleep(retryDelay);
      }
    }
  }

  private positionsKnown(): boolean {
    return this.assignment.owned().every((p) => p.position !== null || p.revoked);
  }

  /** One rebalance, counted in the metrics and published on samsa:consumer:rebalance. */
  private async rebalance(run: ConsumerRun): Promise<void> {
    const startedAt = performance.now();
    let trace: RebalanceEvent | null = null;
    if (channels.rebalance.hasSubscribers) {
      trace = {
        client: this.diagnostics.client,
        groupId: this.config.groupId,
        memberId: this.membership.memberId,
      };
      started(channels.rebalance, trace);
    }
    let outcome: RebalanceEvent['result'] | null;
    try {
      outcome = await this.rebalanceOnce(run);
    } catch (err) {
      this.diagnostics.metrics.rebalanced(performance.now() - startedAt, true);
      if (trace !== null) settled(channels.rebalance, trace, err);
      throw err;
    }
    // Stopped half way: not a rebalance that completed.
    if (outcome !== null) this.diagnostics.metrics.rebalanced(performance.now() - startedAt, false);
    if (trace !== null) {
      if (outcome !== null) trace.result = outcome;
      settled(channels.rebalance, trace);
    }
  }

  private async rebalanceOnce(run: ConsumerRun): Promise<RebalanceEvent['result'] | null> {
    this.emitter.emit(ConsumerEvents.REBALANCING, {
      groupId: this.config.groupId,
      memberId: this.membership.memberId,
    });
    const topics = await this.subscription.resolve();
    this.subscription.current = topics;
    const cooperative = this.membership.rebalanceProtocol === 'cooperative';
    const owned = this.assignment.owned();
    const leaving = cooperative ? owned.filter((p) => !topics.includes(p.topic)) : owned;
    if (leaving.length > 0) await this.assignment.revoke(run, leaving, 'revoked');
    if (!this.hooks.runs(run)) return null;
    this.rejoinNeeded = false;
    await this.membership.stopHeartbeats();
    const startedAt = Date.now();
    this.joiningNow = true;
    let joined: JoinedGroup;
    try {
      joined = await this.join(
        { topics, ownedPartitions: cooperative ? topicPartitionsOf(this.assignment.owned()) : [] },
        run.signal,
      );
    } finally {
      this.joiningNow = false;
    }
    joined = this.dropUnsubscribed(joined, topics);
    this.pollTimedOut = false;

    const revoked = this.assignment.notIn(joined.partitions);
    const added = this.assignment.add(joined.partitions);
    this.membership.startHeartbeats();
    if (revoked.length > 0) {
      // Cooperative: give these up now, then rebalance once more so their new owners get them.
      await this.assignment.revoke(run, revoked, 'revoked');
      this.rejoinNeeded = true;
    }
    this.subscription.warnMissingTopics(this.config.groupId, MISSING_TOPIC_RECHECK_MS);
    this.emitter.emit(ConsumerEvents.GROUP_JOIN, {
      duration: Date.now() - startedAt,
      groupId: this.config.groupId,
      isLeader: joined.isLeader,
      leaderId: this.membership.leaderId,
      groupProtocol: joined.protocolName,
      memberId: joined.memberId,
      memberAssignment: Object.fromEntries(joined.partitions.map((tp) => [tp.topic, tp.partitions])),
    });
    // KIP-848 members reconcile in small steps: callbacks name exactly the partitions that moved.
    if (added.length > 0 || this.membership.protocol === 'classic')
      await this.assignment.runAssignedCallback(added);
    await this.positionNew(run, added);
    return {
      generationId: joined.generationId,
      memberId: joined.memberId,
      assigned: topicPartitionsOf(added),
      revoked: [...topicPartitionsOf(leaving), ...topicPartitionsOf(revoked)],
    };
  }

  /** membership.join(), published on samsa:consumer:join when it has subscribers. */
  private join(what: JoinRequest, signal: AbortSignal): Promise<JoinedGroup> {
    if (!channels.join.hasSubscribers) return this.membership.join(what, signal);
    const event: JoinEvent = {
      client: this.diagnostics.client,
      groupId: this.config.groupId,
      groupProtocol: this.membership.protocol,
      memberId: this.membership.memberId,
    };
    return traceOperation(channels.join, event, () =>
      this.membership.join(what, signal),
    ) as Promise<JoinedGroup>;
  }

  /**
   * An assignment naming topics this member did not subscribe to (a leader with a broken assignor or
   * an older view of a pattern): reported as KafkaJS's RECEIVED_UNSUBSCRIBED_TOPICS and left out, as
   * KafkaJS does; the next rebalance hands them to a member that wants them.
   */
  private dropUnsubscribed(joined: JoinedGroup, subscribed: readonly string[]): JoinedGroup {
    const assignedTopics = joined.partitions.map((tp) => tp.topic);
    const topicsNotSubscribed = assignedTopics.filter((t) => !subscribed.includes(t));
    if (topicsNotSubscribed.length === 0) return joined;
    const payload = {
      groupId: this.config.groupId,
      generationId: joined.generationId,
      memberId: joined.memberId,
      assignedTopics,
      topicsSubscribed: [...subscribed],
      topicsNotSubscribed,
    };
    this.emitter.emit(ConsumerEvents.RECEIVED_UNSUBSCRIBED_TOPICS, payload);
    this.logger.warn(
      'the group assigned this member topics it did not subscribe to; leaving them out',
      payload,
    );
    return { ...joined, partitions: joined.partitions.filter((tp) => subscribed.includes(tp.topic)) };
  }

  /** assign(): takes the wanted partitions and drops the others, with no group and no callbacks. */
  private async applyManualAssignment(run: ConsumerRun, wanted: TopicPartitions[]): Promise<void> {
    this.rejoinNeeded = false;
    const dropped = this.assignment.notIn(wanted);
    if (dropped.length > 0) await this.assignment.drop(run, dropped);
    const topics = wanted.map((t) => t.topic);
    this.subscription.current = [...topics].sort();
    this.cluster.metadata.track(topics);
    if (topics.length > 0) {
      await this.cluster.metadata.refresh(topics).catch((err) => {
        this.logger.warn('metadata for assigned partitions failed; retrying while fetching', {
          error: (err as Error).message,
        });
      });
    }
    await this.positionNew(run, this.assignment.add(wanted));
  }

  /** New partitions start where seek() put them before, else at their committed offset or a reset. */
  private async positionNew(run: ConsumerRun, added: PartitionState[]): Promise<void> {
    if (this.seekPause.applyPendingSeeks(added)) this.resetPending = true;
    await this.initPositions(run, added);
    if (this.resetPending) await this.resolveResets(run);
    run.fetcher.recount();
  }

  private async handleLost(run: ConsumerRun): Promise<void> {
    const code = this.lost!;
    this.lost = null;
    await this.membership.stopHeartbeats();
    this.membership.reset(code !== ErrorCode.ILLEGAL_GENERATION);
    const owned = this.assignment.owned();
    this.logger.warn('group membership lost; rejoining', {
      groupId: this.config.groupId,
      reason: code === POLL_TIMEOUT ? 'maxPollIntervalMs exceeded' : (ErrorName[code] ?? String(code)),
      partitions: owned.length,
    });
    if (owned.length > 0) await this.assignment.revoke(run, owned, 'lost');
    this.rejoinNeeded = true;
  }

  private async initPositions(run: ConsumerRun, partitions: PartitionState[]): Promise<void> {
    if (await this.positions.initialize(run, partitions)) this.resetPending = true;
  }

  private async resolveResets(run: ConsumerRun): Promise<void> {
    this.resetPending = false;
    if (await this.positions.resolveResets(run, this.assignment.owned())) this.resetPending = true;
  }
}

const ErrorName: Record<number, string> = Object.fromEntries(
  Object.entries(ErrorCode).map(([k, v]) => [v, k]),
);

function isFatal(err: unknown): boolean {
  return (
    err instanceof FencedInstanceIdError ||
    err instanceof GroupJoinError ||
    err instanceof NoOffsetForPartitionError ||
    err instanceof ConfigurationError ||
    !isRetriable(err)
  );
}
