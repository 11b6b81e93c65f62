/**
 * The consumer: KafkaJS's surface (`subscribe`, `run({ eachMessage | eachBatch })`, `commitOffsets`,
 * `seek`, `pause`/`resume`) plus `for await`, with Java's group semantics underneath.
 *
 * This class is the public API and the lifecycle (connect, run, stop); the work is done by:
 * - subscription.ts: what to consume (topics, patterns, or assign()'s partitions)
 * - control-loop.ts: joins, rebalances, handles lost generations (one loop per run)
 * - assignment.ts: the partitions held; assigning, revoking, the rebalance callbacks
 * - start-positions.ts: where new partitions start (committed offset or reset)
 * - group/membership.ts: the group protocol behind one interface (group/classic-consumer.ts,
 *   group/consumer-protocol.ts for KIP-848's `groupProtocol: 'consumer'`)
 * - fetch/fetcher.ts fetches ahead of the handlers; runner.ts delivers to eachMessage/eachBatch;
 *   fetch/corrupt-batches.ts decides about batches that do not decode
 * - offset-committer.ts: auto-commit, commitOffsets(), committed offsets
 * - seek-pause.ts: seek(), pause(), resume(); message-iterator.ts: the async iterator
 */
import { raceAbort } from '../abort.js';
import type { TopicPartitions } from '../assignors/types.js';
import { channels } from '../diagnostics/channels.js';
import { type ConsumerDiagnostics, consumerDiagnostics } from '../diagnostics/consumer-diagnostics.js';
import type { ConsumerMetrics } from '../diagnostics/metrics/consumer-metrics.js';
import { RequestMetrics } from '../diagnostics/metrics/request-metrics.js';
import { RequestAbortedError, RetriesExhaustedError } from '../errors.js';
import type { Logger } from '../logger.js';
import { backoffMs } from '../retry.js';
import { Assignment, type ConsumerRun } from './assignment.js';
import type { ConsumerCluster } from './cluster-like.js';
import { type ConsumerConfig, type ResolvedConsumerConfig, resolveConsumerConfig } from './config.js';
import { ControlLoop, MISSING_TOPIC_RECHECK_MS } from './control-loop.js';
import { ConsumerStateError, NoOffsetForPartitionError } from './errors.js';
import { type ConsumerEvent, type ConsumerEventName, ConsumerEvents } from './events.js';
import { type BatchDecodeFailure, CorruptBatches } from './fetch/corrupt-batches.js';
import { Fetcher } from './fetch/fetcher.js';
import { ClassicConsumerMembership } from './group/classic-consumer.js';
import { ConsumerProtocolMembership } from './group/consumer-protocol.js';
import type { GroupMembership, MembershipEvent } from './group/membership.js';
import type {
  ConsumerGroupMetadata,
  KafkaMessage,
  TopicPartitionOffset,
  TopicPartitionSelector,
} from './message.js';
import { type ConsumerMessagesOptions, messageIterator } from './message-iterator.js';
import { OffsetCommitter } from './offset-committer.js';
import { type PartitionState, partitionKey, topicPartitionsOf } from './partition-state.js';
import { checkRunOptions, type RunOptions } from './run-options.js';
import { Runner } from './runner.js';
import { SeekPause } from './seek-pause.js';
import { type SubscribeOptions, Subscription } from './subscription.js';

/** Options the classic protocol uses and KIP-848's consumer protocol leaves to the broker. */
const CLASSIC_ONLY_OPTIONS = [
  'sessionTimeoutMs',
  'sessionTimeout',
  'heartbeatIntervalMs',
  'heartbeatInterval',
  'partitionAssignors',
  'partitionAssigners',
];

type State = 'idle' | 'connecting' | 'connected' | 'running' | 'stopping';

/** Without a consumer `retry`, a failing record's redelivery back-off doubles up to this. */
const MAX_REDELIVERY_BACKOFF_MS = 30_000;

interface RunState<K, V> extends ConsumerRun {
  runner: Runner<K, V>;
  fetcher: Fetcher;
  stop: AbortController;
  loop: Promise<void>;
  timers: NodeJS.Timeout[];
  cleanups: (() => void)[];
}

export class Consumer<K = Buffer | null, V = Buffer | null> implements AsyncIterable<KafkaMessage<K, V>> {
  /** KafkaJS's event names: `consumer.on(consumer.events.GROUP_JOIN, e => ...)`. */
  readonly events = ConsumerEvents;
  readonly config: ResolvedConsumerConfig<K, V>;
  private readonly logger: Logger;
  /** Who the consumer is in events, its KafkaJS events and its metrics (docs/observability.md). */
  private readonly diagnostics: ConsumerDiagnostics;
  private readonly requests: RequestMetrics;
  private state: State = 'idle';
  /** The partitions this member holds, by `partitionKey`. */
  private readonly assigned = new Map<string, PartitionState>();
  private readonly subscription: Subscription;
  private readonly membership: GroupMembership;
  private readonly seekPause: SeekPause;
  private readonly committer: OffsetCommitter;
  /** The partitions held and how they change hands (`assignment()` is the public view). */
  private readonly held: Assignment;
  private readonly control: ControlLoop;
  private run_: RunState<K, V> | null = null;
  private readonly crashListeners = new Set<(err: Error) => void>();
  private readonly corruptBatches: CorruptBatches;

  constructor(
    private readonly cluster: ConsumerCluster,
    config: ConsumerConfig<K, V>,
  ) {
    this.config = resolveConsumerConfig(config);
    // The cluster's own logger is namespaced 'cluster'; the consumer logs under its client's.
    this.logger = cluster.config.logger;
    this.diagnostics = consumerDiagnostics(cluster.config.clientId, this.config.groupId);
    // A fake cluster in tests has no request metrics: keep an empty set.
    this.requests = cluster.requestMetrics ?? new RequestMetrics(this.diagnostics.client);
    this.requests.client = this.diagnostics.client;
    this.requests.emitTo(this.diagnostics.events, ConsumerEvents);
    this.corruptBatches = new CorruptBatches(this.config.skipCorruptBatches, this.logger);
    if (this.config.groupProtocol === 'consumer') {
      const unused = CLASSIC_ONLY_OPTIONS.filter(
        (k) => (config as unknown as Record<string, unknown>)[k] !== undefined,
      );
      if (unused.length > 0) {
        this.logger.warn(
          `${unused.join(', ')} ${unused.length === 1 ? 'is' : 'are'} not used with groupProtocol 'consumer': ` +
            'the broker sets heartbeats and session timeouts (group.consumer.* configs) and assigns partitions ' +
            '(groupRemoteAssignor picks its assignor)',
          { groupId: this.config.groupId },
        );
      }
    }
    if (config.maxInFlightRequests !== undefined) {
      this.logger.warn(
        'maxInFlightRequests has no effect on a consumer: it keeps one fetch in flight per broker and sends ' +
          'group requests on a connection of their own; remove the option',
        { groupId: this.config.groupId },
      );
    }
    this.subscription = new Subscription(cluster, this.config.autoOffsetReset, this.logger);
    this.membership = this.createMembership(cluster);
    this.seekPause = new SeekPause(this.assigned);
    this.committer = new OffsetCommitter(
      this.membership,
      this.assigned,
      this.config,
      this.diagnostics,
      this.logger,
      {
        mayAutoCommit: () => this.state === 'running' && !this.control.joining,
        assignedManually: () => this.subscription.manual !== null,
        generationLost: () => this.control.generationLost(),
        rebalanceInProgress: () => this.control.requestRejoin(),
        fenced: (err) => this.control.fail(err),
      },
    );
    this.held = new Assignment(
      this.assigned,
      this.seekPause,
      this.committer,
      this.membership,
      this.config,
      this.logger,
    );
    this.control = new ControlLoop(
      {
        cluster,
        membership: this.membership,
        assignment: this.held,
        subscription: this.subscription,
        seekPause: this.seekPause,
        diagnostics: this.diagnostics,
        logger: this.logger,
      },
      this.config,
      {
        running: () => this.state === 'running',
        runs: (run) => this.run_ === run && this.state === 'running' && !run.signal.aborted,
        crashed: (err) => {
          for (const listener of this.crashListeners) listener(err);
          void this.stop();
        },
        partitionFailed: (err, p) => this.onPartitionError(err, p),
      },
    );
    if (channels.clientCreated.hasSubscribers)
      channels.clientCreated.publish({ client: this.diagnostics.client, instance: this });
  }

  /**
   * The Java client's most used consumer metrics, as numbers (docs/observability.md): records and
   * bytes consumed, fetch rate and latency, lag per partition and its max, commit latency,
   * rebalances, heartbeats, request latency per broker.
   */
  metrics(): ConsumerMetrics {
    return this.diagnostics.metrics.snapshot(
      this.diagnostics.client,
      this.requests.snapshot(),
      this.assigned.values(),
      this.config.isolationLevel === 'read_committed',
    );
  }

  /** The group protocol's membership (`groupProtocol`): classic, or KIP-848's consumer protocol. */
  private createMembership(cluster: ConsumerCluster): GroupMembership {
    const onEvent = (event: MembershipEvent) => this.control.onMembershipEvent(event);
    const c = this.config;
    if (c.groupProtocol === 'consumer') {
      return new ConsumerProtocolMembership(
        cluster,
        {
          groupId: c.groupId,
          groupInstanceId: c.groupInstanceId,
          rebalanceTimeoutMs: c.rebalanceTimeoutMs,
          remoteAssignor: c.groupRemoteAssignor,
          clientRack: c.clientRack,
          retryBackoffMs: c.retryBackoffMs,
          requestTimeoutMs: cluster.config.requestTimeoutMs,
          logger: this.logger,
          client: this.diagnostics.client,
        },
        // Partitions being revoked stay owned until they are given up: the broker waits for that.
        () => topicPartitionsOf([...this.assigned.values()]),
        onEvent,
      );
    }
    return new ClassicConsumerMembership(
      cluster,
      {
        groupId: c.groupId,
        groupInstanceId: c.groupInstanceId,
        sessionTimeoutMs: c.sessionTimeoutMs,
        rebalanceTimeoutMs: c.rebalanceTimeoutMs,
        heartbeatIntervalMs: c.heartbeatIntervalMs,
        retryBackoffMs: c.retryBackoffMs,
        requestTimeoutMs: cluster.config.requestTimeoutMs,
        assignors: c.assignors,
        clientRack: c.clientRack,
        logger: this.logger,
        client: this.diagnostics.client,
      },
      (topics) => this.subscription.partitionCounts(topics),
      onEvent,
    );
  }

  // ---------------------------------------------------------------- lifecycle

  async connect(options: { signal?: AbortSignal } = {}): Promise<void> {
    if (this.state !== 'idle') return;
    this.state = 'connecting';
    try {
      await raceAbort(this.cluster.connect(), options.signal, 'Connecting the consumer');
    } catch (err) {
      this.state = 'idle';
      throw err;
    }
    this.state = 'connected';
    this.diagnostics.events.emit(ConsumerEvents.CONNECT, {});
  }

  /** Stops consuming (handlers finish, offsets are committed, the group is left) and closes connections. */
  async disconnect(): Promise<void> {
    await this.stop();
    if (this.state === 'idle') return;
    await this.cluster.disconnect();
    this.state = 'idle';
    this.diagnostics.events.emit(ConsumerEvents.DISCONNECT, {});
  }

  on(event: ConsumerEventName, listener: (event: ConsumerEvent) => void): () => void {
    return this.diagnostics.events.on(event, listener);
  }

  async subscribe(options: SubscribeOptions): Promise<void> {
    const names = this.subscription.subscribe(options);
    if (this.state === 'idle') await this.connect();
    // Fetching metadata for named topics creates them where the broker allows it (KafkaJS behaviour).
    if (names.length > 0) {
      const answered = await this.cluster.metadata.refresh(names).then(
        () => true,
        (err) => {
          this.logger.warn('metadata for subscribed topics failed; retrying on join', {
            error: (err as Error).message,
          });
          return false;
        },
      );
      if (answered) this.subscription.warnMissingTopics(this.config.groupId, MISSING_TOPIC_RECHECK_MS);
    }
    if (this.state === 'running') this.control.requestRejoin();
  }

  /**
   * Takes exactly these partitions, without group management (Java's `assign()`): no joining, no
   * rebalances, no rebalance callbacks. Each partition starts where `seek()` put it (before or after
   * this call), else at `autoOffsetReset`; the group's committed offsets are neither read nor written
   * (auto-commit is off and `commitOffsets()` is for group members). Calling it again replaces the
   * assignment (also while running); `assign([])` drops every partition.
   */
  assign(partitions: { topic: string; partitions: number[] }[]): void {
    this.subscription.assign(partitions);
    if (this.state === 'running') this.control.requestRejoin();
  }

  /**
   * Starts consuming. Resolves once the consumer joined the group and knows where to start; handlers
   * then run until `stop()`, `disconnect()`, the signal aborts, or a fatal error (see the CRASH event).
   */
  async run(options: RunOptions<K, V>): Promise<void> {
    const checked = checkRunOptions(options, this.config.autoCommitIntervalMs);
    if (this.state === 'running' || this.state === 'stopping') {
      throw new ConsumerStateError('The consumer is already running; stop() it before calling run() again');
    }
    if (this.subscription.isEmpty) {
      throw new ConsumerStateError(
        'Call subscribe({ topics }) or assign([{ topic, partitions }]) before run()',
      );
    }
    if (this.state !== 'connected') await this.connect({ signal: options.signal });
    options.signal?.throwIfAborted();

    // An assigned consumer has no generation to commit under.
    const autoCommit =
      this.subscription.manual === null && (options.autoCommit ?? this.config.enableAutoCommit);
    const { autoCommitIntervalMs: interval, autoCommitThreshold: threshold } = checked;
    const stop = new AbortController();
    let started!: RunState<K, V>['started'];
    const startedPromise = new Promise<void>((resolve, reject) => {
      started = { resolve, reject, settled: false };
    });
    const runner = new Runner<K, V>(
      {
        eachMessage: options.eachMessage,
        eachBatch: options.eachBatch,
        concurrency: checked.concurrency,
        eachBatchAutoResolve: options.eachBatchAutoResolve ?? true,
        keyDeserializer: this.config.keyDeserializer,
        valueDeserializer: this.config.valueDeserializer,
        readCommitted: this.config.isolationLevel === 'read_committed',
        checkCrcs: this.config.checkCrcs,
        redeliveryDelayMs: (failures) => this.redeliveryDelayMs(failures),
        logger: this.logger,
        diagnostics: this.diagnostics,
      },
      {
        released: (bytes) => this.run_?.fetcher.released(bytes),
        bufferDropped: () => this.run_?.fetcher.recount(),
        finished: (count) => this.committer.onFinished(count),
        handlerFailed: (err, p, offset, redelivered) => this.onHandlerFailed(err, p, offset, redelivered),
        batchCorrupt: (failure, p, resumeAt) => this.onCorruptBatch(failure, p, resumeAt),
        commitOffsetsIfNecessary: (offsets) => this.committer.commitOffsetsIfNecessary(offsets),
        uncommittedOffsets: () => this.committer.uncommittedOffsets(),
        pause: (topic, partition) => {
          this.pause([{ topic, partitions: [partition] }]);
          return () => this.resume([{ topic, partitions: [partition] }]);
        },
        isRunning: () => this.state === 'running',
      },
    );
    const fetcher = new Fetcher(
      this.cluster,
      {
        fetchMinBytes: this.config.fetchMinBytes,
        fetchMaxBytes: this.config.fetchMaxBytes,
        maxPartitionFetchBytes: this.config.maxPartitionFetchBytes,
        fetchMaxWaitMs: this.config.fetchMaxWaitMs,
        isolationLevel: this.config.isolationLevel,
        clientRack: this.config.clientRack,
        retryBackoffMs: this.config.retryBackoffMs,
        maxBufferedBytes: this.config.maxBufferedBytes,
        requestTimeoutMs: this.cluster.config.requestTimeoutMs,
        autoOffsetReset: this.config.autoOffsetReset,
        fetchSessions: this.config.fetchSessions,
        checkCrcs: this.config.checkCrcs,
        logger: this.logger,
        diagnostics: this.diagnostics,
      },
      {
        partitions: () => this.assigned.values(),
        onData: (p) => runner.enqueue(p),
        onResetNeeded: () => this.control.requestReset(),
        onError: (err, p) => this.onPartitionError(err, p),
        onCorruptData: (failure, p) => this.onCorruptBatch(failure, p, null),
      },
    );
    this.state = 'running';
    const run: RunState<K, V> = {
      runner,
      fetcher,
      stop,
      signal: stop.signal,
      loop: Promise.resolve(),
      timers: [],
      cleanups: [],
      started,
    };
    this.run_ = run;
    this.committer.setRun({ autoCommit, intervalMs: interval, threshold });
    fetcher.start();
    run.cleanups.push(this.cluster.metadata.subscribe((change) => this.control.onMetadataChange(change)));
    if (autoCommit && interval > 0) {
      run.timers.push(setInterval(() => this.committer.autoCommitTick(), interval));
    }
    run.timers.push(
      setInterval(
        () => this.control.checkPollInterval(run),
        Math.max(50, Math.min(1000, this.config.maxPollIntervalMs / 4)),
      ),
    );
    run.timers.push(setInterval(() => void this.control.recheckMissingTopics(), MISSING_TOPIC_RECHECK_MS));
    if (this.subscription.hasPatterns) {
      run.timers.push(
        setInterval(() => this.control.recheckPatterns(), this.cluster.config.metadataMaxAgeMs),
      );
    }
    for (const t of run.timers) t.unref?.();
    if (options.signal) {
      const signal = options.signal;
      const onAbort = () => void this.stop();
      signal.addEventListener('abort', onAbort, { once: true });
      run.cleanups.push(() => signal.removeEventListener('abort', onAbort));
    }
    run.loop = this.control.start(run);
    return startedPromise;
  }

  /** Stops consuming: running handlers finish, finished offsets are committed, the group is left. */
  async stop(): Promise<void> {
    const run = this.run_;
    if (!run || this.state !== 'running') {
      if (run) await run.loop;
      return;
    }
    this.state = 'stopping';
    run.stop.abort();
    this.control.wake();
    for (const t of run.timers) clearInterval(t);
    for (const cleanup of run.cleanups) cleanup();
    run.runner.setOpen(false);
    await run.runner.waitIdle();
    await run.fetcher.stop();
    await run.loop;
    await this.control.release();
    this.run_ = null;
    this.committer.setRun(null);
    if (!run.started.settled) {
      run.started.settled = true;
      run.started.reject(
        this.control.fatal ?? new RequestAbortedError('run()', 'the consumer was stopped before it joined'),
      );
    }
    this.state = 'connected';
    this.diagnostics.events.emit(ConsumerEvents.STOP, {});
  }

  // ---------------------------------------------------------------- offsets

  /**
   * Commits offsets (the next offset to consume, KafkaJS-style: `Number(message.offset) + 1`). Rejects
   * with RebalanceInProgressError during a rebalance and CommitFailedError once the generation is gone.
   */
  commitOffsets(offsets: TopicPartitionOffset[], options: { signal?: AbortSignal } = {}): Promise<void> {
    return this.committer.commitOffsets(offsets, options);
  }

  /** The group's committed offsets for `partitions` (default: the current assignment); -1 when none. */
  async committed(
    partitions?: { topic: string; partition: number }[],
    options: { signal?: AbortSignal } = {},
  ): Promise<{ topic: string; partition: number; offset: string; metadata: string | null }[]> {
    const list =
      partitions ?? [...this.assigned.values()].map((p) => ({ topic: p.topic, partition: p.partition }));
    if (list.length === 0) return [];
    if (this.state === 'idle') await this.connect(options);
    return this.committer.committed(list, options.signal);
  }

  // ---------------------------------------------------------------- seek, pause, positions

  /**
   * Moves a partition's position. Buffered records are dropped; with auto-commit the new position
   * is committed. For a partition not assigned yet, the seek applies when it is. `-2` seeks to the
   * earliest offset, `-1` to the latest.
   */
  seek({
    topic,
    partition,
    offset,
  }: {
    topic: string;
    partition: number;
    offset: string | bigint | number;
  }): void {
    const p = this.seekPause.seek({ topic, partition, offset });
    if (!p) return;
    this.run_?.fetcher.recount();
    if (p.resetStrategy !== null) this.control.requestReset();
  }

  pause(selectors: TopicPartitionSelector[]): void {
    this.seekPause.pause(selectors);
  }

  resume(selectors: TopicPartitionSelector[]): void {
    const run = this.run_;
    this.seekPause.resume(selectors, (p) => run?.runner.enqueue(p));
    run?.fetcher.pump();
  }

  /** Paused partitions of the current assignment (and topics paused as a whole). */
  paused(): TopicPartitions[] {
    return this.seekPause.paused();
  }

  /** The partitions this member holds now. */
  assignment(): TopicPartitions[] {
    return topicPartitionsOf(this.held.owned());
  }

  /**
   * Where delivery of a partition this consumer holds stands (Java's `position()`): the offset of the
   * next record handlers will get. It moves past a record once its handler returned, and past
   * offsets without deliverable records (compacted away, control records) once delivery reaches
   * them. Null for partitions not held, or before the start position is known.
   */
  position({ topic, partition }: { topic: string; partition: number }): string | null {
    const p = this.assigned.get(partitionKey(topic, partition));
    if (!p || p.revoked || p.position === null) return null;
    return (p.finished ?? p.position).toString();
  }

  /**
   * Who this consumer is in its group right now (Java's `groupMetadata()`): pass it (or the consumer)
   * to a transaction's `sendOffsets`, so the offsets commit only if this member still holds the
   * generation it consumed under (KIP-447).
   */
  groupMetadata(): ConsumerGroupMetadata {
    return {
      groupId: this.config.groupId,
      memberId: this.membership.memberId,
      generationId: this.membership.generationId,
      groupInstanceId: this.config.groupInstanceId,
    };
  }

  // ---------------------------------------------------------------- errors

  private redeliveryDelayMs(failures: number): number {
    const retry = this.config.retry;
    if (retry !== null) return backoffMs(retry, failures - 1);
    const base = Math.max(this.config.retryBackoffMs, 100);
    return Math.min(MAX_REDELIVERY_BACKOFF_MS, base * 2 ** Math.min(failures - 1, 20));
  }

  private onHandlerFailed(err: unknown, p: PartitionState, offset: bigint, redelivered: boolean): void {
    const retry = this.config.retry;
    const run = this.run_;
    const failure = {
      groupId: this.config.groupId,
      topic: p.topic,
      partition: p.partition,
      offset: offset.toString(),
      attempt: p.failures,
      error: (err as Error)?.message ?? String(err),
    };
    if (redelivered && run !== null && retry !== null && p.failures > retry.retries) {
      // KafkaJS's consumer crashes here and `restartOnFailure` says whether it starts again.
      p.retryAt = Number.POSITIVE_INFINITY;
      void this.restartAfterRetries(
        run,
        p,
        new RetriesExhaustedError('the message handler', p.failures, err),
      );
      return;
    }
    this.logger.error('message handler failed; the record is delivered again after a back-off', failure);
    this.diagnostics.events.emit(ConsumerEvents.CRASH, {
      error: err,
      groupId: this.config.groupId,
      restart: true,
    });
  }

  /** A record's handler failed more than `retry.retries` times: go on (after a back-off), or stop consuming. */
  private async restartAfterRetries(run: RunState<K, V>, p: PartitionState, error: RetriesExhaustedError) {
    const { groupId } = this.config;
    const retry = this.config.retry!;
    let restart = true;
    if (retry.restartOnFailure !== null) {
      try {
        restart = (await retry.restartOnFailure(error)) !== false;
      } catch (callbackError) {
        this.logger.error('retry.restartOnFailure threw; restarting, as KafkaJS does', {
          groupId,
          error: (callbackError as Error)?.message ?? String(callbackError),
        });
      }
    }
    if (this.run_ !== run || this.state !== 'running' || p.revoked) return;
    if (!restart) {
      this.control.crash(run, error);
      return;
    }
    this.logger.error(`${error.message}; retrying it in ${retry.initialRetryTimeMs} ms (restartOnFailure)`, {
      groupId,
      topic: p.topic,
      partition: p.partition,
    });
    this.diagnostics.events.emit(ConsumerEvents.CRASH, { error, groupId, restart: true });
    p.failures = 0;
    p.retryAt = Date.now() + retry.initialRetryTimeMs;
    run.fetcher.pump();
  }

  /**
   * A batch does not decode (see corrupt-batches.ts). Delivery stands at `resumeAt` (null: the fetcher
   * could not frame the data, the position is unchanged). True when the batch is to be skipped.
   */
  private onCorruptBatch(failure: BatchDecodeFailure, p: PartitionState, resumeAt: bigint | null): boolean {
    const outcome = this.corruptBatches.decide(p, failure);
    if (outcome.action === 'skip') return true;
    const run = this.run_;
    if (outcome.action === 'refetch') {
      if (resumeAt !== null) p.seek(resumeAt);
      p.retryAt = Date.now() + this.config.retryBackoffMs;
    } else {
      // Neither fetched nor delivered again; the consumer stops.
      p.clearBuffer();
      p.retryAt = Number.POSITIVE_INFINITY;
      if (run && this.state === 'running') this.control.crash(run, outcome.error);
    }
    run?.fetcher.recount();
    return false;
  }

  private onPartitionError(err: Error, p: PartitionState): void {
    this.logger.error('partition error', { topic: p.topic, partition: p.partition, error: err.message });
    if (err instanceof NoOffsetForPartitionError) {
      const run = this.run_;
      if (run) this.control.crash(run, err);
      return;
    }
    this.diagnostics.events.emit(ConsumerEvents.CRASH, {
      error: err,
      groupId: this.config.groupId,
      restart: true,
    });
  }

  // ---------------------------------------------------------------- async iteration

  /**
   * Consumes as an async iterator. A message counts as handled (and becomes committable) when the
   * loop asks for the next one; leaving the loop stops the consumer.
   */
  messages(options: ConsumerMessagesOptions = {}): AsyncIterableIterator<KafkaMessage<K, V>> {
    return messageIterator<K, V>(
      {
        run: (runOptions) => this.run(runOptions),
        stop: () => this.stop(),
        onStop: (listener) => this.on(ConsumerEvents.STOP, listener),
        onCrash: (listener) => {
          this.crashListeners.add(listener);
          return () => this.crashListeners.delete(listener);
        },
      },
      options,
    );
  }

  [Symbol.asyncIterator](): AsyncIterator<KafkaMessage<K, V>> {
    return this.messages();
  }
}
