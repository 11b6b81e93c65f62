/**
 * The consumer: KafkaJS's surface (`subscribe`, `run({ eachMessage | eachBatch })`, `commitOffsets`,
 * `seek`, `pause`/`resume`) plus `for await`, with Java's group semantics underneath.
 *
 * One control loop owns group membership: it joins, applies assignments, handles revocation and
 * lost generations, and resolves start positions. Heartbeats run on their own timer, fetching runs
 * ahead on its own connection, and the runner delivers; they meet on the `PartitionState` objects.
 *
 * Eager protocol (range, roundrobin): before rejoining, handlers finish, finished offsets are
 * committed and `onPartitionsRevoked` runs, so a clean rebalance neither skips nor redelivers.
 * Cooperative protocol (cooperative-sticky alone): consumption continues while rejoining; only
 * partitions that move are revoked (same steps), followed by one more rebalance (KIP-429).
 */
import { raceAbort } from '../abort.js';
import { toTopicPartitions } from '../assignors/consumer-protocol.js';
import { rebalanceProtocolOf } from '../assignors/index.js';
import type { RebalanceProtocol, TopicPartitions } from '../assignors/types.js';
import {
  type CommittedOffset,
  commitOffsets,
  fetchCommittedOffsets,
  type OffsetToCommit,
} from '../cluster/group-offsets.js';
import { describe } from '../config/validate.js';
import { ConfigurationError, ErrorCode, isRetriable, RequestAbortedError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ConsumerCluster } from './cluster-like.js';
import {
  type AutoOffsetReset,
  type ConsumerConfig,
  type RebalanceCallback,
  type ResolvedConsumerConfig,
  resolveConsumerConfig,
} from './config.js';
import {
  CommitFailedError,
  ConsumerStateError,
  FencedInstanceIdError,
  GroupJoinError,
  NoOffsetForPartitionError,
  RebalanceInProgressError,
} from './errors.js';
import {
  type ConsumerEvent,
  ConsumerEventEmitter,
  type ConsumerEventName,
  ConsumerEvents,
} from './events.js';
import { Fetcher } from './fetch/fetcher.js';
import { resolveOffsets } from './fetch/offset-resolver.js';
import { type HeartbeatEvent, Heartbeater } from './group/heartbeat.js';
import { GroupMembership } from './group/membership.js';
import type {
  EachBatchHandler,
  EachMessageHandler,
  KafkaMessage,
  OffsetsByTopicPartition,
  TopicPartitionOffset,
  TopicPartitionSelector,
} from './message.js';
import { PartitionState, partitionKey } from './partition-state.js';
import { Runner } from './runner.js';
import { Wakeup } from './wakeup.js';

export interface SubscribeOptions {
  /** Topic names or patterns; patterns are matched against the cluster's topics, again on every rebalance. */
  topics?: (string | RegExp)[];
  /** KafkaJS's single-topic form. */
  topic?: string | RegExp;
  /** Start these topics from the earliest offset when the group has none (KafkaJS). Default: `autoOffsetReset`. */
  fromBeginning?: boolean;
}

export interface RunOptions<K, V> {
  eachMessage?: EachMessageHandler<K, V>;
  eachBatch?: EachBatchHandler<K, V>;
  /** How many partitions' handlers may run at once (each partition stays in order). Default 1. */
  partitionsConsumedConcurrently?: number;
  /** Default: the consumer's `enableAutoCommit`. */
  autoCommit?: boolean;
  /** Default: the consumer's `autoCommitIntervalMs`. KafkaJS: `autoCommitInterval`. */
  autoCommitIntervalMs?: number | null;
  autoCommitInterval?: number | null;
  /** Also commit once this many records finished since the last commit. */
  autoCommitThreshold?: number | null;
  /** eachBatch: treat the whole batch as handled when the handler returns. Default true. */
  eachBatchAutoResolve?: boolean;
  /** Aborting stops the consumer (like `stop()`). */
  signal?: AbortSignal;
}

export interface ConsumerMessagesOptions {
  signal?: AbortSignal;
  partitionsConsumedConcurrently?: number;
}

type State = 'idle' | 'connecting' | 'connected' | 'running' | 'stopping';

interface RunState<K, V> {
  runner: Runner<K, V>;
  fetcher: Fetcher;
  stop: AbortController;
  autoCommit: boolean;
  autoCommitIntervalMs: number;
  autoCommitThreshold: number | null;
  loop: Promise<void>;
  timers: NodeJS.Timeout[];
  cleanups: (() => void)[];
  started: { resolve: () => void; reject: (err: Error) => void; settled: boolean };
}

const RUN_OPTIONS = [
  'eachMessage',
  'eachBatch',
  'partitionsConsumedConcurrently',
  'autoCommit',
  'autoCommitIntervalMs',
  'autoCommitInterval',
  'autoCommitThreshold',
  'eachBatchAutoResolve',
  'signal',
];

export class Consumer<K = Buffer | null, V = Buffer | null> implements AsyncIterable<KafkaMessage<K, V>> {
  /** KafkaJS's event names: `consumer.on(consumer.events.GROUP_JOIN, e => ...)`. */
  readonly events = ConsumerEvents;
  readonly config: ResolvedConsumerConfig<K, V>;
  private readonly logger: Logger;
  private readonly membership: GroupMembership;
  private readonly heartbeater: Heartbeater;
  private readonly protocol: RebalanceProtocol;
  private readonly emitter = new ConsumerEventEmitter();
  private state: State = 'idle';

  private readonly topics = new Set<string>();
  private readonly patterns: RegExp[] = [];
  private readonly resetByTopic = new Map<string, AutoOffsetReset>();
  private readonly patternResets: { pattern: RegExp; reset: AutoOffsetReset }[] = [];
  private subscription: string[] = [];
  /** Partitions taken with assign() (no group management), or null for a subscribing consumer. */
  private manualAssignment: TopicPartitions[] | null = null;

  private readonly assigned = new Map<string, PartitionState>();
  private readonly pausedTopics = new Map<string, Set<number> | 'all'>();
  private readonly pendingSeeks = new Map<string, bigint>();

  private run_: RunState<K, V> | null = null;
  private rejoinNeeded = false;
  private lost: number | null = null;
  private fatal: Error | null = null;
  private resetPending = false;
  private joining = false;
  private pollTimedOut = false;
  private readonly wakeup = new Wakeup();
  private commitChain: Promise<void> = Promise.resolve();
  private finishedSinceCommit = 0;
  private lastCommitAt = Date.now();
  private readonly crashListeners = new Set<(err: Error) => void>();

  constructor(
    private readonly cluster: ConsumerCluster,
    config: ConsumerConfig<K, V>,
  ) {
    this.config = resolveConsumerConfig(config);
    // The cluster's own logger is namespaced 'cluster'; the consumer logs under its client's.
    this.logger = cluster.config.logger;
    this.protocol = rebalanceProtocolOf(this.config.assignors);
    this.membership = new GroupMembership(
      cluster,
      {
        groupId: this.config.groupId,
        groupInstanceId: this.config.groupInstanceId,
        sessionTimeoutMs: this.config.sessionTimeoutMs,
        rebalanceTimeoutMs: this.config.rebalanceTimeoutMs,
        retryBackoffMs: this.config.retryBackoffMs,
        requestTimeoutMs: cluster.config.requestTimeoutMs,
        assignors: this.config.assignors,
        clientRack: this.config.clientRack,
        logger: this.logger,
      },
      (topics) => this.partitionCounts(topics),
    );
    this.heartbeater = new Heartbeater(
      this.membership,
      this.config.heartbeatIntervalMs,
      this.config.retryBackoffMs,
      this.logger,
      (event) => this.onHeartbeat(event),
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
    this.emitter.emit(ConsumerEvents.CONNECT, {});
  }

  /** Stops consuming (handlers finish, offsets are committed, the group is left) and closes connections. */
  async disconnect(): Promise<void> {
    await this.stop();
    if (this.state === 'idle') return;
    await this.cluster.disconnect();
    this.state = 'idle';
    this.emitter.emit(ConsumerEvents.DISCONNECT, {});
  }

  on(event: ConsumerEventName, listener: (event: ConsumerEvent) => void): () => void {
    return this.emitter.on(event, listener);
  }

  // ---------------------------------------------------------------- subscription

  async subscribe(options: SubscribeOptions): Promise<void> {
    if (options === null || typeof options !== 'object') {
      throw new ConfigurationError('subscribe', 'expected { topics: [...] } or { topic }');
    }
    const list = options.topics ?? (options.topic !== undefined ? [options.topic] : undefined);
    if (!Array.isArray(list) || list.length === 0) {
      throw new ConfigurationError(
        'topics',
        'subscribe() needs a non-empty `topics` array (names or RegExps)',
      );
    }
    if (this.manualAssignment !== null) {
      throw new ConsumerStateError(
        'This consumer has partitions from assign(); subscribe() and assign() are mutually exclusive (use two consumers)',
      );
    }
    if (options.fromBeginning !== undefined && typeof options.fromBeginning !== 'boolean') {
      throw new ConfigurationError(
        'fromBeginning',
        `expected true or false, got ${describe(options.fromBeginning)}`,
      );
    }
    const reset: AutoOffsetReset | undefined =
      options.fromBeginning === undefined ? undefined : options.fromBeginning ? 'earliest' : 'latest';
    const names: string[] = [];
    for (const t of list) {
      if (typeof t === 'string') {
        if (t.length === 0) throw new ConfigurationError('topics', 'topic names must not be empty');
        this.topics.add(t);
        names.push(t);
        if (reset) this.resetByTopic.set(t, reset);
      } else if (t instanceof RegExp) {
        this.patterns.push(t);
        if (reset) this.patternResets.push({ pattern: t, reset });
      } else {
        throw new ConfigurationError('topics', `expected topic names or RegExps, got ${describe(t)}`);
      }
    }
    if (this.state === 'idle') await this.connect();
    // Fetching metadata for named topics creates them where the broker allows it (KafkaJS behaviour).
    if (names.length > 0) {
      await this.cluster.metadata.refresh(names).catch((err) => {
        this.logger.warn('metadata for subscribed topics failed; retrying on join', {
          error: (err as Error).message,
        });
      });
    }
    if (this.state === 'running') this.requestRejoin();
  }

  /**
   * Takes exactly these partitions, without group management (Java's `assign()`): no joining, no
   * rebalances, no rebalance callbacks. Each partition starts where `seek()` put it (before or after
   * this call), else at `autoOffsetReset`; the group's committed offsets are neither read nor written
   * (auto-commit is off and `commitOffsets()` is for group members). Calling it again replaces the
   * assignment (also while running); `assign([])` drops every partition.
   */
  assign(partitions: { topic: string; partitions: number[] }[]): void {
    if (!Array.isArray(partitions)) {
      throw new ConfigurationError('assign', 'expected an array of { topic, partitions: [numbers] }');
    }
    if (this.topics.size > 0 || this.patterns.length > 0) {
      throw new ConsumerStateError(
        'This consumer subscribed to topics; subscribe() and assign() are mutually exclusive (use two consumers)',
      );
    }
    const byTopic = new Map<string, number[]>();
    for (const entry of partitions) {
      if (
        entry === null ||
        typeof entry !== 'object' ||
        typeof entry.topic !== 'string' ||
        entry.topic === '' ||
        !Array.isArray(entry.partitions) ||
        !entry.partitions.every((n) => Number.isInteger(n) && n >= 0)
      ) {
        throw new ConfigurationError(
          'assign',
          'expected an array of { topic: non-empty string, partitions: [partition numbers >= 0] }',
        );
      }
      const list = byTopic.get(entry.topic) ?? [];
      for (const n of entry.partitions) if (!list.includes(n)) list.push(n);
      byTopic.set(entry.topic, list);
    }
    this.manualAssignment = toTopicPartitions(byTopic);
    if (this.state === 'running') this.requestRejoin();
  }

  private resetFor(topic: string): AutoOffsetReset {
    const explicit = this.resetByTopic.get(topic);
    if (explicit) return explicit;
    for (const { pattern, reset } of this.patternResets) {
      pattern.lastIndex = 0;
      if (pattern.test(topic)) return reset;
    }
    return this.config.autoOffsetReset;
  }

  /** Subscribed names plus the cluster topics that match a pattern (internal topics excluded). */
  private async resolveSubscription(): Promise<string[]> {
    const out = new Set(this.topics);
    if (this.patterns.length > 0) {
      try {
        await this.cluster.metadata.refresh(null);
      } catch (err) {
        this.logger.warn('listing topics for pattern subscriptions failed', {
          error: (err as Error).message,
        });
      }
      for (const [name, meta] of this.cluster.metadata.topics) {
        if (meta.isInternal || name.startsWith('__')) continue;
        for (const pattern of this.patterns) {
          pattern.lastIndex = 0;
          if (pattern.test(name)) out.add(name);
        }
      }
    }
    // Metadata refreshes cover only tracked topics; the fetcher needs leaders for all of these.
    this.cluster.metadata.track(out);
    return [...out].sort();
  }

  private async partitionCounts(topics: string[]): Promise<Map<string, number>> {
    try {
      await this.cluster.metadata.refresh(topics);
    } catch (err) {
      this.logger.warn('metadata refresh for assignment failed; assigning from cached metadata', {
        error: (err as Error).message,
      });
    }
    const out = new Map<string, number>();
    for (const t of topics) {
      const n = this.cluster.metadata.partitionCount(t);
      if (n > 0) out.set(t, n);
    }
    return out;
  }

  // ---------------------------------------------------------------- running

  /**
   * Starts consuming. Resolves once the consumer joined the group and knows where to start; handlers
   * then run until `stop()`, `disconnect()`, the signal aborts, or a fatal error (see the CRASH event).
   */
  async run(options: RunOptions<K, V>): Promise<void> {
    if (options === null || typeof options !== 'object')
      throw new ConfigurationError('run', 'expected an options object');
    for (const key of Object.keys(options)) {
      if (!RUN_OPTIONS.includes(key))
        throw new ConfigurationError(key, `run() has no option ${JSON.stringify(key)}`);
    }
    const { eachMessage, eachBatch } = options;
    if ((eachMessage === undefined) === (eachBatch === undefined)) {
      throw new ConfigurationError('eachMessage', 'run() needs exactly one of eachMessage or eachBatch');
    }
    if ((eachMessage ?? eachBatch) !== undefined && typeof (eachMessage ?? eachBatch) !== 'function') {
      throw new ConfigurationError(eachMessage ? 'eachMessage' : 'eachBatch', 'must be a function');
    }
    const concurrency = options.partitionsConsumedConcurrently ?? 1;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new ConfigurationError(
        'partitionsConsumedConcurrently',
        `expected an integer >= 1, got ${describe(concurrency)}`,
      );
    }
    const interval =
      options.autoCommitIntervalMs ?? options.autoCommitInterval ?? this.config.autoCommitIntervalMs;
    if (!Number.isInteger(interval) || interval < 0) {
      throw new ConfigurationError(
        'autoCommitIntervalMs',
        `expected an integer >= 0, got ${describe(interval)}`,
      );
    }
    const threshold = options.autoCommitThreshold ?? null;
    if (threshold !== null && (!Number.isInteger(threshold) || threshold < 1)) {
      throw new ConfigurationError(
        'autoCommitThreshold',
        `expected an integer >= 1, got ${describe(threshold)}`,
      );
    }
    if (this.state === 'running' || this.state === 'stopping') {
      throw new ConsumerStateError('The consumer is already running; stop() it before calling run() again');
    }
    if (this.topics.size === 0 && this.patterns.length === 0 && this.manualAssignment === null) {
      throw new ConsumerStateError(
        'Call subscribe({ topics }) or assign([{ topic, partitions }]) before run()',
      );
    }
    if (this.state !== 'connected') await this.connect({ signal: options.signal });
    options.signal?.throwIfAborted();

    // An assigned consumer has no generation to commit under.
    const autoCommit = this.manualAssignment === null && (options.autoCommit ?? this.config.enableAutoCommit);
    const stop = new AbortController();
    let started!: RunState<K, V>['started'];
    const startedPromise = new Promise<void>((resolve, reject) => {
      started = { resolve, reject, settled: false };
    });
    const runner = new Runner<K, V>(
      {
        eachMessage,
        eachBatch,
        concurrency,
        eachBatchAutoResolve: options.eachBatchAutoResolve ?? true,
        keyDeserializer: this.config.keyDeserializer,
        valueDeserializer: this.config.valueDeserializer,
        readCommitted: this.config.isolationLevel === 'read_committed',
        checkCrcs: this.config.checkCrcs,
        retryBackoffMs: Math.max(this.config.retryBackoffMs, 100),
        logger: this.logger,
      },
      {
        released: (bytes) => this.run_?.fetcher.released(bytes),
        bufferDropped: () => this.run_?.fetcher.recount(),
        finished: (count) => this.onFinished(count),
        handlerFailed: (err, p, offset) => this.onHandlerFailed(err, p, offset),
        decodeFailed: (err, p, from) => this.onDecodeFailed(err, p, from),
        commitOffsetsIfNecessary: (offsets) => this.commitOffsetsIfNecessary(offsets),
        uncommittedOffsets: () => this.uncommittedOffsets(),
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
        logger: this.logger,
      },
      {
        partitions: () => this.assigned.values(),
        onData: (p) => runner.enqueue(p),
        onResetNeeded: () => {
          this.resetPending = true;
          this.wakeup.wake();
        },
        onError: (err, p) => this.onPartitionError(err, p),
      },
    );
    this.state = 'running';
    this.fatal = null;
    this.lost = null;
    this.rejoinNeeded = true;
    const run: RunState<K, V> = {
      runner,
      fetcher,
      stop,
      autoCommit,
      autoCommitIntervalMs: interval,
      autoCommitThreshold: threshold,
      loop: Promise.resolve(),
      timers: [],
      cleanups: [],
      started,
    };
    this.run_ = run;
    fetcher.start();
    // Like Java's leader: when a subscribed topic appears or changes its partition count, the
    // assignment is stale, so rebalance.
    run.cleanups.push(
      this.cluster.metadata.subscribe((change) => {
        if (this.state !== 'running' || this.joining) return;
        if (this.membership.leaderId === '' || this.membership.leaderId !== this.membership.memberId) return;
        if (change.topicsChanged.some((t) => this.subscription.includes(t))) {
          this.logger.info('a subscribed topic changed its partitions; rebalancing', {
            groupId: this.config.groupId,
          });
          this.requestRejoin();
        }
      }),
    );
    if (autoCommit && interval > 0) {
      run.timers.push(setInterval(() => this.autoCommitTick(), interval));
    }
    run.timers.push(
      setInterval(
        () => this.checkPollInterval(),
        Math.max(50, Math.min(1000, this.config.maxPollIntervalMs / 4)),
      ),
    );
    if (this.patterns.length > 0) {
      run.timers.push(setInterval(() => this.recheckPatterns(), this.cluster.config.metadataMaxAgeMs));
    }
    for (const t of run.timers) t.unref?.();
    if (options.signal) {
      const signal = options.signal;
      const onAbort = () => void this.stop();
      signal.addEventListener('abort', onAbort, { once: true });
      run.cleanups.push(() => signal.removeEventListener('abort', onAbort));
    }
    run.loop = this.controlLoop(run);
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
    this.wakeup.wake();
    for (const t of run.timers) clearInterval(t);
    for (const cleanup of run.cleanups) cleanup();
    run.runner.setOpen(false);
    await run.runner.waitIdle();
    await run.fetcher.stop();
    await run.loop;
    await this.heartbeater.stop();
    const owned = [...this.assigned.values()];
    if (this.membership.inGroup && owned.length > 0) {
      if (run.autoCommit) await this.commitPartitions(owned).catch((err) => this.logCommitError(err));
      await this.callback(this.config.onPartitionsRevoked, owned, 'onPartitionsRevoked');
    }
    await this.membership.leave('the consumer is stopping');
    this.assigned.clear();
    this.run_ = null;
    if (!run.started.settled) {
      run.started.settled = true;
      run.started.reject(
        this.fatal ?? new RequestAbortedError('run()', 'the consumer was stopped before it joined'),
      );
    }
    this.state = 'connected';
    this.emitter.emit(ConsumerEvents.STOP, {});
  }

  private isRunning(run: RunState<K, V>): boolean {
    return this.run_ === run && this.state === 'running' && !run.stop.signal.aborted;
  }

  private requestRejoin(): void {
    this.rejoinNeeded = true;
    this.wakeup.wake();
  }

  /** Owns group membership: join, rebalance, lost generations, start positions. */
  private async controlLoop(run: RunState<K, V>): Promise<void> {
    let retryDelay = 0;
    while (this.isRunning(run)) {
      try {
        if (this.fatal) throw this.fatal;
        if (this.lost !== null) {
          await this.handleLost(run);
          continue;
        }
        if (this.manualAssignment !== null) {
          if (this.rejoinNeeded) {
            await this.applyManualAssignment(run, this.manualAssignment);
            retryDelay = 0;
            continue;
          }
        } else if (this.rejoinNeeded || !this.membership.inGroup) {
          await this.rebalance(run);
          retryDelay = 0;
          continue;
        }
        const unresolved = [...this.assigned.values()].some(
          (p) => p.position === null && p.resetStrategy === null && !p.revoked,
        );
        if (unresolved) await this.initPositions(run, [...this.assigned.values()]);
        if (this.resetPending) await this.resolveResets(run);
        if (!run.started.settled && this.positionsKnown()) {
          run.started.settled = true;
          run.started.resolve();
        }
        if (!this.isRunning(run)) break;
        if (this.fatal || this.lost !== null || this.rejoinNeeded || this.resetPending) {
          if (this.resetPending) await this.wakeup.sleep(this.config.retryBackoffMs);
          continue;
        }
        await this.wakeup.sleep(unresolved ? this.config.retryBackoffMs : undefined);
      } catch (err) {
        if (!this.isRunning(run)) break;
        if (err instanceof RequestAbortedError && run.stop.signal.aborted) break;
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
    for (const p of this.assigned.values()) if (p.position === null && !p.revoked) return false;
    return true;
  }

  private crash(run: RunState<K, V>, error: Error): void {
    this.fatal = error;
    this.logger.error('consumer crashed', { groupId: this.config.groupId, error: error.message });
    this.emitter.emit(ConsumerEvents.CRASH, { error, groupId: this.config.groupId, restart: false });
    if (!run.started.settled) {
      run.started.settled = true;
      run.started.reject(error);
    }
    for (const listener of this.crashListeners) listener(error);
    void this.stop();
  }

  private async rebalance(run: RunState<K, V>): Promise<void> {
    this.emitter.emit(ConsumerEvents.REBALANCING, {
      groupId: this.config.groupId,
      memberId: this.membership.memberId,
    });
    const topics = await this.resolveSubscription();
    this.subscription = topics;
    const owned = [...this.assigned.values()];
    if (this.protocol === 'eager') {
      if (owned.length > 0) await this.revoke(run, owned, 'revoked');
    } else {
      const gone = owned.filter((p) => !topics.includes(p.topic));
      if (gone.length > 0) await this.revoke(run, gone, 'revoked');
    }
    if (!this.isRunning(run)) return;
    this.rejoinNeeded = false;
    await this.heartbeater.stop();
    const ownedNow = new Map<string, number[]>();
    for (const p of this.assigned.values()) {
      let list = ownedNow.get(p.topic);
      if (!list) {
        list = [];
        ownedNow.set(p.topic, list);
      }
      list.push(p.partition);
    }
    const startedAt = Date.now();
    this.joining = true;
    let joined: Awaited<ReturnType<GroupMembership['join']>>;
    try {
      joined = await this.membership.join(
        { topics, ownedPartitions: this.protocol === 'cooperative' ? toTopicPartitions(ownedNow) : [] },
        run.stop.signal,
      );
    } finally {
      this.joining = false;
    }
    this.pollTimedOut = false;

    const assignedKeys = new Set<string>();
    for (const { topic, partitions } of joined.partitions)
      for (const p of partitions) assignedKeys.add(partitionKey(topic, p));
    const revoked = [...this.assigned.values()].filter((p) => !assignedKeys.has(p.key));
    const added: PartitionState[] = [];
    for (const { topic, partitions } of joined.partitions) {
      for (const partition of partitions) {
        const key = partitionKey(topic, partition);
        if (this.assigned.has(key)) continue;
        const p = new PartitionState(topic, partition);
        const paused = this.pausedTopics.get(topic);
        p.paused = paused === 'all' || (paused instanceof Set && paused.has(partition));
        this.assigned.set(key, p);
        added.push(p);
      }
    }
    this.heartbeater.start();
    if (revoked.length > 0) {
      // Cooperative: give these up now, then rebalance once more so their new owners get them.
      await this.revoke(run, revoked, 'revoked');
      this.rejoinNeeded = true;
    }
    this.emitter.emit(ConsumerEvents.GROUP_JOIN, {
      duration: Date.now() - startedAt,
      groupId: this.config.groupId,
      isLeader: joined.isLeader,
      leaderId: this.membership.leaderId,
      groupProtocol: joined.protocolName,
      memberId: joined.memberId,
      memberAssignment: Object.fromEntries(joined.partitions.map((tp) => [tp.topic, tp.partitions])),
    });
    await this.callback(this.config.onPartitionsAssigned, added, 'onPartitionsAssigned');
    for (const p of added) {
      const seek = this.pendingSeeks.get(p.key);
      if (seek !== undefined && p.position === null) {
        this.pendingSeeks.delete(p.key);
        this.applySeek(p, seek);
      }
    }
    await this.initPositions(run, added);
    if (this.resetPending) await this.resolveResets(run);
    run.fetcher.recount();
  }

  /** assign(): takes the wanted partitions and drops the others, with no group and no callbacks. */
  private async applyManualAssignment(run: RunState<K, V>, wanted: TopicPartitions[]): Promise<void> {
    this.rejoinNeeded = false;
    const keys = new Set<string>();
    for (const { topic, partitions } of wanted) for (const n of partitions) keys.add(partitionKey(topic, n));
    const dropped = [...this.assigned.values()].filter((p) => !keys.has(p.key));
    if (dropped.length > 0) {
      const set = new Set(dropped);
      for (const p of dropped) p.revoked = true;
      await run.runner.waitIdle((p) => set.has(p));
      for (const p of dropped) {
        p.clearBuffer();
        this.assigned.delete(p.key);
      }
    }
    const topics = wanted.map((t) => t.topic);
    this.subscription = [...topics].sort();
    this.cluster.metadata.track(topics);
    if (topics.length > 0) {
      await this.cluster.metadata.refresh(topics).catch((err) => {
        this.logger.warn('metadata for assigned partitions failed; retrying while fetching', {
          error: (err as Error).message,
        });
      });
    }
    const added: PartitionState[] = [];
    for (const { topic, partitions } of wanted) {
      for (const partition of partitions) {
        const key = partitionKey(topic, partition);
        if (this.assigned.has(key)) continue;
        const p = new PartitionState(topic, partition);
        const paused = this.pausedTopics.get(topic);
        p.paused = paused === 'all' || (paused instanceof Set && paused.has(partition));
        this.assigned.set(key, p);
        added.push(p);
      }
    }
    for (const p of added) {
      const seek = this.pendingSeeks.get(p.key);
      if (seek !== undefined) {
        this.pendingSeeks.delete(p.key);
        this.applySeek(p, seek);
      }
    }
    await this.initPositions(run, added);
    if (this.resetPending) await this.resolveResets(run);
    run.fetcher.recount();
  }

  /**
   * Gives partitions up: stop fetching and delivering them, wait for their running handlers, commit
   * what finished (unless lost), call the user's callback, forget them.
   */
  private async revoke(
    run: RunState<K, V>,
    partitions: PartitionState[],
    how: 'revoked' | 'lost',
  ): Promise<void> {
    const set = new Set(partitions);
    for (const p of partitions) p.revoked = true;
    await run.runner.waitIdle((p) => set.has(p));
    if (how === 'revoked' && run.autoCommit && this.membership.inGroup) {
      try {
        await this.commitPartitions(partitions);
      } catch (err) {
        this.logCommitError(err);
      }
    }
    const callback =
      how === 'lost'
        ? (this.config.onPartitionsLost ?? this.config.onPartitionsRevoked)
        : this.config.onPartitionsRevoked;
    await this.callback(callback, partitions, how === 'lost' ? 'onPartitionsLost' : 'onPartitionsRevoked');
    for (const p of partitions) {
      p.clearBuffer();
      this.assigned.delete(p.key);
    }
    run.fetcher.recount();
  }

  private async handleLost(run: RunState<K, V>): Promise<void> {
    const code = this.lost!;
    this.lost = null;
    await this.heartbeater.stop();
    this.membership.reset(code !== ErrorCode.ILLEGAL_GENERATION);
    const owned = [...this.assigned.values()];
    this.logger.warn('group membership lost; rejoining', {
      groupId: this.config.groupId,
      reason: code === -1 ? 'maxPollIntervalMs exceeded' : (ErrorName[code] ?? String(code)),
      partitions: owned.length,
    });
    if (owned.length > 0) await this.revoke(run, owned, 'lost');
    this.rejoinNeeded = true;
  }

  private onHeartbeat(event: HeartbeatEvent): void {
    switch (event.type) {
      case 'heartbeat':
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
        this.fatal = event.error;
        this.wakeup.wake();
        return;
    }
  }

  /** maxPollIntervalMs: a handler running longer than that costs the member its partitions (Java). */
  private checkPollInterval(): void {
    const run = this.run_;
    if (!run || this.pollTimedOut || !this.membership.inGroup) return;
    if (run.runner.longestHandlerMs(Date.now()) <= this.config.maxPollIntervalMs) return;
    this.pollTimedOut = true;
    this.logger.warn(
      'a handler ran longer than maxPollIntervalMs; leaving the group so its partitions can move. ' +
        'Speed the handler up, or raise maxPollIntervalMs.',
      { groupId: this.config.groupId, maxPollIntervalMs: this.config.maxPollIntervalMs },
    );
    void this.heartbeater.stop().then(async () => {
      await this.membership.leave('consumer poll timeout has expired');
      this.lost = -1;
      this.wakeup.wake();
    });
  }

  private async recheckPatterns(): Promise<void> {
    if (this.state !== 'running' || this.joining) return;
    const topics = await this.resolveSubscription();
    if (topics.join('\u0000') !== this.subscription.join('\u0000')) {
      this.logger.info('pattern subscription matches a different set of topics; rejoining', {
        groupId: this.config.groupId,
      });
      this.requestRejoin();
    }
  }

  private async callback(
    cb: RebalanceCallback | null,
    partitions: PartitionState[],
    name: string,
  ): Promise<void> {
    if (!cb) return;
    const tps = groupPartitions(partitions);
    try {
      await cb(tps);
    } catch (err) {
      this.logger.error(`${name} callback threw`, {
        groupId: this.config.groupId,
        error: (err as Error)?.message,
      });
    }
  }

  // ---------------------------------------------------------------- positions

  /** Start positions of new partitions: the group's committed offset, else the reset strategy. */
  private async initPositions(run: RunState<K, V>, partitions: PartitionState[]): Promise<void> {
    const need = partitions.filter((p) => p.position === null && p.resetStrategy === null && !p.revoked);
    if (need.length === 0) return;
    // An assigned consumer has no group offsets: it starts where seek() or the reset strategy says.
    const committed =
      this.manualAssignment !== null
        ? new Map<string, Map<number, CommittedOffset>>()
        : await fetchCommittedOffsets(this.membership, need, {
            signal: run.stop.signal,
            timeoutMs: this.config.defaultApiTimeoutMs,
            retryBackoffMs: this.config.retryBackoffMs,
          });
    for (const p of need) {
      if (p.revoked || p.position !== null || p.resetStrategy !== null) continue;
      const c: CommittedOffset | undefined = committed.get(p.topic)?.get(p.partition);
      if (c && c.offset >= 0n) {
        p.seek(c.offset);
        p.committed = c.offset;
        p.finished = c.offset;
      } else {
        const strategy = this.resetFor(p.topic);
        if (strategy === 'none') {
          throw new NoOffsetForPartitionError(
            p.topic,
            p.partition,
            this.manualAssignment !== null
              ? 'no seek() before run() and autoOffsetReset is none'
              : 'the group has no committed offset',
          );
        }
        p.requestReset(strategy);
        this.resetPending = true;
      }
    }
    run.fetcher.recount();
  }

  private async resolveResets(run: RunState<K, V>): Promise<void> {
    this.resetPending = false;
    const pending = [...this.assigned.values()].filter((p) => p.resetStrategy !== null && !p.revoked);
    if (pending.length === 0) return;
    const result = await resolveOffsets(
      this.cluster,
      pending,
      this.config.isolationLevel,
      this.logger,
      run.stop.signal,
    );
    for (const { partition, error } of result.errors) this.onPartitionError(error, partition);
    if (result.retry.length > 0) {
      this.resetPending = true;
      this.cluster.metadata.invalidate();
      await this.cluster.metadata.refresh().catch(() => {});
    }
    run.fetcher.recount();
  }

  // ---------------------------------------------------------------- offsets

  private onFinished(count: number): void {
    const run = this.run_;
    if (!run) return;
    this.finishedSinceCommit += count;
    if (
      run.autoCommit &&
      run.autoCommitThreshold !== null &&
      this.finishedSinceCommit >= run.autoCommitThreshold
    ) {
      this.finishedSinceCommit = 0;
      void this.autoCommitTick();
    }
  }

  private async autoCommitTick(): Promise<void> {
    if (this.state !== 'running' || this.joining || !this.membership.inGroup) return;
    const dirty = [...this.assigned.values()].filter((p) => p.dirty && !p.revoked);
    if (dirty.length === 0) return;
    await this.commitPartitions(dirty).catch((err) => this.logCommitError(err));
  }

  private logCommitError(err: unknown): void {
    if (err instanceof CommitFailedError) {
      this.logger.warn('offset commit failed: the generation is gone', {
        groupId: this.config.groupId,
        error: err.message,
      });
      if (this.lost === null) {
        this.lost = ErrorCode.ILLEGAL_GENERATION;
        this.wakeup.wake();
      }
      return;
    }
    if (err instanceof RebalanceInProgressError) {
      this.logger.info('offset commit raced a rebalance; it will be retried after it', {
        groupId: this.config.groupId,
      });
      this.requestRejoin();
      return;
    }
    if (err instanceof FencedInstanceIdError) {
      this.fatal = err;
      this.wakeup.wake();
      return;
    }
    this.logger.warn('offset commit failed', {
      groupId: this.config.groupId,
      error: (err as Error)?.message,
    });
  }

  /** Commits the finished offsets of `partitions` (serialized with every other commit). */
  private commitPartitions(partitions: PartitionState[], signal?: AbortSignal): Promise<void> {
    const task = this.commitChain.then(async () => {
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
      await this.sendCommit(offsets, signal);
      for (const [p, offset] of snapshot) {
        p.committed = offset;
        p.uncommittedCount = 0;
      }
    });
    this.commitChain = task.catch(() => {});
    return task;
  }

  private async sendCommit(offsets: OffsetToCommit[], signal?: AbortSignal): Promise<void> {
    await commitOffsets(this.membership, offsets, {
      signal,
      timeoutMs: this.config.defaultApiTimeoutMs,
      retryBackoffMs: this.config.retryBackoffMs,
      groupInstanceId: this.config.groupInstanceId,
    });
    this.lastCommitAt = Date.now();
    this.finishedSinceCommit = 0;
    this.emitter.emit(ConsumerEvents.COMMIT_OFFSETS, {
      groupId: this.config.groupId,
      memberId: this.membership.memberId,
      groupGenerationId: this.membership.generationId,
      topics: groupOffsets(offsets),
    });
  }

  /**
   * Commits offsets (the next offset to consume, KafkaJS-style: `Number(message.offset) + 1`). Rejects
   * with RebalanceInProgressError during a rebalance and CommitFailedError once the generation is gone.
   */
  async commitOffsets(
    offsets: TopicPartitionOffset[],
    options: { signal?: AbortSignal } = {},
  ): Promise<void> {
    if (!Array.isArray(offsets))
      throw new ConfigurationError('offsets', 'expected an array of { topic, partition, offset }');
    if (this.manualAssignment !== null) {
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
    const task = this.commitChain.then(async () => {
      await this.sendCommit(list, options.signal);
      for (const o of list) {
        const p = this.assigned.get(partitionKey(o.topic, o.partition));
        if (!p) continue;
        p.committed = o.offset;
        if (p.finished === null || o.offset > p.finished) p.finished = o.offset;
      }
    });
    this.commitChain = task.catch(() => {});
    try {
      await task;
    } catch (err) {
      if (err instanceof CommitFailedError || err instanceof RebalanceInProgressError)
        this.logCommitError(err);
      throw err;
    }
  }

  private async commitOffsetsIfNecessary(offsets?: OffsetsByTopicPartition): Promise<void> {
    if (offsets) {
      const list: TopicPartitionOffset[] = [];
      for (const t of offsets.topics)
        for (const p of t.partitions) list.push({ topic: t.topic, partition: p.partition, offset: p.offset });
      return this.commitOffsets(list);
    }
    const run = this.run_;
    if (!run?.autoCommit) return;
    const due =
      (run.autoCommitIntervalMs > 0 && Date.now() - this.lastCommitAt >= run.autoCommitIntervalMs) ||
      (run.autoCommitThreshold !== null && this.finishedSinceCommit >= run.autoCommitThreshold) ||
      (run.autoCommitIntervalMs === 0 && run.autoCommitThreshold === null);
    if (due) await this.autoCommitTick();
  }

  private uncommittedOffsets(): OffsetsByTopicPartition {
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

  /** The group's committed offsets for `partitions` (default: the current assignment); -1 when none. */
  async committed(
    partitions?: { topic: string; partition: number }[],
    options: { signal?: AbortSignal } = {},
  ): Promise<{ topic: string; partition: number; offset: string; metadata: string | null }[]> {
    const list =
      partitions ?? [...this.assigned.values()].map((p) => ({ topic: p.topic, partition: p.partition }));
    if (list.length === 0) return [];
    if (this.state === 'idle') await this.connect(options);
    const result = await fetchCommittedOffsets(this.membership, list, {
      signal: options.signal,
      timeoutMs: this.config.defaultApiTimeoutMs,
      retryBackoffMs: this.config.retryBackoffMs,
    });
    return list.map(({ topic, partition }) => {
      const c = result.get(topic)?.get(partition);
      return { topic, partition, offset: (c?.offset ?? -1n).toString(), metadata: c?.metadata ?? null };
    });
  }

  // ---------------------------------------------------------------- seek, pause

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
    if (typeof topic !== 'string' || !Number.isInteger(partition)) {
      throw new ConfigurationError('seek', 'expected { topic: string, partition: number, offset }');
    }
    const target = toOffset('offset', offset, true);
    const p = this.assigned.get(partitionKey(topic, partition));
    if (!p) {
      this.pendingSeeks.set(partitionKey(topic, partition), target);
      return;
    }
    this.applySeek(p, target);
    this.run_?.fetcher.recount();
    if (p.resetStrategy !== null) {
      this.resetPending = true;
      this.wakeup.wake();
    }
  }

  private applySeek(p: PartitionState, target: bigint): void {
    if (target === -2n || target === -1n) {
      p.requestReset(target === -2n ? 'earliest' : 'latest');
      this.resetPending = true;
      return;
    }
    p.seek(target);
    p.finished = target;
    p.failures = 0;
  }

  pause(selectors: TopicPartitionSelector[]): void {
    for (const { topic, partitions } of checkSelectors('pause', selectors)) {
      if (partitions === undefined) this.pausedTopics.set(topic, 'all');
      else {
        const current = this.pausedTopics.get(topic);
        if (current !== 'all') {
          const set = current ?? new Set<number>();
          for (const n of partitions) set.add(n);
          this.pausedTopics.set(topic, set);
        }
      }
      for (const p of this.assigned.values()) {
        if (p.topic === topic && (partitions === undefined || partitions.includes(p.partition)))
          p.paused = true;
      }
    }
  }

  resume(selectors: TopicPartitionSelector[]): void {
    const run = this.run_;
    for (const { topic, partitions } of checkSelectors('resume', selectors)) {
      const current = this.pausedTopics.get(topic);
      if (partitions === undefined || current === undefined) this.pausedTopics.delete(topic);
      else if (current === 'all') {
        // Resuming some partitions of a fully paused topic: keep the others paused.
        const rest = new Set<number>();
        for (const p of this.assigned.values())
          if (p.topic === topic && !partitions.includes(p.partition)) rest.add(p.partition);
        this.pausedTopics.set(topic, rest);
      } else {
        for (const n of partitions) current.delete(n);
        if (current.size === 0) this.pausedTopics.delete(topic);
      }
      for (const p of this.assigned.values()) {
        if (p.topic === topic && (partitions === undefined || partitions.includes(p.partition)) && p.paused) {
          p.paused = false;
          run?.runner.enqueue(p);
        }
      }
    }
    run?.fetcher.pump();
  }

  /** Paused partitions of the current assignment (and topics paused as a whole). */
  paused(): TopicPartitions[] {
    const byTopic = new Map<string, number[]>();
    for (const p of this.assigned.values()) {
      if (!p.paused) continue;
      let list = byTopic.get(p.topic);
      if (!list) {
        list = [];
        byTopic.set(p.topic, list);
      }
      list.push(p.partition);
    }
    return toTopicPartitions(byTopic);
  }

  /** The partitions this member holds now. */
  assignment(): TopicPartitions[] {
    return groupPartitions([...this.assigned.values()]);
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

  /** Member id and generation, for diagnostics. */
  groupMetadata(): {
    groupId: string;
    memberId: string;
    generationId: number;
    groupInstanceId: string | null;
  } {
    return {
      groupId: this.config.groupId,
      memberId: this.membership.memberId,
      generationId: this.membership.generationId,
      groupInstanceId: this.config.groupInstanceId,
    };
  }

  // ---------------------------------------------------------------- errors

  private onHandlerFailed(err: unknown, p: PartitionState, offset: bigint): void {
    this.logger.error('message handler failed; the record is delivered again after a back-off', {
      groupId: this.config.groupId,
      topic: p.topic,
      partition: p.partition,
      offset: offset.toString(),
      attempt: p.failures + 1,
      error: (err as Error)?.message ?? String(err),
    });
    this.emitter.emit(ConsumerEvents.CRASH, { error: err, groupId: this.config.groupId, restart: true });
  }

  private onDecodeFailed(err: unknown, p: PartitionState, from: bigint): void {
    this.logger.error('fetched records do not decode; refetching after a back-off', {
      topic: p.topic,
      partition: p.partition,
      offset: from.toString(),
      error: (err as Error)?.message,
    });
    p.seek(from);
    p.failures++;
    p.retryAt = Date.now() + Math.min(30_000, this.config.retryBackoffMs * 2 ** Math.min(p.failures, 10));
    this.run_?.fetcher.recount();
  }

  private onPartitionError(err: Error, p: PartitionState): void {
    this.logger.error('partition error', { topic: p.topic, partition: p.partition, error: err.message });
    if (err instanceof NoOffsetForPartitionError) {
      const run = this.run_;
      if (run) this.crash(run, err);
      return;
    }
    this.emitter.emit(ConsumerEvents.CRASH, { error: err, groupId: this.config.groupId, restart: true });
  }

  // ---------------------------------------------------------------- async iteration

  /**
   * Consumes as an async iterator. A message counts as handled (and becomes committable) when the
   * loop asks for the next one; leaving the loop stops the consumer.
   */
  messages(options: ConsumerMessagesOptions = {}): AsyncIterableIterator<KafkaMessage<K, V>> {
    type Waiter = { resolve: (r: IteratorResult<KafkaMessage<K, V>>) => void; reject: (e: unknown) => void };
    const ready: { message: KafkaMessage<K, V>; release: () => void }[] = [];
    let waiter: Waiter | null = null;
    let current: (() => void) | null = null;
    let failure: unknown = null;
    let finished = false;
    let started: Promise<void> | null = null;
    const finish = () => {
      finished = true;
      if (waiter) {
        const w = waiter;
        waiter = null;
        if (failure) w.reject(failure);
        else w.resolve({ done: true, value: undefined });
      }
    };
    const onCrash = (err: Error) => {
      failure = err;
      finish();
    };
    const unsubscribeStop = this.on(ConsumerEvents.STOP, () => finish());
    const start = () => {
      this.crashListeners.add(onCrash);
      started = this.run({
        partitionsConsumedConcurrently: options.partitionsConsumedConcurrently,
        signal: options.signal,
        eachMessage: ({ message }) =>
          new Promise<void>((release) => {
            if (finished) return release();
            if (waiter) {
              const w = waiter;
              waiter = null;
              current = release;
              w.resolve({ done: false, value: message });
            } else ready.push({ message, release });
          }),
      });
      started.catch((err) => {
        failure = err;
        finish();
      });
    };
    const cleanup = () => {
      this.crashListeners.delete(onCrash);
      unsubscribeStop();
    };
    const iterator: AsyncIterableIterator<KafkaMessage<K, V>> = {
      next: () => {
        if (current) {
          const release = current;
          current = null;
          release();
        }
        if (!started) start();
        const next = ready.shift();
        if (next) {
          current = next.release;
          return Promise.resolve({ done: false, value: next.message });
        }
        if (failure) {
          cleanup();
          return Promise.reject(failure);
        }
        if (finished) {
          cleanup();
          return Promise.resolve({ done: true, value: undefined });
        }
        return new Promise((resolve, reject) => {
          waiter = { resolve, reject };
        });
      },
      return: async () => {
        if (current) {
          const release = current;
          current = null;
          release();
        }
        finished = true;
        for (const r of ready.splice(0)) r.release();
        cleanup();
        if (started) await this.stop();
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  [Symbol.asyncIterator](): AsyncIterator<KafkaMessage<K, V>> {
    return this.messages();
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

function toOffset(option: string, value: unknown, allowSpecial = false): bigint {
  let n: bigint;
  try {
    if (typeof value === 'bigint') n = value;
    else if (typeof value === 'number' && Number.isSafeInteger(value)) n = BigInt(value);
    else if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) n = BigInt(value.trim());
    else throw new Error();
  } catch {
    throw new ConfigurationError(
      option,
      `expected an offset (integer string, number or bigint), got ${describe(value)}`,
    );
  }
  if (n < 0n && !(allowSpecial && (n === -1n || n === -2n))) {
    throw new ConfigurationError(
      option,
      `offsets are >= 0${allowSpecial ? ' (or -2 for earliest, -1 for latest)' : ''}; got ${n}`,
    );
  }
  return n;
}

function checkSelectors(what: string, selectors: TopicPartitionSelector[]): TopicPartitionSelector[] {
  if (!Array.isArray(selectors))
    throw new ConfigurationError(what, 'expected an array of { topic, partitions? }');
  for (const s of selectors) {
    if (s === null || typeof s !== 'object' || typeof s.topic !== 'string') {
      throw new ConfigurationError(what, 'expected an array of { topic, partitions? }');
    }
    if (
      s.partitions !== undefined &&
      (!Array.isArray(s.partitions) || !s.partitions.every(Number.isInteger))
    ) {
      throw new ConfigurationError(`${what}.partitions`, 'expected an array of partition numbers');
    }
  }
  return selectors;
}

function groupPartitions(partitions: readonly PartitionState[]): TopicPartitions[] {
  const byTopic = new Map<string, number[]>();
  for (const p of partitions) {
    let list = byTopic.get(p.topic);
    if (!list) {
      list = [];
      byTopic.set(p.topic, list);
    }
    list.push(p.partition);
  }
  return toTopicPartitions(byTopic);
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
