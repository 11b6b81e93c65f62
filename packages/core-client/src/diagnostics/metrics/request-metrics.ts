/**
 * Request statistics of one client (one Cluster), for `metrics()`: per broker (Java's node metrics:
 * request rate and latency, bytes in and out, requests in flight) and per API, plus KafkaJS's network
 * events (REQUEST, REQUEST_TIMEOUT, REQUEST_QUEUE_SIZE) for the client's listeners. Connections report
 * every request here; counting costs a few additions and one histogram record per request.
 */
import { apiInfo } from '@samsa/protocol/on-demand';
import type { BrokerAddress, ClientInfo } from '../channels.js';
import type { InstrumentationEmitter, NetworkEventNames } from '../instrumentation-emitter.js';
import { Distribution } from './latency.js';
import { Meter } from './meter.js';

/** What a connection tells about one request (its pending entry). */
export interface RequestRecord {
  apiKey: number;
  version: number;
  correlationId: number;
  /** performance.now() when written. */
  startedAt: number;
  /** Date.now() when written (KafkaJS's createdAt / sentAt). */
  createdAt: number;
  requestBytes: number;
}

class RequestCounters {
  readonly requests = new Meter(performance.now());
  readonly errors = new Meter(performance.now());
  /** Milliseconds, kept to the microsecond. */
  readonly latency = new Distribution(1000, performance.now());
}

/** One broker's requests, shared by the client's connections to it (one per purpose). */
export class BrokerRequestStats extends RequestCounters {
  readonly bytesOut = new Meter(performance.now());
  readonly bytesIn = new Meter(performance.now());
  inFlight = 0;

  constructor(
    readonly owner: RequestMetrics,
    readonly address: BrokerAddress,
  ) {
    super();
  }

  /** A request was written; `queued` is how many its connection now waits for. */
  sent(r: RequestRecord, queued: number): void {
    this.inFlight++;
    this.bytesOut.add(r.requestBytes);
    this.owner.queueSize(this.address, queued);
  }

  /** A request was answered (`responseBytes` > 0), written without a response expected, or failed. */
  settled(r: RequestRecord, now: number, responseBytes: number, failed: boolean): void {
    this.inFlight--;
    const ms = now - r.startedAt;
    this.requests.add(1);
    this.requests.sample(now);
    this.latency.record(ms, now);
    this.bytesIn.add(responseBytes);
    const api = this.owner.api(r.apiKey);
    api.requests.add(1);
    api.latency.record(ms, now);
    if (failed) {
      this.errors.add(1);
      api.errors.add(1);
    } else this.owner.requestEvent(this.address, r, ms, responseBytes);
  }

  timedOut(r: RequestRecord): void {
    this.owner.timeoutEvent(this.address, r);
  }
}

export interface BrokerRequestMetrics {
  nodeId: number;
  host: string;
  port: number;
  requestTotal: number;
  requestRate: number;
  requestErrorTotal: number;
  /** Milliseconds, over the last 30 to 60 s; null when none. */
  requestLatencyAvg: number | null;
  requestLatencyMax: number | null;
  requestLatencyP99: number | null;
  requestsInFlight: number;
  outgoingByteTotal: number;
  outgoingByteRate: number;
  incomingByteTotal: number;
  incomingByteRate: number;
}

export interface ApiRequestMetrics {
  apiKey: number;
  apiName: string;
  requestTotal: number;
  requestErrorTotal: number;
  requestLatencyAvg: number | null;
  requestLatencyMax: number | null;
  requestLatencyP99: number | null;
}

/** Every client's request metrics (Java's common client and node metrics). */
export interface RequestMetricsSnapshot {
  requestTotal: number;
  /** Requests per second over the last ~30 s. */
  requestRate: number;
  requestErrorTotal: number;
  requestLatencyAvg: number | null;
  requestLatencyMax: number | null;
  requestLatencyP99: number | null;
  requestsInFlight: number;
  outgoingByteTotal: number;
  outgoingByteRate: number;
  incomingByteTotal: number;
  incomingByteRate: number;
  brokers: BrokerRequestMetrics[];
  apis: ApiRequestMetrics[];
}

export class RequestMetrics {
  /** KafkaJS network events go to these listeners (set by the client owning the cluster). */
  private events: { emitter: InstrumentationEmitter; names: NetworkEventNames } | null = null;
  private readonly brokers = new Map<number, BrokerRequestStats>();
  private readonly apis = new Map<number, RequestCounters>();

  constructor(
    /** Reported with every request event; the consumer adds its group once it knows it. */
    public client: ClientInfo,
  ) {}

  /** The stats of broker `nodeId` (created on first use; an address change replaces them). */
  broker(nodeId: number, host: string, port: number): BrokerRequestStats {
    let stats = this.brokers.get(nodeId);
    if (!stats || stats.address.host !== host || stats.address.port !== port) {
      stats = new BrokerRequestStats(this, { nodeId, host, port });
      this.brokers.set(nodeId, stats);
    }
    return stats;
  }

  api(apiKey: number): RequestCounters {
    let stats = this.apis.get(apiKey);
    if (!stats) {
      stats = new RequestCounters();
      this.apis.set(apiKey, stats);
    }
    return stats;
  }

  /** Emits KafkaJS's network events to `emitter` under `names` (the client's prefix). */
  emitTo(emitter: InstrumentationEmitter, names: NetworkEventNames): void {
    this.events = { emitter, names };
  }

  /** Latency (ms) of answered requests of one API over the recent window. */
  apiLatency(apiKey: number, now: number = performance.now()) {
    return this.apis.get(apiKey)?.latency.snapshot(now) ?? null;
  }

  queueSize(address: BrokerAddress, queueSize: number): void {
    const e = this.events;
    if (e === null || !e.emitter.listening(e.names.REQUEST_QUEUE_SIZE)) return;
    e.emitter.emit(e.names.REQUEST_QUEUE_SIZE, {
      broker: `${address.host}:${address.port}`,
      clientId: this.client.clientId,
      queueSize,
    });
  }

  requestEvent(address: BrokerAddress, r: RequestRecord, ms: number, size: number): void {
    const e = this.events;
    if (e === null || !e.emitter.listening(e.names.REQUEST)) return;
    e.emitter.emit(e.names.REQUEST, {
      broker: `${address.host}:${address.port}`,
      clientId: this.client.clientId,
      correlationId: r.correlationId,
      size,
      createdAt: r.createdAt,
      sentAt: r.createdAt,
      pendingDuration: 0,
      duration: Math.round(ms),
      apiName: apiName(r.apiKey),
      apiKey: r.apiKey,
      apiVersion: r.version,
    });
  }

  timeoutEvent(address: BrokerAddress, r: RequestRecord): void {
    const e = this.events;
    if (e === null || !e.emitter.listening(e.names.REQUEST_TIMEOUT)) return;
    e.emitter.emit(e.names.REQUEST_TIMEOUT, {
      broker: `${address.host}:${address.port}`,
      clientId: this.client.clientId,
      correlationId: r.correlationId,
      createdAt: r.createdAt,
      sentAt: r.createdAt,
      pendingDuration: 0,
      apiName: apiName(r.apiKey),
      apiKey: r.apiKey,
      apiVersion: r.version,
    });
  }

  snapshot(now: number = performance.now()): RequestMetricsSnapshot {
    const brokers: BrokerRequestMetrics[] = [];
    let requestTotal = 0;
    let requestRate = 0;
    let requestErrorTotal = 0;
    let requestsInFlight = 0;
    let outgoingByteTotal = 0;
    let outgoingByteRate = 0;
    let incomingByteTotal = 0;
    let incomingByteRate = 0;
    for (const b of this.brokers.values()) {
      const latency = b.latency.snapshot(now);
      const m: BrokerRequestMetrics = {
        ...b.address,
        requestTotal: b.requests.total,
        requestRate: b.requests.rate(now),
        requestErrorTotal: b.errors.total,
        requestLatencyAvg: latency.avg,
        requestLatencyMax: latency.max,
        requestLatencyP99: latency.p99,
        requestsInFlight: b.inFlight,
        outgoingByteTotal: b.bytesOut.total,
        outgoingByteRate: b.bytesOut.rate(now),
        incomingByteTotal: b.bytesIn.total,
        incomingByteRate: b.bytesIn.rate(now),
      };
      brokers.push(m);
      requestTotal += m.requestTotal;
      requestRate += m.requestRate;
      requestErrorTotal += m.requestErrorTotal;
      requestsInFlight += m.requestsInFlight;
      outgoingByteTotal += m.outgoingByteTotal;
      outgoingByteRate += m.outgoingByteRate;
      incomingByteTotal += m.incomingByteTotal;
      incomingByteRate += m.incomingByteRate;
    }
    const all = Distribution.merged(
      [...this.brokers.values()].map((b) => b.latency),
      now,
    );
    const apis: ApiRequestMetrics[] = [];
    for (const [apiKey, a] of this.apis) {
      const latency = a.latency.snapshot(now);
      apis.push({
        apiKey,
        apiName: apiName(apiKey),
        requestTotal: a.requests.total,
        requestErrorTotal: a.errors.total,
        requestLatencyAvg: latency.avg,
        requestLatencyMax: latency.max,
        requestLatencyP99: latency.p99,
      });
    }
    return {
      requestTotal,
      requestRate,
      requestErrorTotal,
      requestLatencyAvg: all.avg,
      requestLatencyMax: all.max,
      requestLatencyP99: all.p99,
      requestsInFlight,
      outgoingByteTotal,
      outgoingByteRate,
      incomingByteTotal,
      incomingByteRate,
      brokers,
      apis,
    };
  }
}

function apiName(apiKey: number): string {
  return apiInfo.get(apiKey)?.name ?? `API ${apiKey}`;
}
