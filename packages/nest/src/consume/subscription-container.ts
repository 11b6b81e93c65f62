import type { LoggerService } from '@nestjs/common';
import { isObservable, lastValueFrom, type Observable } from 'rxjs';
import type {
  ConsumedMessage,
  ConsumerLike,
  EachBatchPayload,
  KafkaLike,
  ProducerLike,
} from '../client/kafka-like.js';
import { BatchRecordError, DeserializationError } from '../errors.js';
import type { ValueCodec } from '../serde/value-codec.js';
import { SamsaBatchContext, SamsaContext } from '../subscribe/samsa.context.js';
import { deadLetterMessage } from './dead-letter.js';
import { sleepUnless } from './sleep.js';
import type { SubscriptionSpec } from './subscription-spec.js';

export type ContainerState = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped' | 'crashed';

export interface ContainerStats {
  /** Records the handler finished without error. */
  processed: number;
  /** Handler calls that threw (each retry counts). */
  failures: number;
  /** Records sent to the dead-letter topic. */
  deadLettered: number;
  /** Records given up on without a dead-letter topic (logged). */
  skipped: number;
  /** Handler calls running now. */
  inFlight: number;
}

export interface ContainerDeps {
  kafka: KafkaLike;
  consumerConfig: Record<string, unknown>;
  codec: ValueCodec;
  /** Producer for dead letters; connected by whoever owns it. */
  producer: () => Promise<ProducerLike>;
  logger: LoggerService;
}

const ABORTED = Symbol('aborted');

/**
 * One consumer running one subscription: fetches, decodes, calls the handler with per-partition (and
 * optionally per-key) concurrency, retries with backoff, dead-letters what keeps failing, and commits
 * exactly the records it finished. `stop()` is the graceful shutdown.
 */
export class SubscriptionContainer {
  state: ContainerState = 'idle';
  lastError: unknown;
  readonly stats: ContainerStats = { processed: 0, failures: 0, deadLettered: 0, skipped: 0, inFlight: 0 };
  /** Topics seen in batches (regex subscriptions resolve to these). */
  readonly topicsSeen = new Set<string>();
  consumer: ConsumerLike | undefined;

  private stopRequested = false;
  private hardAborted = false;
  private readonly abortWaiters = new Set<() => void>();
  private activeBatches = 0;
  private idleWaiters: (() => void)[] = [];

  /** Whether a topic is one of this subscription's (names, or patterns for RegExp subscriptions). */
  private readonly subscribes: (topic: string) => boolean;

  constructor(
    readonly spec: SubscriptionSpec,
    private readonly deps: ContainerDeps,
  ) {
    const names = new Set(spec.topics.filter((t): t is string => typeof t === 'string'));
    const patterns = spec.topics
      .filter((t): t is RegExp => t instanceof RegExp)
      .map((t) => new RegExp(t.source, t.flags.replace(/[gy]/g, '')));
    this.subscribes = (topic) => names.has(topic) || patterns.some((pattern) => pattern.test(topic));
  }

  async start(): Promise<void> {
    if (this.state !== 'idle') return;
    this.state = 'starting';
    const consumer = this.deps.kafka.consumer({ ...this.deps.consumerConfig, groupId: this.spec.groupId });
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
      throw error;
    }
  }

  /**
   * Stops fetching, lets running handlers finish (at most `timeoutMs`), commits what finished and
   * leaves the group. Records not finished are not committed, so the group's next member gets them.
   */
  async stop(timeoutMs: number): Promise<void> {
    if (this.state === 'idle' || this.state === 'stopped' || this.state === 'stopping') return;
    this.stopRequested = true;
    this.state = 'stopping';
    const consumer = this.consumer!;
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
      this.hardAborted = true;
      for (const wake of this.abortWaiters) wake();
      this.abortWaiters.clear();
      await this.whenIdle();
    }
    try {
      await consumer.disconnect();
    } finally {
      this.state = 'stopped';
    }
  }

  private whenIdle(): Promise<void> {
    if (this.activeBatches === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private readonly warnedTopics = new Set<string>();

  private canStart(payload: EachBatchPayload): boolean {
    return !this.stopRequested && !this.hardAborted && payload.isRunning() && !payload.isStale();
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (this.stopRequested || batch.messages.length === 0) return;
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
      if (this.spec.batch) await this.processAsBatches(payload, this.spec.batch.maxSize);
      else if (this.spec.keysPerPartition > 1) await this.processByKey(payload);
      else await this.processInOrder(payload);
    } finally {
      this.activeBatches--;
      if (this.activeBatches === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  /** Strict offset order: one record at a time (no promise hop at all while handlers are synchronous). */
  private async processInOrder(payload: EachBatchPayload): Promise<void> {
    const { topic, partition, messages } = payload.batch;
    let last: ConsumedMessage | undefined;
    try {
      for (const message of messages) {
        if (!this.canStart(payload)) break;
        let finished = this.processRecord(topic, partition, message, payload);
        if (typeof finished !== 'boolean') finished = await finished;
        if (!finished) break;
        last = message;
      }
    } finally {
      if (last) {
        payload.resolveOffset(last.offset);
        await this.commit(topic, partition, last.offset);
      }
    }
  }

  /**
   * Per-key lanes: up to `keysPerPartition` keys at once, each key's records in offset order. On stop,
   * records below the highest one already started still run, so what is committed is exactly a
   * finished prefix of the partition (nothing processed twice after a clean shutdown).
   */
  private async processByKey(payload: EachBatchPayload): Promise<void> {
    const { topic, partition, messages } = payload.batch;
    const done = new Uint8Array(messages.length);
    const lanes = new Map<string, number[]>();
    messages.forEach((message, index) => {
      const key = message.key ? message.key.toString('latin1') : '\u0000null';
      const lane = lanes.get(key);
      if (lane) lane.push(index);
      else lanes.set(key, [index]);
    });
    const queue = [...lanes.values()];
    let highestStarted = -1;
    let limit = Number.POSITIVE_INFINITY;
    let failure: unknown;
    const allowed = (index: number): boolean => {
      if (failure !== undefined || this.hardAborted) return false;
      if (!this.canStart(payload) && limit === Number.POSITIVE_INFINITY) limit = highestStarted;
      return index <= limit;
    };
    const worker = async (): Promise<void> => {
      for (let lane = queue.shift(); lane; lane = queue.shift()) {
        for (const index of lane) {
          if (!allowed(index)) break;
          highestStarted = Math.max(highestStarted, index);
          try {
            let finished = this.processRecord(topic, partition, messages[index]!, payload);
            if (typeof finished !== 'boolean') finished = await finished;
            if (!finished) return;
          } catch (error) {
            failure ??= error;
            return;
          }
          done[index] = 1;
        }
      }
    };
    const workers = Math.min(this.spec.keysPerPartition, queue.length);
    await Promise.all(Array.from({ length: workers }, worker));
    let prefix = 0;
    while (prefix < messages.length && done[prefix] === 1) prefix++;
    if (prefix > 0) {
      const last = messages[prefix - 1]!;
      payload.resolveOffset(last.offset);
      await this.commit(topic, partition, last.offset);
    }
    if (failure !== undefined) throw failure;
  }

  /** Batch handlers: the handler gets up to `maxSize` records of the partition at once. */
  private async processAsBatches(payload: EachBatchPayload, maxSize: number): Promise<void> {
    const { topic, partition, messages } = payload.batch;
    let last: ConsumedMessage | undefined;
    const finished = (message: ConsumedMessage): void => {
      payload.resolveOffset(message.offset);
      last = message;
    };
    try {
      for (let start = 0; start < messages.length; start += maxSize) {
        if (!this.canStart(payload)) break;
        const chunk = messages.slice(start, start + maxSize);
        if (!(await this.processChunk(topic, partition, chunk, payload, finished))) break;
      }
    } finally {
      if (last) await this.commit(topic, partition, last.offset);
    }
  }

  private async processChunk(
    topic: string,
    partition: number,
    chunk: ConsumedMessage[],
    payload: EachBatchPayload,
    finished: (message: ConsumedMessage) => void,
  ): Promise<boolean> {
    // Decode first; a record that does not decode is dead-lettered on its own, in its place.
    let rest: { message: ConsumedMessage; value: unknown }[] = [];
    const flush = async (): Promise<boolean> => {
      const ok = await this.runBatchHandler(topic, partition, rest, payload, finished);
      rest = [];
      return ok;
    };
    for (const message of chunk) {
      let value: unknown;
      try {
        value = await this.deps.codec.decode(message.value, topic, this.spec.value, this.spec.readerSchema);
      } catch (error) {
        if (!(error instanceof DeserializationError)) throw error;
        if (rest.length > 0 && !(await flush())) return false;
        await this.recover(topic, partition, [message], error, 0);
        finished(message);
        continue;
      }
      rest.push({ message, value });
    }
    return rest.length === 0 || flush();
  }

  private async runBatchHandler(
    topic: string,
    partition: number,
    items: { message: ConsumedMessage; value: unknown }[],
    payload: EachBatchPayload,
    finished: (message: ConsumedMessage) => void,
  ): Promise<boolean> {
    const { retry } = this.spec;
    let rest = items;
    let failures = 0;
    while (rest.length > 0) {
      const messages = rest.map((item) => item.message);
      const context = new SamsaBatchContext(
        topic,
        partition,
        messages,
        this.spec.groupId,
        failures + 1,
        this.consumer!,
        payload,
      );
      let error: unknown;
      try {
        const outcome = await this.run(
          rest.map((item) => item.value),
          context,
        );
        if (outcome === ABORTED) return false;
        this.stats.processed += rest.length;
        for (const message of messages) finished(message);
        return true;
      } catch (caught) {
        error = caught;
      }
      this.stats.failures++;
      if (error instanceof BatchRecordError && error.index >= 0 && error.index < rest.length) {
        const cause = error.cause ?? error;
        if (error.index > 0) {
          for (const item of rest.slice(0, error.index)) finished(item.message);
          this.stats.processed += error.index;
          rest = rest.slice(error.index);
          failures = 0;
        }
        failures++;
        if (!retry.retryable(cause) || failures >= retry.attempts) {
          await this.recover(topic, partition, [rest[0]!.message], cause, failures);
          finished(rest[0]!.message);
          rest = rest.slice(1);
          failures = 0;
          continue;
        }
      } else {
        failures++;
        if (!retry.retryable(error) || failures >= retry.attempts) {
          await this.recover(topic, partition, messages, error, failures);
          for (const message of messages) finished(message);
          return true;
        }
      }
      if (!(await this.backoff(failures, payload))) return false;
    }
    return true;
  }

  /**
   * Decodes and handles one record with retries. Gives true when the record is finished (handled,
   * dead-lettered or skipped), false when shutdown interrupted it (it stays uncommitted); synchronously
   * when decoding and the handler are synchronous.
   */
  private processRecord(
    topic: string,
    partition: number,
    message: ConsumedMessage,
    payload: EachBatchPayload,
  ): boolean | Promise<boolean> {
    let value: unknown;
    try {
      value = this.deps.codec.decode(message.value, topic, this.spec.value, this.spec.readerSchema);
    } catch (error) {
      return this.undecodable(topic, partition, message, error);
    }
    if (value instanceof Promise) {
      return value.then(
        (decoded) => this.attempt(topic, partition, message, payload, decoded, 1),
        (error) => this.undecodable(topic, partition, message, error),
      );
    }
    return this.attempt(topic, partition, message, payload, value, 1);
  }

  private async undecodable(topic: string, partition: number, message: ConsumedMessage, error: unknown) {
    if (!(error instanceof DeserializationError)) throw error;
    await this.recover(topic, partition, [message], error, 0);
    return true;
  }

  /** One delivery of a record. */
  private attempt(
    topic: string,
    partition: number,
    message: ConsumedMessage,
    payload: EachBatchPayload,
    value: unknown,
    attempt: number,
  ): boolean | Promise<boolean> {
    const context = new SamsaContext(
      topic,
      partition,
      message,
      this.spec.groupId,
      attempt,
      this.consumer!,
      payload,
    );
    let result: unknown;
    try {
      result = this.spec.invoke(value, context);
    } catch (error) {
      return this.afterFailure(topic, partition, message, payload, value, attempt, error);
    }
    if (result instanceof Promise || isObservable(result)) {
      return this.settle(result).then(
        (outcome) => {
          if (outcome === ABORTED) return false;
          this.stats.processed++;
          return true;
        },
        (error) => this.afterFailure(topic, partition, message, payload, value, attempt, error),
      );
    }
    this.stats.processed++;
    return true;
  }

  private async afterFailure(
    topic: string,
    partition: number,
    message: ConsumedMessage,
    payload: EachBatchPayload,
    value: unknown,
    attempt: number,
    error: unknown,
  ): Promise<boolean> {
    this.stats.failures++;
    const { retry } = this.spec;
    if (!retry.retryable(error) || attempt >= retry.attempts) {
      await this.recover(topic, partition, [message], error, attempt);
      return true;
    }
    if (!(await this.backoff(attempt, payload))) return false;
    return this.attempt(topic, partition, message, payload, value, attempt + 1);
  }

  /** Runs the handler and waits for what it returns (value, promise or Observable). */
  private async run(value: unknown, context: SamsaContext | SamsaBatchContext): Promise<unknown> {
    const result = this.spec.invoke(value, context);
    return result instanceof Promise || isObservable(result) ? this.settle(result) : result;
  }

  /** Waits for an asynchronous handler; resolves ABORTED if shutdown gives up on it first. */
  private settle(result: Promise<unknown> | Observable<unknown>): Promise<unknown> {
    this.stats.inFlight++;
    const running = isObservable(result) ? lastValueFrom(result, { defaultValue: undefined }) : result;
    return new Promise((resolve, reject) => {
      const abort = () => resolve(ABORTED);
      if (this.hardAborted) abort();
      else this.abortWaiters.add(abort);
      running.then(
        (value) => {
          this.abortWaiters.delete(abort);
          this.stats.inFlight--;
          resolve(value);
        },
        (error) => {
          this.abortWaiters.delete(abort);
          this.stats.inFlight--;
          reject(error);
        },
      );
    });
  }

  /** Waits before the next attempt, heartbeating; false if shutdown began (the record is left for later). */
  private async backoff(failures: number, payload: EachBatchPayload): Promise<boolean> {
    const ms = this.spec.retry.delayMs(failures);
    let lastBeat = Date.now();
    return sleepUnless(ms, () => {
      if (Date.now() - lastBeat > 1_000) {
        lastBeat = Date.now();
        payload.heartbeat().catch(() => undefined);
      }
      return !this.canStart(payload);
    });
  }

  /** The record failed for good: dead-letter it, or log and skip it. A failed dead-letter publish throws. */
  private async recover(
    topic: string,
    partition: number,
    messages: ConsumedMessage[],
    error: unknown,
    attempts: number,
  ): Promise<void> {
    const target = this.spec.deadLetterTopic?.(topic);
    const reason = error instanceof Error ? error.message : String(error);
    if (target === undefined) {
      this.stats.skipped += messages.length;
      this.deps.logger.error?.(
        `${this.spec.id}: giving up on ${topic}[${partition}]@${messages.map((m) => m.offset).join(',')} after ` +
          `${attempts} attempt(s), skipping (deadLetter is off): ${reason}`,
      );
      return;
    }
    const producer = await this.deps.producer();
    await producer.send({
      topic: target,
      messages: messages.map((message) =>
        deadLetterMessage({ topic, partition, groupId: this.spec.groupId, message, error, attempts }),
      ),
    });
    this.stats.deadLettered += messages.length;
    this.deps.logger.warn?.(
      `${this.spec.id}: ${topic}[${partition}]@${messages.map((m) => m.offset).join(',')} sent to ${target} ` +
        `after ${attempts} attempt(s): ${reason}`,
    );
  }

  private async commit(topic: string, partition: number, lastOffset: string): Promise<void> {
    try {
      await this.consumer!.commitOffsets([
        { topic, partition, offset: (BigInt(lastOffset) + 1n).toString() },
      ]);
    } catch (error) {
      // A rebalance took the partition; its next owner starts from the last commit (at-least-once).
      this.deps.logger.warn?.(
        `${this.spec.id}: commit of ${topic}[${partition}] up to ${lastOffset} failed: ${(error as Error).message}`,
      );
    }
  }
}
