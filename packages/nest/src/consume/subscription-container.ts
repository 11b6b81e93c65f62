import type { LoggerService } from '@nestjs/common';
import type { ConsumerLike, EachBatchPayload, KafkaLike, ProducerLike } from '../client/kafka-like.js';
import type { SubscriptionStoppedError } from '../errors.js';
import type { ValueCodec } from '../serde/value-codec.js';
import type { ContainerState, ContainerStats } from './container-stats.js';
import { BatchDispatch } from './dispatch/batch-dispatch.js';
import type { DispatchServices, DispatchStrategy } from './dispatch/dispatch-strategy.js';
import { KeyedDispatch } from './dispatch/keyed-dispatch.js';
import { OrderedDispatch } from './dispatch/ordered-dispatch.js';
import { FailureHandler, PublishedDeadLetters } from './failure-handler.js';
import { HandlerRunner } from './handler-runner.js';
import { type OffsetCommits, OffsetCommitter } from './offset-committer.js';
import { RecordProcessor } from './record-processor.js';
import { ShutdownGate } from './shutdown-gate.js';
import type { SubscriptionSpec } from './subscription-spec.js';
import { DeliveryTransactions } from './transactions/delivery-transactions.js';
import { TransactionalDeadLetters } from './transactions/transactional-dead-letters.js';
import { TransactionalHandlerRunner } from './transactions/transactional-handler-runner.js';
import { OffsetsCommittedInTransactions } from './transactions/transactional-offsets.js';
import {
  type ConnectedTransactionalProducer,
  defaultTransactionalIdPrefix,
  TransactionalProducers,
  transactionalIds,
} from './transactions/transactional-producers.js';

export interface ContainerDeps {
  kafka: KafkaLike;
  consumerConfig: Record<string, unknown>;
  codec: ValueCodec;
  /** Producer for dead letters; connected by whoever owns it. */
  producer: () => Promise<ProducerLike>;
  logger: LoggerService;
  /** How long a stop after a fatal error waits for running handler calls. Default 30000 ms. */
  shutdownTimeoutMs?: number;
  /** For transactional subscriptions: settings of their producers and where their transactional ids start. */
  transactions?: { producerConfig: Record<string, unknown>; idPrefix: string };
}

/**
 * One consumer running one subscription: joins the group, hands each fetched partition's records to
 * the subscription's dispatch strategy (in order, per-key lanes or batches; retries, dead letters and
 * commits happen there), and stops gracefully.
 */
export class SubscriptionContainer {
  state: ContainerState = 'idle';
  lastError: unknown;
  readonly stats: ContainerStats = { processed: 0, failures: 0, deadLettered: 0, skipped: 0, inFlight: 0 };
  /** Topics seen in batches (regex subscriptions resolve to these). */
  readonly topicsSeen = new Set<string>();
  consumer: ConsumerLike | undefined;

  private readonly gate = new ShutdownGate();
  private readonly strategy: DispatchStrategy;
  private readonly offsets: OffsetCommits;
  private activeBatches = 0;
  private readonly warnedTopics = new Set<string>();
  private idleWaiters: (() => void)[] = [];

  /** Whether a topic is one of this subscription's (names, or patterns for RegExp subscriptions). */
  private readonly subscribes: (topic: string) => boolean;
  /** A transactional subscription's producers, one per partition handled at once. */
  private producers: TransactionalProducers | undefined;
  /** Set when a fatal error stopped the container (it then ends 'crashed'). */
  private failure: SubscriptionStoppedError | undefined;

  constructor(
    readonly spec: SubscriptionSpec,
    private readonly deps: ContainerDeps,
  ) {
    const names = new Set(spec.topics.filter((t): t is string => typeof t === 'string'));
    const patterns = spec.topics
      .filter((t): t is RegExp => t instanceof RegExp)
      .map((t) => new RegExp(t.source, t.flags.replace(/[gy]/g, '')));
    this.subscribes = (topic) => names.has(topic) || patterns.some((pattern) => pattern.test(topic));
    const services = this.dispatchServices();
    this.offsets = services.offsets;
    this.strategy = chooseStrategy(services);
  }

  /**
   * How this container's handler calls, dead letters and commits reach the handler and Kafka: directly,
   * or, for a transactional subscription, in one producer transaction per delivery.
   */
  private dispatchServices(): DispatchServices {
    const { spec, deps, gate, stats } = this;
    const consumer = () => this.consumer!;
    const handler = new HandlerRunner(spec.invoke, gate, stats);
    const common = { spec, codec: deps.codec, gate, stats, consumer };
    if (!spec.transactional) {
      return {
        ...common,
        handler,
        failures: new FailureHandler(spec, new PublishedDeadLetters(deps.producer), deps.logger, gate, stats),
        offsets: new OffsetCommitter(spec.id, consumer, deps.logger),
      };
    }
    const { producerConfig, idPrefix } = deps.transactions ?? {
      producerConfig: {},
      idPrefix: defaultTransactionalIdPrefix('samsa'),
    };
    const ids = transactionalIds(idPrefix, spec);
    this.producers = new TransactionalProducers(deps.kafka, producerConfig, spec.id, ids, deps.logger);
    const transactions = new DeliveryTransactions(
      spec,
      this.producers,
      consumer,
      deps.codec,
      gate,
      deps.logger,
      (error) => this.fail(error),
    );
    return {
      ...common,
      handler: new TransactionalHandlerRunner(handler, transactions),
      failures: new FailureHandler(
        spec,
        new TransactionalDeadLetters(transactions),
        deps.logger,
        gate,
        stats,
      ),
      offsets: new OffsetsCommittedInTransactions(),
    };
  }

  /** The transactional ids of a transactional subscription's producers (empty otherwise). */
  get transactionalIds(): string[] {
    return this.producers?.ids ?? [];
  }

  /** A transactional subscription's producers connected so far, with their ids, for metrics (empty otherwise). */
  get transactionalProducers(): ConnectedTransactionalProducer[] {
    return this.producers?.connected() ?? [];
  }

  async start(): Promise<void> {
    if (this.state !== 'idle') return;
    this.state = 'starting';
    if (this.producers) {
      try {
        // Before joining: fences an older instance's producers and aborts their open transactions.
        await this.producers.start();
      } catch (error) {
        this.state = 'crashed';
        this.lastError = error;
        throw error;
      }
    }
    const userRevoked = this.deps.consumerConfig.onPartitionsRevoked as
      | ((partitions: unknown) => unknown)
      | undefined;
    const consumer = this.deps.kafka.consumer({
      ...this.deps.consumerConfig,
      groupId: this.spec.groupId,
      // Samsa's client awaits this before giving partitions up: the background commits of what finished
      // land in this generation, so the next owner does not redeliver it (KafkaJS has no such hook).
      onPartitionsRevoked: async (partitions: unknown) => {
        await this.offsets.flush();
        await userRevoked?.(partitions);
      },
      ...(this.spec.groupProtocol !== undefined && { groupProtocol: this.spec.groupProtocol }),
      // Input that other transactions wrote counts only once committed (KafkaJS: readUncommitted).
      ...(this.spec.transactional && { isolationLevel: 'read_committed', readUncommitted: false }),
    });
    this.consumer = consumer;
    consumer.on?.('consumer.crash', (event: { payload?: { error?: unknown } }) => {
      this.lastError = event?.payload?.error;
      if (this.state === 'running') this.state = 'crashed';
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: this.spec.topics, fromBeginning: this.spec.fromBeginning });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.spec.partitionsConcurrently,
        eachBatch: (payload) => this.eachBatch(payload),
      });
      if (this.state === 'starting') this.state = 'running';
    } catch (error) {
      this.state = 'crashed';
      this.lastError = error;
      await consumer.disconnect().catch(() => undefined);
      await this.producers?.close();
      throw error;
    }
  }

  /**
   * A fatal error (a transactional producer fenced): no record starts any more, the consumer leaves its
   * group (the other members take the partitions over), and the container ends 'crashed' with `error`.
   */
  private fail(error: SubscriptionStoppedError): void {
    if (this.failure) return;
    this.failure = error;
    this.lastError = error;
    this.deps.logger.error?.(error.message);
    this.gate.requestStop();
    void this.stop(this.deps.shutdownTimeoutMs ?? 30_000).catch((stopError: unknown) => {
      this.deps.logger.error?.(`${this.spec.id}: stopping failed: ${(stopError as Error)?.message}`);
    });
  }

  /**
   * Stops fetching, lets running handlers finish (at most `timeoutMs`), commits what finished and
   * leaves the group. Records not finished are not committed, so the group's next member gets them.
   */
  async stop(timeoutMs: number): Promise<void> {
    if (this.state === 'idle' || this.state === 'stopped' || this.state === 'stopping') return;
    this.gate.requestStop();
    const consumer = this.consumer;
    if (!consumer) {
      // Its start failed before a consumer existed.
      await this.producers?.close();
      return;
    }
    this.state = 'stopping';
    const topics = [
      ...new Set([...this.topicsSeen, ...this.spec.topics.filter((t) => typeof t === 'string')]),
    ];
    try {
      consumer.pause(topics.map((topic) => ({ topic })));
    } catch {
      // Pausing is an optimisation: eachBatch refuses new work once stopRequested is set.
    }
    const drained = await Promise.race([
      this.whenIdle().then(() => true),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref()),
    ]);
    if (!drained) {
      this.deps.logger.warn?.(
        `${this.spec.id}: ${this.stats.inFlight} handler call(s) still running after ${timeoutMs} ms; ` +
          'leaving the group anyway (their records are not committed and will be delivered again)',
      );
      this.gate.abort();
      await this.whenIdle();
    }
    // Commits go out in the background (offset-committer.ts): what finished is committed before leaving.
    await this.offsets.flush();
    try {
      await consumer.disconnect();
    } finally {
      await this.producers?.close();
      this.state = this.failure ? 'crashed' : 'stopped';
    }
  }

  private whenIdle(): Promise<void> {
    if (this.activeBatches === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (this.gate.stopRequested || batch.messages.length === 0) return;
    if (!this.subscribes(batch.topic)) {
      // Some assignors (KafkaJS's) ignore per-member subscriptions in a shared group; never hand a
      // handler records of a topic it did not ask for.
      if (!this.warnedTopics.has(batch.topic)) {
        this.warnedTopics.add(batch.topic);
        this.deps.logger.error?.(
          `${this.spec.id}: was assigned ${batch.topic}, which it does not subscribe to (the group's assignor ` +
            `ignores per-member subscriptions); its records are not handled here. Give this handler its own groupId.`,
        );
      }
      return;
    }
    this.topicsSeen.add(batch.topic);
    this.activeBatches++;
    try {
      await this.strategy.dispatch({
        topic: batch.topic,
        partition: batch.partition,
        messages: batch.messages,
        fetch: payload,
      });
    } finally {
      this.activeBatches--;
      if (this.activeBatches === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }
}

function chooseStrategy(services: DispatchServices): DispatchStrategy {
  const { spec } = services;
  if (spec.batch) return new BatchDispatch(services, spec.batch.maxSize);
  if (spec.keysPerPartition > 1) return new KeyedDispatch(services, new RecordProcessor(services));
  return new OrderedDispatch(services, new RecordProcessor(services));
}
