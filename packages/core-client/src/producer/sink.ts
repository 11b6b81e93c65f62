/**
 * A sink: the Produce requests to one broker (franz-go's sink). It holds the partition buffers
 * whose leader that broker is; a buffer moves to another sink when its leader does, and batches in
 * flight finish against the old leader first.
 *
 * Draining takes one batch from every sendable partition of the broker into one Produce request
 * (Java's drain), ready ones first, up to `maxRequestSize`, with at most
 * `maxInFlightRequestsPerConnection` requests in flight. Open batches that are not ready ride along
 * in a request's spare room but never get a request of their own. What the broker answers is
 * handled in produce-response.ts.
 */
import {
  ApiKey,
  CompressionType,
  type ProduceRequest,
  type ProduceResponse,
} from '@samsa/protocol/on-demand';
import type { Cluster } from '../cluster/cluster.js';
import type { ResolvedProducerConfig } from '../config/producer-options.js';
import { type ClientInfo, channels, type ProduceEvent } from '../diagnostics/channels.js';
import type { ProducerMetricsRecorder } from '../diagnostics/metrics/producer-metrics.js';
import { settled, started } from '../diagnostics/trace.js';
import { UnsupportedApiVersionError } from '../errors.js';
import type { ProducerBatchState } from './batch.js';
import type { Idempotence } from './idempotence.js';
import type { PartitionBuffer } from './partition-buffer.js';
import type { ProduceResponseHandler } from './produce-response.js';

/** RecordBatch v2 needs Produce v3+. */
const MIN_PRODUCE_VERSION = 3;

/** What a sink needs of the accumulator around it. */
export interface SinkContext {
  readonly config: ResolvedProducerConfig;
  /** Batches a partition may have in flight. */
  readonly maxPerPartition: number;
  readonly cluster: Pick<Cluster, 'connectionFor'>;
  readonly idempotence: Idempotence;
  readonly responses: ProduceResponseHandler;
  readonly metrics: ProducerMetricsRecorder;
  /** Who sends (diagnostics events). */
  readonly client: ClientInfo;
  /** The drain takes a partition's open batch. */
  closeForSend(pb: PartitionBuffer): void;
  /** A batch going out may hold more than it reserved: account for it. */
  settleReservation(b: ProducerBatchState): void;
  /** A request finished: send what may go now. */
  drainAll(): void;
}

export class Sink {
  readonly partitions: PartitionBuffer[] = [];
  /** Produce requests in flight. */
  inFlight = 0;
  private rotate = 0;

  constructor(
    readonly nodeId: number,
    private readonly ctx: SinkContext,
  ) {}

  add(pb: PartitionBuffer): void {
    this.partitions.push(pb);
  }

  remove(pb: PartitionBuffer): void {
    const i = this.partitions.indexOf(pb);
    if (i >= 0) this.partitions.splice(i, 1);
  }

  /** Earliest time a partition here becomes sendable, or 0 if one is sendable now; Infinity if none. */
  readyAt(now: number, forceAll: boolean, lingerMs: number): number {
    let earliest = Number.POSITIVE_INFINITY;
    const maxPerPartition = this.ctx.maxPerPartition;
    const generation = this.ctx.idempotence.generation;
    for (const pb of this.partitions) {
      if (pb.retryAt > now) {
        if (!pb.isEmpty && pb.inFlight === 0) earliest = Math.min(earliest, pb.retryAt);
        continue;
      }
      const next = pb.nextBatch(maxPerPartition, this, generation);
      if (next === null) continue;
      if (next !== pb.open) return 0;
      const at = forceAll || next.size >= this.ctx.config.batchSize ? 0 : next.createdMs + lingerMs;
      if (at <= now) return 0;
      earliest = Math.min(earliest, at);
    }
    return earliest;
  }

  /**
   * Sends as many requests as the in-flight limit allows. A request goes only if it carries a ready
   * batch (closed, full, past `lingerMs`, or everything when forced); open batches that are not ready
   * ride along in its spare room (as Java's drain does) but never cost a request of their own, which
   * would spend an in-flight slot and a round trip on a few records.
   */
  drain(now: number, forceAll: boolean): void {
    const ctx = this.ctx;
    const max = ctx.config.maxInFlightRequestsPerConnection;
    const maxRequestSize = ctx.config.maxRequestSize;
    const batchSize = ctx.config.batchSize;
    const lingerMs = ctx.config.lingerMs;
    const maxPerPartition = ctx.maxPerPartition;
    const generation = ctx.idempotence.generation;
    const chosen: PartitionBuffer[] = [];
    const batches: ProducerBatchState[] = [];
    while (this.inFlight < max) {
      let size = 0;
      let acks: number | undefined;
      const n = this.partitions.length;
      const start = n > 0 ? this.rotate++ % n : 0;
      // Ready batches first, then not-ready open batches where there is room.
      for (let pass = 0; pass < 2; pass++) {
        if (pass === 1 && batches.length === 0) break;
        for (let k = 0; k < n; k++) {
          const pb = this.partitions[(start + k) % n];
          if (pb.retryAt > now) continue;
          const batch = pb.nextBatch(maxPerPartition, this, generation);
          if (!batch) continue;
          const ready =
            batch !== pb.open || forceAll || batch.size >= batchSize || batch.createdMs + lingerMs <= now;
          if (ready !== (pass === 0)) continue;
          if (acks !== undefined && batch.acks !== acks) continue;
          const estimate = batch.size;
          if (batches.length > 0 && size + estimate > maxRequestSize) continue;
          acks = batch.acks;
          size += estimate;
          batches.push(batch);
          chosen.push(pb);
        }
      }
      if (batches.length === 0) return;
      for (let i = 0; i < batches.length; i++) {
        const pb = chosen[i];
        const batch = batches[i];
        if (batch === pb.open) ctx.closeForSend(pb);
        ctx.settleReservation(batch);
        if (pb.inFlight === 0) pb.retrying = false;
        pb.inFlight++;
        pb.inFlightSink = this;
        batch.inFlight = true;
        ctx.idempotence.assignSequence(pb, batch);
      }
      this.inFlight++;
      this.send(batches.splice(0), acks!);
      chosen.length = 0;
    }
  }

  /** Sends one Produce request with `batches` (one per partition) and hands its outcome on. */
  async send(batches: ProducerBatchState[], acks: number): Promise<void> {
    let requestError: Error | null = null;
    let response: ProduceResponse | null = null;
    let broker = `node ${this.nodeId}`;
    let trace: ProduceEvent | null = null;
    try {
      // Build (header, CRC, compression) once; a retry resends the same bytes (and sequence numbers).
      // Compression of big batches may run on the threadpool.
      let pending: Promise<unknown>[] | null = null;
      for (const b of batches) {
        if (b.bytes) continue;
        b.builder.setProducerState(b.producerId, b.producerEpoch, b.baseSequence);
        if (b.compression === CompressionType.None) {
          b.bytes = b.builder.build();
        } else {
          pending ??= [];
          pending.push(
            b.builder.buildAsync().then((bytes) => {
              b.bytes = bytes;
            }),
          );
        }
      }
      if (pending) await Promise.all(pending);
      this.ctx.metrics.requestSent(batches, Date.now());
      if (channels.produce.hasSubscribers) trace = produceEvent(this.ctx.client, this.nodeId, acks, batches);
      const conn = await this.ctx.cluster.connectionFor(this.nodeId, 'produce');
      broker = conn.config.label;
      const version = conn.versionFor(ApiKey.Produce);
      if (version < MIN_PRODUCE_VERSION) {
        throw new UnsupportedApiVersionError(
          'Produce',
          ApiKey.Produce,
          conn.config.label,
          `up to v${version}`,
          `v${MIN_PRODUCE_VERSION}+ (RecordBatch v2)`,
        );
      }
      const body = buildProduceRequest(batches, acks, batches[0].timeoutMs, this.ctx.config.transactionalId);
      if (acks === 0) {
        await conn.send(ApiKey.Produce, version, body);
      } else {
        response = await conn.request(ApiKey.Produce, version, body, {
          timeoutMs: batches[0].timeoutMs + 5_000,
        });
      }
    } catch (err) {
      requestError = err as Error;
    }
    this.inFlight--;
    const now = Date.now();
    const responses = this.ctx.responses;
    if (requestError) responses.requestFailed(batches, requestError, now);
    else if (response === null) responses.written(batches);
    else responses.handle(batches, response, broker, now);
    if (trace !== null) {
      for (let i = 0; i < batches.length; i++) {
        const b = batches[i];
        trace.batches[i].baseOffset = b.done && b.baseOffset >= 0n ? String(b.baseOffset) : null;
      }
      settled(channels.produce, trace, requestError ?? undefined);
    }
    this.ctx.drainAll();
  }
}

/** The samsa:producer:produce event of a request about to go out (built only with subscribers). */
function produceEvent(
  client: ClientInfo,
  nodeId: number,
  acks: number,
  batches: readonly ProducerBatchState[],
): ProduceEvent {
  let records = 0;
  let bytes = 0;
  const list = batches.map((b) => {
    records += b.count;
    bytes += b.bytes?.length ?? b.size;
    return {
      topic: b.topic,
      partition: b.partition,
      records: b.count,
      bytes: b.bytes?.length ?? b.size,
      attempt: b.attempts + 1,
      baseOffset: null,
    };
  });
  const event: ProduceEvent = { client, nodeId, acks, batches: list, records, bytes };
  started(channels.produce, event);
  return event;
}

/** The Produce request for `batches` (at most one per partition), grouped by topic in order. */
function buildProduceRequest(
  batches: ProducerBatchState[],
  acks: number,
  timeoutMs: number,
  transactionalId: string | null,
): ProduceRequest {
  const topicData: ProduceRequest['topicData'] = [];
  let last: ProduceRequest['topicData'][number] | null = null;
  const byName = batches.length > 8 ? new Map<string, ProduceRequest['topicData'][number]>() : null;
  for (const b of batches) {
    let t: ProduceRequest['topicData'][number] | undefined =
      last !== null && last.name === b.topic
        ? last
        : (byName?.get(b.topic) ?? topicData.find((x) => x.name === b.topic));
    if (!t) {
      t = { name: b.topic, partitionData: [] };
      topicData.push(t);
      byName?.set(b.topic, t);
    }
    last = t;
    t.partitionData.push({ index: b.partition, records: b.bytes });
  }
  return { transactionalId, acks, timeoutMs, topicData };
}
