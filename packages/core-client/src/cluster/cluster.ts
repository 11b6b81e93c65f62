/**
 * Cluster: the connections and cluster knowledge every client (producer, consumer, admin) is built on.
 *
 * INTERNAL CONTRACT (the consumer codes against it; keep it stable, note any change here):
 * - `connect()` bootstraps (connect, ApiVersions, first Metadata); `disconnect()` closes everything.
 * - `request(nodeId | 'any', apiKey, build, { purpose, timeoutMs, signal })` sends one request over the
 *   connection for `purpose` to that broker, at the highest version both sides support, with the body
 *   `build(version)` returns. It resolves with `{ version, response }` without interpreting per-partition
 *   error codes, and rejects with typed errors (ConnectionError, RequestTimeoutError, RequestAbortedError,
 *   UnsupportedApiVersionError, BrokerNotFoundError). It does not retry; `withRetry` (src/retry.ts) does.
 * - `send(nodeId, apiKey, build, options)`: a request with no response (Produce acks=0), resolves once written.
 * - `metadata`: the MetadataCache (topics, partitions, leaders, epochs, topic ids, brokers).
 * - `findCoordinator(key, type)` → node id (cached, retried); `invalidateCoordinator(key, type)`.
 * - `apiVersion(nodeId, apiKey)` → negotiated version, or undefined before the first connection to that node.
 * Additions since the first version of this contract (non-breaking):
 * - `capApiVersion(nodeId, apiKey, max)`: ceiling for a broker that mis-implements a version it advertises.
 * - `connectionFor(nodeId | 'any', purpose, signal)` / `readyConnection(nodeId, purpose)`: the raw Connection.
 * - `brokerIds()`; `listOffsets()` in src/cluster/list-offsets.ts (handles the librdkafka-mock ListOffsets quirk).
 * - `requestMetrics`: every request's counts and latencies, per broker and API (the client's `metrics()`).
 */
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import type { RequestBodies, ResponseBodies } from '@samsa/protocol/on-demand';
import { ApiKey, apiInfo } from '@samsa/protocol/on-demand';
import { raceAbort } from '../abort.js';
import {
  type KafkaConfig,
  parseBrokerAddress,
  type ResolvedClientConfig,
  type RetryOptions,
  resolveClientConfig,
  type SaslOptions,
} from '../config/client-options.js';
import type { ClientInfo } from '../diagnostics/channels.js';
import { RequestMetrics } from '../diagnostics/metrics/request-metrics.js';
import {
  BrokerNotFoundError,
  ConnectionError,
  createKafkaError,
  ErrorCode,
  KafkaProtocolError,
  NotConnectedError,
  RequestAbortedError,
} from '../errors.js';
import type { Logger } from '../logger.js';
import type { VersionRange } from '../network/api-versions.js';
import { Connection } from '../network/connection.js';
import { backoffMs, sleep, withRetry } from '../retry.js';
import { type BrokerInfo, MetadataCache } from './metadata.js';

export type ConnectionPurpose = 'produce' | 'fetch' | 'group' | 'admin' | 'metadata';

export interface RequestOptions {
  /** Which connection to the broker carries the request. Default `admin`. */
  purpose?: ConnectionPurpose;
  /** Overrides `requestTimeoutMs` for this request (e.g. a long-poll Fetch adds its max wait). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** A Fetch whose record batch CRCs are checked as its answer arrives (see ConnectionRequestOptions). */
  scanBatchCrcs?: boolean;
  /**
   * Highest version to use, where later versions change who may send the request (AddPartitionsToTxn
   * v4+ is the brokers' batched form; clients send v3 and below).
   */
  maxVersion?: number;
}

export interface ClusterOptions {
  brokers: KafkaConfig['brokers'];
  clientId?: string;
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  retry?: RetryOptions;
  logger?: Logger;
  ssl?: boolean | TlsConnectionOptions;
  sasl?: SaslOptions;
  reauthenticationThreshold?: number;
  reconnectBackoffMs?: number;
  reconnectBackoffMaxMs?: number;
  metadataMaxAgeMs?: number;
  maxResponseBytes?: number;
  tuneMalloc?: boolean;
  /** Let Metadata requests auto-create topics where the broker allows it. Default true (KafkaJS). */
  allowAutoTopicCreation?: boolean;
}

type CoordinatorType = 'group' | 'transaction';

/** FindCoordinator's KeyType for each kind of coordinator. */
const COORDINATOR_KEY_TYPE: Record<CoordinatorType, number> = { group: 0, transaction: 1 };

interface NodeState {
  info: BrokerInfo;
  /** Consecutive connection failures, for the reconnect back-off. */
  failures: number;
  nextAttemptAt: number;
  versions: Map<number, VersionRange> | null;
}

export class Cluster {
  readonly config: ResolvedClientConfig;
  readonly logger: Logger;
  readonly metadata: MetadataCache;
  /** Every request's counts and latencies; its `client` names the owner in diagnostics events. */
  readonly requestMetrics: RequestMetrics;
  private readonly nodes = new Map<number, NodeState>();
  private readonly connections = new Map<string, Connection>();
  private readonly connecting = new Map<string, Promise<Connection>>();
  private readonly coordinators = new Map<string, number>();
  private readonly coordinatorLookups = new Map<string, Promise<number>>();
  private bootstrapIds: number[] = [];
  /** Per-node version ceilings for broker quirks, `${nodeId}:${apiKey}` → max. */
  private readonly versionCaps = new Map<string, number>();
  /** ApiVersions by `host:port`, so a seed's answer serves the node it turns out to be. */
  private readonly versionsByAddress = new Map<string, Map<number, VersionRange>>();
  private connected = false;
  private connectPromise: Promise<void> | null = null;
  private refreshTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    options: ClusterOptions | ResolvedClientConfig,
    extra: { allowAutoTopicCreation?: boolean; client?: ClientInfo } = {},
  ) {
    const { allowAutoTopicCreation, ...rest } = options as ClusterOptions;
    this.config =
      (options as ResolvedClientConfig).resolved === true
        ? (options as ResolvedClientConfig)
        : resolveClientConfig(rest as KafkaConfig);
    this.logger = this.config.logger.namespace('cluster');
    this.requestMetrics = new RequestMetrics(
      extra.client ?? { type: 'admin', clientId: this.config.clientId },
    );
    this.metadata = new MetadataCache(
      (topics, auto) => this.fetchMetadata(topics, auto),
      this.logger,
      this.config.metadataMaxAgeMs,
      extra.allowAutoTopicCreation ?? allowAutoTopicCreation ?? true,
    );
  }

  get isConnected(): boolean {
    return this.connected;
  }

  /** Bootstrap: resolve the seed list, connect to one seed (ApiVersions), fetch metadata. */
  connect(): Promise<void> {
    if (this.connected) return Promise.resolve();
    if (!this.connectPromise) {
      this.closed = false;
      this.connectPromise = this.doConnect().finally(() => {
        this.connectPromise = null;
      });
    }
    return this.connectPromise;
  }

  private async doConnect(): Promise<void> {
    const seeds = await this.config.brokers();
    this.bootstrapIds = [];
    seeds.forEach((address, i) => {
      const { host, port } = parseBrokerAddress('brokers', address);
      const nodeId = -1 - i;
      this.nodes.set(nodeId, {
        info: { nodeId, host, port, rack: null },
        failures: 0,
        nextAttemptAt: 0,
        versions: null,
      });
      this.bootstrapIds.push(nodeId);
    });
    await withRetry(this.config.retry, () => this.metadata.refresh(), { what: 'Connecting to the cluster' });
    this.connected = true;
    this.scheduleRefresh();
  }

  private scheduleRefresh(): void {
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    this.refreshTimer = setInterval(() => {
      this.metadata
        .refresh()
        .catch((err) => this.logger.warn('periodic metadata refresh failed', { error: err.message }));
    }, this.config.metadataMaxAgeMs);
    this.refreshTimer.unref();
  }

  async disconnect(): Promise<void> {
    this.closed = true;
    this.connected = false;
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    this.refreshTimer = null;
    for (const conn of this.connections.values())
      conn.close(new NotConnectedError('the client was disconnected'));
    this.connections.clear();
    this.connecting.clear();
    this.coordinators.clear();
  }

  /** Node ids of the brokers in the latest metadata. */
  brokerIds(): number[] {
    return [...this.metadata.brokers.keys()];
  }

  apiVersion(nodeId: number, apiKey: number): number | undefined {
    const node =
      this.nodes.get(nodeId) ??
      (this.metadata.broker(nodeId) ? { info: this.metadata.broker(nodeId)! } : undefined);
    const versions =
      (node as NodeState | undefined)?.versions ??
      (node ? this.versionsByAddress.get(`${node.info.host}:${node.info.port}`) : undefined);
    const broker = versions?.get(apiKey);
    const codec = apiInfo.get(apiKey);
    if (!broker || !codec) return undefined;
    const v = Math.min(
      broker.max,
      codec.request.maxVersion,
      this.versionCaps.get(`${nodeId}:${apiKey}`) ?? 999,
    );
    return v >= Math.max(broker.min, codec.request.minVersion) ? v : undefined;
  }

  /**
   * Never use a version of `apiKey` above `maxVersion` with this broker (for brokers that advertise
   * a version they do not implement correctly). Applies to requests built after the call.
   */
  capApiVersion(nodeId: number, apiKey: number, maxVersion: number): void {
    this.versionCaps.set(`${nodeId}:${apiKey}`, maxVersion);
  }

  private negotiate(conn: Connection, nodeId: number | 'any', apiKey: number): number {
    const version = conn.versionFor(apiKey);
    if (nodeId === 'any') return version;
    const cap = this.versionCaps.get(`${nodeId}:${apiKey}`);
    return cap !== undefined && cap < version ? cap : version;
  }

  async request<K extends keyof RequestBodies>(
    nodeId: number | 'any',
    apiKey: K,
    build: (version: number) => RequestBodies[K],
    options: RequestOptions = {},
  ): Promise<{ version: number; response: ResponseBodies[K] }> {
    const conn = await this.connectionFor(nodeId, options.purpose ?? 'admin', options.signal);
    let version = this.negotiate(conn, nodeId, apiKey);
    if (options.maxVersion !== undefined && version > options.maxVersion) version = options.maxVersion;
    const response = await conn.request(apiKey, version, build(version), options);
    return { version, response };
  }

  async send<K extends keyof RequestBodies>(
    nodeId: number,
    apiKey: K,
    build: (version: number) => RequestBodies[K],
    options: RequestOptions = {},
  ): Promise<{ version: number }> {
    const conn = await this.connectionFor(nodeId, options.purpose ?? 'produce', options.signal);
    const version = this.negotiate(conn, nodeId, apiKey);
    await conn.send(apiKey, version, build(version));
    return { version };
  }

  /**
   * A ready connection to `nodeId` for `purpose`, opened if needed. Honors the reconnect back-off
   * of a node that failed recently. With 'any', tries live brokers (then seeds) until one connects.
   */
  async connectionFor(
    nodeId: number | 'any',
    purpose: ConnectionPurpose,
    signal?: AbortSignal,
  ): Promise<Connection> {
    if (this.closed) throw new NotConnectedError('The client is disconnected; call connect() first');
    if (nodeId === 'any') return this.anyConnection(purpose, signal);
    const key = `${nodeId}:${purpose}`;
    const existing = this.connections.get(key);
    if (existing?.isReady) return existing;
    const seed = this.adoptSeedConnection(nodeId, purpose, key);
    if (seed) return seed;
    const pending = this.connecting.get(key);
    if (pending) return raceAbort(pending, signal, 'connecting');
    const promise = this.openConnection(nodeId, purpose, key, signal);
    this.connecting.set(key, promise);
    promise.then(
      () => this.connecting.delete(key),
      () => this.connecting.delete(key),
    );
    return raceAbort(promise, signal, 'connecting');
  }

  /**
   * The bootstrap connection, when the node it reached is `nodeId` (same host and port): it becomes
   * that node's connection for `purpose` rather than stay open beside a second socket to the same broker.
   */
  private adoptSeedConnection(
    nodeId: number,
    purpose: ConnectionPurpose,
    key: string,
  ): Connection | undefined {
    const info = nodeId >= 0 ? this.metadata.broker(nodeId) : undefined;
    if (!info) return undefined;
    for (const seedId of this.bootstrapIds) {
      const seedKey = `${seedId}:${purpose}`;
      const conn = this.connections.get(seedKey);
      const seed = this.nodes.get(seedId)?.info;
      if (!conn?.isReady || seed?.host !== info.host || seed.port !== info.port) continue;
      this.connections.delete(seedKey);
      this.connections.set(key, conn);
      conn.onClose(() => {
        if (this.connections.get(key) === conn) this.connections.delete(key);
      });
      this.nodeState(nodeId).versions = conn.brokerVersions;
      return conn;
    }
    return undefined;
  }

  /** Current connection to a node for a purpose, if one is ready (no I/O). */
  readyConnection(nodeId: number, purpose: ConnectionPurpose): Connection | undefined {
    const c = this.connections.get(`${nodeId}:${purpose}`);
    return c?.isReady ? c : undefined;
  }

  private async openConnection(
    nodeId: number,
    purpose: ConnectionPurpose,
    key: string,
    signal?: AbortSignal,
  ): Promise<Connection> {
    const state = this.nodeState(nodeId);
    const wait = state.nextAttemptAt - Date.now();
    if (wait > 0) await sleep(wait, signal);
    const { host, port } = state.info;
    const conn = new Connection({
      host,
      port,
      clientId: this.config.clientId,
      ssl: this.config.ssl,
      sasl: this.config.sasl,
      reauthenticationThresholdMs: this.config.reauthenticationThresholdMs,
      connectionTimeoutMs: this.config.connectionTimeoutMs,
      authenticationTimeoutMs: this.config.authenticationTimeoutMs,
      socketFactory: this.config.socketFactory,
      requestTimeoutMs: this.config.requestTimeoutMs,
      maxResponseBytes: this.config.maxResponseBytes,
      tuneMalloc: this.config.tuneMalloc,
      logger: this.logger,
      label: `${nodeId < 0 ? 'seed' : 'node'} ${nodeId < 0 ? -nodeId : nodeId} (${host}:${port}, ${purpose})`,
      purpose,
      stats: this.requestMetrics.broker(nodeId, host, port),
    });
    try {
      await conn.connect();
    } catch (err) {
      state.failures++;
      const reconnect = {
        ...this.config.retry,
        initialRetryTimeMs: this.config.reconnectBackoffMs,
        maxRetryTimeMs: this.config.reconnectBackoffMaxMs,
      };
      state.nextAttemptAt = Date.now() + backoffMs(reconnect, state.failures - 1);
      throw err;
    }
    if (this.closed) {
      conn.close(new NotConnectedError('the client was disconnected'));
      throw new NotConnectedError('The client was disconnected while connecting');
    }
    state.failures = 0;
    state.nextAttemptAt = 0;
    state.versions = conn.brokerVersions;
    this.versionsByAddress.set(`${host}:${port}`, conn.brokerVersions);
    this.connections.set(key, conn);
    conn.onClose(() => {
      if (this.connections.get(key) === conn) this.connections.delete(key);
    });
    return conn;
  }

  private nodeState(nodeId: number): NodeState {
    const info = this.metadata.broker(nodeId);
    let state = this.nodes.get(nodeId);
    if (info) {
      if (!state) {
        state = { info, failures: 0, nextAttemptAt: 0, versions: null };
        this.nodes.set(nodeId, state);
      } else if (state.info.host !== info.host || state.info.port !== info.port) {
        state.info = info;
        state.failures = 0;
        state.nextAttemptAt = 0;
      }
    }
    if (!state) throw new BrokerNotFoundError(nodeId);
    return state;
  }

  private async anyConnection(purpose: ConnectionPurpose, signal?: AbortSignal): Promise<Connection> {
    // Prefer a broker we already talk to, then known brokers, then the seeds.
    const known = shuffle([...this.metadata.brokers.keys()]);
    const candidates = [
      ...known.filter((id) => this.readyConnection(id, purpose)),
      ...known.filter((id) => !this.readyConnection(id, purpose)),
      ...shuffle([...this.bootstrapIds]),
    ];
    const ordered = [...new Set(candidates)].sort(
      (a, b) => (this.nodes.get(a)?.nextAttemptAt ?? 0) - (this.nodes.get(b)?.nextAttemptAt ?? 0),
    );
    let lastError: unknown = new NotConnectedError('No brokers known; check the `brokers` option');
    for (const id of ordered) {
      try {
        return await this.connectionFor(id, purpose, signal);
      } catch (err) {
        if (err instanceof RequestAbortedError) throw err;
        lastError = err;
      }
    }
    throw lastError;
  }

  private async fetchMetadata(topics: string[] | null, allowAutoTopicCreation: boolean) {
    const { response } = await this.request(
      'any',
      ApiKey.Metadata,
      (version) => ({
        // v0 has no "all topics" null: an empty list means all there.
        topics: topics === null ? (version === 0 ? [] : null) : topics.map((name) => ({ name })),
        allowAutoTopicCreation,
        includeClusterAuthorizedOperations: false,
        includeTopicAuthorizedOperations: false,
      }),
      { purpose: 'metadata' },
    );
    return response;
  }

  /** The node id of the coordinator for a group or transactional id; cached until invalidated. */
  findCoordinator(key: string, type: CoordinatorType, signal?: AbortSignal): Promise<number> {
    const cacheKey = `${type}:${key}`;
    const cached = this.coordinators.get(cacheKey);
    if (cached !== undefined) return Promise.resolve(cached);
    let lookup = this.coordinatorLookups.get(cacheKey);
    if (!lookup) {
      lookup = withRetry(this.config.retry, () => this.lookupCoordinator(key, type, signal), {
        signal,
        what: `Finding the ${type} coordinator for ${JSON.stringify(key)}`,
      }).finally(() => this.coordinatorLookups.delete(cacheKey));
      this.coordinatorLookups.set(cacheKey, lookup);
    }
    return lookup;
  }

  invalidateCoordinator(key: string, type: CoordinatorType): void {
    this.coordinators.delete(`${type}:${key}`);
  }

  private async lookupCoordinator(key: string, type: CoordinatorType, signal?: AbortSignal): Promise<number> {
    const keyType = COORDINATOR_KEY_TYPE[type];
    const { version, response } = await this.request(
      'any',
      ApiKey.FindCoordinator,
      (v) => (v >= 4 ? { keyType, coordinatorKeys: [key] } : { key, keyType }),
      // A lookup like Metadata, on its connection: a consumer opens no admin connection for it.
      { purpose: 'metadata', signal },
    );
    let errorCode: number;
    let errorMessage: string | null | undefined;
    let info: BrokerInfo;
    if (version >= 4) {
      const c = response.coordinators?.find((x) => x.key === key) ?? response.coordinators?.[0];
      if (!c) throw new ConnectionError('FindCoordinator', 'response listed no coordinator');
      errorCode = c.errorCode;
      errorMessage = c.errorMessage;
      info = { nodeId: c.nodeId, host: c.host, port: c.port, rack: null };
    } else {
      errorCode = response.errorCode ?? 0;
      errorMessage = response.errorMessage;
      info = {
        nodeId: response.nodeId ?? -1,
        host: response.host ?? '',
        port: response.port ?? 0,
        rack: null,
      };
    }
    if (errorCode !== ErrorCode.NONE) {
      throw createKafkaError(errorCode, {
        apiName: 'FindCoordinator',
        ...(type === 'group' ? { groupId: key } : { transactionalId: key }),
        serverMessage: errorMessage ?? null,
      });
    }
    this.metadata.addBroker(info);
    this.coordinators.set(`${type}:${key}`, info.nodeId);
    return info.nodeId;
  }
}

/** True for errors after which the coordinator should be looked up again. */
export function isCoordinatorError(err: unknown): boolean {
  if (!(err instanceof KafkaProtocolError)) return err instanceof ConnectionError;
  return (
    err.errorCode === ErrorCode.NOT_COORDINATOR ||
    err.errorCode === ErrorCode.COORDINATOR_NOT_AVAILABLE ||
    err.errorCode === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS
  );
}

function shuffle<T>(a: T[]): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

export type { BrokerInfo, MetadataChange, PartitionMetadata, TopicMetadata } from './metadata.js';
export { MetadataCache } from './metadata.js';
export { createKafkaError, KafkaProtocolError };
