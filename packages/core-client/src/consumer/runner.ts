/**
 * Delivers buffered records to `eachMessage` / `eachBatch`. Each partition is handled by at most
 * one worker at a time, so per-partition order always holds; up to `partitionsConsumedConcurrently`
 * partitions run at once. A worker gives the turn to waiting partitions after one fetched chunk, so
 * a busy partition cannot starve the others.
 *
 * Offsets are only marked finished after the handler for them returned, and only if the partition
 * did not move underneath (seek, revoke) meanwhile: auto-commit never commits unhandled records.
 * A handler that throws gets the same record again after a back-off (per partition; others go on).
 */
import { channels, type ProcessEvent } from '../diagnostics/channels.js';
import { type ConsumerDiagnostics, consumerDiagnostics } from '../diagnostics/consumer-diagnostics.js';
import { traceOperation } from '../diagnostics/trace.js';
import type { Logger } from '../logger.js';
import { ConsumerEvents } from './events.js';
import { ChunkReader } from './fetch/chunk-reader.js';
import { BatchDecodeFailure } from './fetch/corrupt-batches.js';
import type {
  Batch,
  Deserializer,
  EachBatchHandler,
  EachBatchPayload,
  EachMessageHandler,
  EachMessagePayload,
  KafkaMessage,
  MessageHeaders,
  OffsetsByTopicPartition,
} from './message.js';
import type { PartitionState } from './partition-state.js';
import type { KafkaRecord } from './protocol-records.js';

export interface RunnerHooks {
  /** Buffered bytes were delivered and dropped. */
  released(bytes: number): void;
  /** A partition's buffer was dropped wholesale (redelivery after an error). */
  bufferDropped(): void;
  /** `count` more records finished (auto-commit threshold). */
  finished(count: number): void;
  /**
   * A handler threw for `offset`. `redelivered`: the partition still stands where it was, so the record comes
   * again at `partition.retryAt` (after `partition.failures` failures in a row); the hook may hold it back.
   */
  handlerFailed(error: unknown, partition: PartitionState, offset: bigint, redelivered: boolean): void;
  /**
   * A batch did not decode; delivery stands at `resumeAt`. True: skip the batch and go on. False:
   * stop delivering this chunk (the consumer fetches again from `resumeAt`, or fails).
   */
  batchCorrupt(failure: BatchDecodeFailure, partition: PartitionState, resumeAt: bigint): boolean;
  commitOffsetsIfNecessary(offsets?: OffsetsByTopicPartition): Promise<void>;
  uncommittedOffsets(): OffsetsByTopicPartition;
  pause(topic: string, partition: number): () => void;
  isRunning(): boolean;
}

export interface RunnerOptions<K, V> {
  eachMessage?: EachMessageHandler<K, V>;
  eachBatch?: EachBatchHandler<K, V>;
  concurrency: number;
  eachBatchAutoResolve: boolean;
  keyDeserializer: Deserializer<K> | null;
  valueDeserializer: Deserializer<V> | null;
  readCommitted: boolean;
  checkCrcs: boolean;
  /** How long to wait before delivering a record again after its handler failed `failures` times in a row. */
  redeliveryDelayMs(failures: number): number;
  logger: Logger;
  /** Events, metrics and who the consumer is; a detached set when left out (tests). */
  diagnostics?: ConsumerDiagnostics;
}

/** Records a worker delivers before letting a waiting partition have its turn. */
const TURN = 1000;
const heartbeat = (): Promise<void> => Promise.resolve();
const YIELD_EVERY = 2048;
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class Runner<K, V> {
  private readonly queue: PartitionState[] = [];
  private active = 0;
  private open = true;
  /** What the maxPollIntervalMs watchdog saw of each running handler: its sequence number and since when. */
  private readonly watched = new Map<PartitionState, { seq: number; since: number }>();
  /** Last timestamp turned into a string, per runner: records of a batch mostly share one. */
  private lastTimestamp = Number.NaN;
  private lastTimestampString = '';
  private sinceYield = 0;
  private idleWaiters: { filter: (p: PartitionState) => boolean; resolve: () => void }[] = [];
  private readonly working = new Set<PartitionState>();
  private readonly diagnostics: ConsumerDiagnostics;

  constructor(
    private readonly options: RunnerOptions<K, V>,
    private readonly hooks: RunnerHooks,
  ) {
    this.diagnostics = options.diagnostics ?? consumerDiagnostics('', '');
  }

  /** Partition `p` may have something to deliver. */
  enqueue(p: PartitionState): void {
    if (p.queued || p.processing || !this.eligible(p)) return;
    p.queued = true;
    this.queue.push(p);
    this.schedule();
  }

  /** Stops (or restarts) starting handlers; running ones finish their current record and stop. */
  setOpen(open: boolean): void {
    this.open = open;
    if (open) this.schedule();
  }

  /** Resolves once no handler runs for a partition matching `filter` (default: any). */
  waitIdle(filter: (p: PartitionState) => boolean = () => true): Promise<void> {
    for (const p of this.working)
      if (filter(p)) return new Promise((resolve) => this.idleWaiters.push({ filter, resolve }));
    return Promise.resolve();
  }

  /**
   * How long the longest-running handler has been running, as seen by periodic calls of this method
   * (the watchdog's own clock: handlers pay no clock reads). 0 when none runs.
   */
  longestHandlerMs(now: number): number {
    let longest = 0;
    for (const p of this.working) {
      if (!p.inHandler) {
        this.watched.delete(p);
        continue;
      }
      const w = this.watched.get(p);
      if (w === undefined || w.seq !== p.handlerSeq) this.watched.set(p, { seq: p.handlerSeq, since: now });
      else longest = Math.max(longest, now - w.since);
    }
    for (const p of this.watched.keys()) if (!this.working.has(p)) this.watched.delete(p);
    return longest;
  }

  get activeWorkers(): number {
    return this.active;
  }

  private eligible(p: PartitionState): boolean {
    return p.hasData && !p.paused && !p.revoked;
  }

  private schedule(): void {
    while (this.open && this.active < this.options.concurrency && this.queue.length > 0) {
      const p = this.queue.shift()!;
      p.queued = false;
      if (p.processing || !this.eligible(p)) continue;
      this.active++;
      p.processing = true;
      this.working.add(p);
      const work = this.options.eachBatch ? this.workBatches(p) : this.workMessages(p);
      work.then(
        () => this.done(p),
        (err) => {
          this.options.logger.error('consumer worker failed', { error: (err as Error)?.message });
          this.done(p);
        },
      );
    }
  }

  private done(p: PartitionState): void {
    this.active--;
    p.processing = false;
    this.working.delete(p);
    if (this.idleWaiters.length > 0) {
      this.idleWaiters = this.idleWaiters.filter((w) => {
        for (const q of this.working) if (w.filter(q)) return true;
        w.resolve();
        return false;
      });
    }
    if (this.eligible(p)) {
      p.queued = true;
      this.queue.push(p);
    }
    this.schedule();
  }

  private canDeliver(p: PartitionState, epoch: number): boolean {
    return this.open && !p.revoked && !p.paused && p.fetchEpoch === epoch && this.hooks.isRunning();
  }

  private reader(p: PartitionState): ChunkReader | null {
    const chunk = p.chunks[0];
    if (!chunk) return null;
    if (!chunk.reader) {
      chunk.reader = new ChunkReader(chunk, {
        readCommitted: this.options.readCommitted,
        verifyCrc: this.options.checkCrcs,
      });
    }
    return chunk.reader;
  }

  /** Drops the chunk the reader finished and covers the offsets it spanned (control records, gaps). */
  private chunkDone(p: PartitionState, reader: ChunkReader): void {
    const chunk = reader.chunk;
    if (reader.processStartedAt >= 0) this.batchProcessEnded(p, reader);
    if (p.chunks[0] === chunk) {
      p.shiftChunk();
      this.hooks.released(chunk.bytes);
    }
    p.markFinished(chunk.nextOffset, reader.leaderEpoch, 0);
  }

  private async workMessages(p: PartitionState): Promise<void> {
    const handler = this.options.eachMessage!;
    const epoch = p.fetchEpoch;
    const { topic, partition } = p;
    const pause = () => this.hooks.pause(topic, partition);
    const consumed = this.diagnostics.metrics.recordsConsumed;
    let delivered = 0;
    // Whether handler calls are published (samsa:consumer:process), looked up once per chunk.
    let traced = false;
    let current: ChunkReader | null = null;
    while (this.canDeliver(p, epoch)) {
      const reader = this.reader(p);
      if (reader === null) return;
      if (reader !== current) {
        current = reader;
        traced = channels.process.hasSubscribers;
        if (reader.processStartedAt < 0) this.batchProcessStarted(p, reader);
      }
      let record: KafkaRecord | null;
      try {
        record = reader.next();
      } catch (err) {
        if (!(err instanceof BatchDecodeFailure)) throw err;
        if (this.hooks.batchCorrupt(err, p, reader.resumeAt)) {
          reader.skipFailedBatch();
          continue;
        }
        return;
      }
      if (record === null) {
        this.chunkDone(p, reader);
        if (delivered >= TURN && this.queue.length > 0) return;
        continue;
      }
      const offset = record.offset;
      p.handlerSeq++;
      p.inHandler = true;
      try {
        const payload: EachMessagePayload<K, V> = {
          topic,
          partition,
          message: this.toMessage(p, record, reader.leaderEpoch),
          heartbeat,
          pause,
        };
        consumed.total++;
        const result = traced ? this.traceMessage(p, handler, payload) : handler(payload);
        if (result !== undefined) await result;
      } catch (err) {
        p.inHandler = false;
        this.failed(p, epoch, err, offset);
        return;
      }
      p.inHandler = false;
      // Consecutive failures (the redelivery back-off and the next record's attempt) end with a success.
      if (p.failures !== 0) p.failures = 0;
      if (p.fetchEpoch !== epoch) return;
      p.markFinished(offset + 1n, reader.leaderEpoch, 1);
      this.hooks.finished(1);
      delivered++;
      // Synchronous handlers never give the event loop a turn on their own: make room for
      // heartbeats, fetch responses and timers every so often.
      if (++this.sinceYield >= YIELD_EVERY) {
        this.sinceYield = 0;
        await yieldToEventLoop();
      }
    }
  }

  private async workBatches(p: PartitionState): Promise<void> {
    const handler = this.options.eachBatch!;
    const epoch = p.fetchEpoch;
    const { topic, partition } = p;
    const pause = () => this.hooks.pause(topic, partition);
    let turns = 0;
    while (this.canDeliver(p, epoch)) {
      const messages: KafkaMessage<K, V>[] = [];
      const reader = this.reader(p);
      if (reader === null) return;
      let firstOffset: bigint | null = null;
      /** A batch of the chunk did not decode: the records before it are delivered first. */
      let stoppedEarly = false;
      try {
        for (let r = reader.next(); r !== null; r = reader.next()) {
          if (firstOffset === null) firstOffset = r.offset;
          messages.push(this.toMessage(p, r, reader.leaderEpoch));
        }
      } catch (err) {
        if (!(err instanceof BatchDecodeFailure)) {
          // A deserializer threw: redeliver the chunk like a handler failure.
          this.failed(p, epoch, err, firstOffset ?? reader.chunk.fetchOffset);
          return;
        }
        if (messages.length > 0) stoppedEarly = true;
        else if (this.hooks.batchCorrupt(err, p, reader.resumeAt)) {
          reader.skipFailedBatch();
          continue;
        } else return;
      }
      const chunk = reader.chunk;
      if (messages.length === 0 || firstOffset === null) {
        this.chunkDone(p, reader);
        continue;
      }
      let resolved: bigint | null = null;
      const leaderEpoch = reader.leaderEpoch;
      const batch = makeBatch(topic, partition, chunk.highWatermark, chunk.nextOffset, messages);
      const payload: EachBatchPayload<K, V> = {
        batch,
        resolveOffset: (offset) => {
          if (p.fetchEpoch !== epoch) return;
          const next = BigInt(offset) + 1n;
          if (resolved === null || next > resolved) {
            const before = resolved ?? firstOffset!;
            resolved = next;
            p.markFinished(next, leaderEpoch, Number(next - before));
            this.hooks.finished(Number(next - before));
          }
        },
        heartbeat,
        pause,
        commitOffsetsIfNecessary: (offsets) => this.hooks.commitOffsetsIfNecessary(offsets),
        uncommittedOffsets: () => this.hooks.uncommittedOffsets(),
        isRunning: () => this.hooks.isRunning() && !p.revoked,
        isStale: () => p.fetchEpoch !== epoch || p.revoked,
      };
      const events = this.diagnostics.events;
      const processEvent =
        events.listening(ConsumerEvents.START_BATCH_PROCESS) ||
        events.listening(ConsumerEvents.END_BATCH_PROCESS)
          ? batchProcessPayload(batch)
          : null;
      const startedAt = processEvent === null ? 0 : Date.now();
      if (processEvent !== null) events.emit(ConsumerEvents.START_BATCH_PROCESS, processEvent);
      this.diagnostics.metrics.recordsConsumed.add(messages.length);
      p.handlerSeq++;
      p.inHandler = true;
      try {
        if (channels.process.hasSubscribers) await this.traceBatch(p, handler, payload);
        else await handler(payload);
      } catch (err) {
        p.inHandler = false;
        this.failed(p, epoch, err, resolved ?? firstOffset);
        return;
      }
      p.inHandler = false;
      if (processEvent !== null)
        events.emit(ConsumerEvents.END_BATCH_PROCESS, { ...processEvent, duration: Date.now() - startedAt });
      if (p.fetchEpoch !== epoch) return;
      p.failures = 0;
      this.sinceYield += messages.length;
      if (this.sinceYield >= YIELD_EVERY) {
        this.sinceYield = 0;
        await yieldToEventLoop();
        // A seek or revoke while yielding: the batch's offsets must not be marked over it.
        if (p.fetchEpoch !== epoch) return;
      }
      if (stoppedEarly) {
        // The chunk is not done: the next turn meets the batch that did not decode.
        if (this.options.eachBatchAutoResolve) payload.resolveOffset(messages[messages.length - 1].offset);
        continue;
      }
      if (this.options.eachBatchAutoResolve) {
        const alreadyResolved =
          resolved === null ? 0 : Math.min(messages.length, Number(resolved - firstOffset));
        if (alreadyResolved < messages.length) this.hooks.finished(messages.length - alreadyResolved);
        this.chunkDone(p, reader);
      } else if (p.chunks[0] === chunk) {
        // Unresolved messages are not committed, but delivery moves on (KafkaJS semantics). With
        // every message resolved, the commit also covers what follows them in the chunk (markers).
        p.shiftChunk();
        this.hooks.released(chunk.bytes);
        if (resolved !== null && resolved > BigInt(messages[messages.length - 1]!.offset))
          p.markFinished(chunk.nextOffset, leaderEpoch, 0);
      }
      if (++turns >= 1 && this.queue.length > 0) return;
    }
  }

  /** eachMessage through the samsa:consumer:process channel (subscribers' stores active while it runs). */
  private traceMessage(
    p: PartitionState,
    handler: EachMessageHandler<K, V>,
    payload: EachMessagePayload<K, V>,
  ): Promise<void> | void {
    const event: ProcessEvent = {
      client: this.diagnostics.client,
      groupId: this.diagnostics.groupId,
      mode: 'eachMessage',
      topic: p.topic,
      partition: p.partition,
      message: payload.message as ProcessEvent['message'],
      attempt: p.failures + 1,
    };
    return traceOperation(channels.process, event, () => handler(payload));
  }

  private traceBatch(
    p: PartitionState,
    handler: EachBatchHandler<K, V>,
    payload: EachBatchPayload<K, V>,
  ): Promise<void> | void {
    const event: ProcessEvent = {
      client: this.diagnostics.client,
      groupId: this.diagnostics.groupId,
      mode: 'eachBatch',
      topic: p.topic,
      partition: p.partition,
      batch: payload.batch as ProcessEvent['batch'],
      attempt: p.failures + 1,
    };
    return traceOperation(channels.process, event, () => handler(payload));
  }

  /**
   * KafkaJS's START_BATCH_PROCESS for eachMessage: delivery of a fetched chunk begins. Its messages are
   * decoded as they are delivered, so `batchSize` counts the offsets the chunk covers.
   */
  private batchProcessStarted(p: PartitionState, reader: ChunkReader): void {
    const events = this.diagnostics.events;
    if (
      !events.listening(ConsumerEvents.START_BATCH_PROCESS) &&
      !events.listening(ConsumerEvents.END_BATCH_PROCESS)
    )
      return;
    reader.processStartedAt = Date.now();
    events.emit(ConsumerEvents.START_BATCH_PROCESS, chunkProcessPayload(p, reader));
  }

  private batchProcessEnded(p: PartitionState, reader: ChunkReader): void {
    const events = this.diagnostics.events;
    if (!events.listening(ConsumerEvents.END_BATCH_PROCESS)) return;
    events.emit(ConsumerEvents.END_BATCH_PROCESS, {
      ...chunkProcessPayload(p, reader),
      duration: Date.now() - reader.processStartedAt,
    });
  }

  /** A handler threw for `offset`: redeliver from there after a back-off, leaving the rest alone. */
  private failed(p: PartitionState, epoch: number, err: unknown, offset: bigint): void {
    const redelivered = p.fetchEpoch === epoch && !p.revoked;
    if (redelivered) {
      p.failures++;
      p.seek(offset);
      p.retryAt = Date.now() + this.options.redeliveryDelayMs(p.failures);
    }
    this.hooks.handlerFailed(err, p, offset, redelivered);
    if (redelivered) this.hooks.bufferDropped();
  }

  private toMessage(p: PartitionState, r: KafkaRecord, leaderEpoch: number): KafkaMessage<K, V> {
    const headers = r.headers.length === 0 ? {} : toHeaders(r.headers);
    const { keyDeserializer, valueDeserializer } = this.options;
    let key: K;
    let value: V;
    if (keyDeserializer === null && valueDeserializer === null) {
      key = r.key as K;
      value = r.value as V;
    } else {
      const context = { topic: p.topic, partition: p.partition, headers };
      key = keyDeserializer ? keyDeserializer(r.key, context) : (r.key as K);
      value = valueDeserializer ? valueDeserializer(r.value, context) : (r.value as V);
    }
    // Number→string is ~4x cheaper than bigint→string while offsets fit an int32; timestamps are
    // 13-digit doubles (slow to print) that repeat within a batch, so the last one is cached.
    const offset = r.offset < INT32_LIMIT ? String(Number(r.offset)) : r.offset.toString();
    if (r.timestamp !== this.lastTimestamp) {
      this.lastTimestamp = r.timestamp;
      this.lastTimestampString = String(r.timestamp);
    }
    return {
      topic: p.topic,
      partition: p.partition,
      key,
      value,
      headers,
      offset,
      timestamp: this.lastTimestampString,
      attributes: r.attributes,
      leaderEpoch,
    };
  }
}

const INT32_LIMIT = 2n ** 31n;

/** KafkaJS's batch-process payload for an eachBatch batch. */
function batchProcessPayload(batch: Batch<unknown, unknown>): Record<string, unknown> {
  return {
    topic: batch.topic,
    partition: batch.partition,
    highWatermark: batch.highWatermark,
    offsetLag: batch.offsetLag(),
    offsetLagLow: batch.offsetLagLow(),
    batchSize: batch.messages.length,
    firstOffset: batch.firstOffset(),
    lastOffset: batch.lastOffset(),
  };
}

/** KafkaJS's batch-process payload for a fetched chunk delivered message by message. */
function chunkProcessPayload(p: PartitionState, reader: ChunkReader): Record<string, unknown> {
  const { fetchOffset, nextOffset, highWatermark } = reader.chunk;
  const lag = (from: bigint) => (highWatermark - from - 1n > 0n ? highWatermark - from - 1n : 0n).toString();
  return {
    topic: p.topic,
    partition: p.partition,
    highWatermark: highWatermark.toString(),
    offsetLag: lag(nextOffset - 1n),
    offsetLagLow: lag(fetchOffset),
    batchSize: Number(nextOffset - fetchOffset),
    firstOffset: fetchOffset.toString(),
    lastOffset: (nextOffset - 1n).toString(),
  };
}

function toHeaders(list: readonly { key: string; value: Buffer | null }[]): MessageHeaders {
  const out: MessageHeaders = {};
  for (const { key, value } of list) {
    const existing = out[key];
    if (existing === undefined) out[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else out[key] = [existing, value];
  }
  return out;
}

function makeBatch<K, V>(
  topic: string,
  partition: number,
  highWatermark: bigint,
  nextOffset: bigint,
  messages: KafkaMessage<K, V>[],
): Batch<K, V> {
  const hw = highWatermark.toString();
  const last = () =>
    messages.length > 0 ? messages[messages.length - 1].offset : String(highWatermark - 1n);
  const lag = (from: string) => {
    const n = highWatermark - BigInt(from) - 1n;
    return (n < 0n ? 0n : n).toString();
  };
  return {
    topic,
    partition,
    highWatermark: hw,
    messages,
    isEmpty: () => messages.length === 0,
    firstOffset: () => (messages.length > 0 ? messages[0].offset : null),
    lastOffset: last,
    offsetLag: () => lag(last()),
    offsetLagLow: () => (messages.length > 0 ? lag(messages[0].offset) : '0'),
    nextOffset: () => nextOffset.toString(),
  };
}
