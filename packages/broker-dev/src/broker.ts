/**
 * startBroker(): N in-process Kafka brokers sharing one cluster model, in memory or on disk.
 * Resolves once every listener accepts connections, with the bootstrap list, stop/restart and
 * the control API.
 */
import { join } from 'node:path';
import { compressionReady } from '@samsa/protocol';
import { principalFormatProblem } from './acl/acl-binding.js';
import type { AuthorizerConfig } from './acl/authorizer.js';
import { Cluster } from './cluster/cluster.js';
import { advertisedAddress, type BrokerNode } from './cluster/nodes.js';
import { type BrokerControl, Control } from './control/control.js';
import { FaultInjector } from './control/faults.js';
import {
  escapingLogger,
  isLogLevel,
  type Logger,
  type LogLevel,
  silentLogger,
  streamLogger,
} from './logger.js';
import {
  type ListenerAddress,
  type ListenerConfig,
  resolveListeners,
  type SecurityProtocol,
  usesSasl,
  usesTls,
} from './security/listeners.js';
import { SaslAuthenticator } from './security/sasl/authenticator.js';
import { CredentialStore } from './security/sasl/credentials.js';
import { type BrokerSasl, type BrokerSaslOptions, prepareSasl } from './security/sasl/sasl-options.js';
import { type BrokerTls, type BrokerTlsOptions, prepareTls, withoutClientAuth } from './security/tls.js';
import { FrameMemory } from './server/frame-memory.js';
import { BrokerListener, type ConnectionLimits } from './server/listener.js';
import { RequestMemory } from './server/request-memory.js';
import { RequestRouter } from './server/router.js';
import { ReadBufferPool, segmentsInHeap } from './storage/index.js';

export interface BrokerOptions {
  /** Interface to listen on and advertise (default 127.0.0.1), when `listeners` is not given. */
  host?: string;
  /**
   * Port of the first broker; the others use the following ports. 0 (default) picks random free ports.
   * Used when `listeners` is not given.
   */
  port?: number;
  /**
   * Kafka's `listeners`: `NAME://host:port` entries, each listener opened by every broker (broker N on
   * port + N - 1; port 0 picks free ports). Names are security protocols (PLAINTEXT, SSL, SASL_PLAINTEXT,
   * SASL_SSL) or mapped to one by `listenerSecurityProtocolMap`. Default: PLAINTEXT://host:port.
   */
  listeners?: ReadonlyArray<string | ListenerAddress>;
  /**
   * Kafka's `advertised.listeners`: the address Metadata and FindCoordinator hand to clients of each named
   * listener (broker N gets port + N - 1; port 0 means the port bound). Listeners not named advertise
   * their own address.
   */
  advertisedListeners?: ReadonlyArray<string | ListenerAddress>;
  /** Kafka's `listener.security.protocol.map`, for listener names that are not security protocols. */
  listenerSecurityProtocolMap?: Readonly<Record<string, string>>;
  /** TLS for SSL and SASL_SSL listeners: PEM certificate and key, or `auto`; and ssl.client.auth. */
  tls?: BrokerTlsOptions;
  /** SASL for SASL_PLAINTEXT and SASL_SSL listeners: users, mechanisms, OAUTHBEARER, re-authentication. */
  sasl?: BrokerSaslOptions;
  /** Number of brokers (listeners) in the cluster (default 1). Node ids are 1..N. */
  brokers?: number;
  /** Keep logs, topics and committed offsets under this directory; omitted = in memory. */
  dataDir?: string;
  /** Partitions of auto-created topics and of CreateTopics with -1 (Kafka's num.partitions; default 1). */
  partitions?: number;
  /** Replicas of new topics when not given (default min(3, brokers)). */
  replicationFactor?: number;
  /** Create unknown topics on Metadata requests (Kafka's auto.create.topics.enable; default true). */
  autoCreateTopics?: boolean;
  /** Broker-wide topic config defaults by Kafka name, e.g. { 'retention.ms': '3600000' }. */
  topicDefaults?: Record<string, string>;
  /**
   * fsync every append before acknowledging it (default false: written to the OS before acking, fsynced on
   * segment roll, stop, and as topics' flush.messages / flush.ms ask). See the README on durability.
   */
  syncWrites?: boolean;
  /**
   * How often logs are checked against their topic's flush.ms (Kafka's log.flush.scheduler.interval.ms;
   * default 1000, with a data dir only). Kafka's default is never, which leaves flush.ms without effect.
   */
  logFlushSchedulerIntervalMs?: number;
  /** Largest request accepted (Kafka's socket.request.max.bytes; default 100 MiB). */
  maxRequestBytes?: number;
  /**
   * Request bytes read but not yet handled, across all connections (Kafka's queued.max.request.bytes;
   * default 256 MiB, Infinity for no budget). Past it connections stop reading until memory frees up.
   */
  maxQueuedRequestBytes?: number;
  /** Close connections idle for this long (Kafka's connections.max.idle.ms; default 600000, Infinity: never). */
  connectionsMaxIdleMs?: number;
  /** Connections each broker accepts (Kafka's max.connections; default unlimited). */
  maxConnections?: number;
  /** Connections each broker accepts from one IP address (Kafka's max.connections.per.ip; default unlimited). */
  maxConnectionsPerIp?: number;
  /** Most bytes a produced compressed batch may inflate to (default 64 MiB); larger ones get MESSAGE_TOO_LARGE. */
  maxDecompressedBatchBytes?: number;
  /** group.initial.rebalance.delay.ms (default 0: groups form at once). */
  groupInitialRebalanceDelayMs?: number;
  /** group.min.session.timeout.ms (default 6000). */
  groupMinSessionTimeoutMs?: number;
  /** group.max.session.timeout.ms (default 1800000). */
  groupMaxSessionTimeoutMs?: number;
  /** group.consumer.heartbeat.interval.ms: the interval KIP-848 consumers heartbeat at (default 5000). */
  groupConsumerHeartbeatIntervalMs?: number;
  /** group.consumer.session.timeout.ms: a KIP-848 consumer silent this long is removed (default 45000). */
  groupConsumerSessionTimeoutMs?: number;
  /** offsets.retention.minutes in ms: committed offsets of empty groups expire after this (default 7 days). */
  offsetsRetentionMs?: number;
  /** transaction.max.timeout.ms: the longest transaction timeout a producer may ask for (default 900000). */
  transactionMaxTimeoutMs?: number;
  /**
   * transaction.abort.timed.out.transaction.cleanup.interval.ms: how often transactions open longer
   * than their timeout are looked for and aborted (default 10000).
   */
  transactionTimeoutCheckIntervalMs?: number;
  /** transactional.id.expiration.ms: idle transactional ids are forgotten after this (default 7 days). */
  transactionalIdExpirationMs?: number;
  /**
   * transaction.remove.expired.transaction.cleanup.interval.ms: how often idle transactional ids
   * are looked for (default 1 hour).
   */
  transactionalIdExpirationCheckIntervalMs?: number;
  /**
   * producer.id.expiration.ms (KIP-854): partitions forget a producer idle this long, unless its
   * transaction is open there (default 1 day). Checked with the log cleanup.
   */
  producerIdExpirationMs?: number;
  /** How often retention, compaction, offset and producer expiry run (default 30000 ms). */
  logCleanupIntervalMs?: number;
  /** A returning broker takes back the partitions it prefers to lead (default true). */
  preferredLeaderElection?: boolean;
  /**
   * Check every request against ACLs (Kafka's authorizer.class.name = StandardAuthorizer). `true` or an
   * object turns it on; DescribeAcls/CreateAcls/DeleteAcls manage the ACLs, kept in the data dir if there is
   * one. Off by default: everything is allowed and the ACL APIs answer SECURITY_DISABLED, as in Kafka.
   */
  authorizer?: boolean | AuthorizerOptions;

  /**
   * max.incremental.fetch.session.cache.slots: incremental fetch sessions (KIP-227) each broker keeps
   * (default 1000; 0 answers every fetch without a session).
   */
  maxIncrementalFetchSessionCacheSlots?: number;
  /** Where log lines go: a Logger, a level for stderr, true (= 'info' on stderr) or false (default: silent). */
  logger?: Logger | LogLevel | boolean;
}

export interface AuthorizerOptions {
  /** Kafka's super.users: principals in `Type:name` form (`User:admin`) allowed everything. */
  superUsers?: string[];
  /** Kafka's allow.everyone.if.no.acl.found: resources without any ACL are open to all (default false). */
  allowEveryoneIfNoAclFound?: boolean;
}

export interface BrokerAddress {
  nodeId: number;
  host: string;
  port: number;
}

/** One listener as clients see it. */
export interface ListenerInfo {
  readonly name: string;
  readonly securityProtocol: SecurityProtocol;
  /** The advertised host:port of every broker on this listener. */
  readonly bootstrap: string[];
}

/** What clients need to trust the broker's TLS listeners when the broker made the certificates. */
export interface BrokerTlsInfo {
  /** PEM of the CA that signed the broker's certificate (`tls.auto`), to pass as the client's `ca`. */
  readonly caCert?: string;
  /** The files `tls.auto` wrote: the CA, the broker certificate and the keys. */
  readonly caCertFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
}

export interface RunningBroker {
  /** host:port of every broker on the first listener, for bootstrap.servers / brokers. */
  readonly bootstrap: string[];
  /** Every listener, in the order given, with its bootstrap list. */
  readonly listeners: ListenerInfo[];
  /** The bootstrap list of the listener named `name`. Throws for an unknown name. */
  bootstrapFor(name: string): string[];
  /** The TLS trust material, when a TLS listener exists. */
  readonly tls: BrokerTlsInfo | undefined;
  readonly brokers: BrokerAddress[];
  readonly clusterId: string;
  readonly control: BrokerControl;
  /** Answers in-flight requests, then closes listeners and flushes and closes storage. */
  stop(): Promise<void>;
  /** Stops and starts again on the same ports; with a data dir everything is reloaded from disk. */
  restart(): Promise<void>;
}

const DEFAULT_MAX_REQUEST_BYTES = 100 * 1024 * 1024;
const DEFAULT_MAX_QUEUED_REQUEST_BYTES = 256 * 1024 * 1024;
/** How often logs are checked against flush.ms unless told (Kafka checks never by default). */
const DEFAULT_FLUSH_CHECK_INTERVAL_MS = 1000;
/** Kafka's connections.max.idle.ms default: 10 minutes. */
const DEFAULT_CONNECTIONS_MAX_IDLE_MS = 10 * 60 * 1000;

/** The logger the broker writes to; every message is escaped, as it may quote what clients sent. */
function resolveLogger(option: BrokerOptions['logger']): Logger {
  if (option === undefined || option === false) return silentLogger;
  if (option === true) return escapingLogger(streamLogger('info'));
  if (typeof option === 'string') {
    if (!isLogLevel(option))
      throw new TypeError(`Unknown log level '${option}'; use debug, info, warn or error.`);
    return escapingLogger(streamLogger(option));
  }
  return escapingLogger(option);
}

function resolveAuthorizer(option: BrokerOptions['authorizer']): AuthorizerConfig | undefined {
  if (option === undefined || option === false) return undefined;
  const { superUsers = [], allowEveryoneIfNoAclFound = false } = option === true ? {} : option;
  if (!Array.isArray(superUsers))
    throw new TypeError('authorizer.superUsers must be an array of principals.');
  for (const principal of superUsers) {
    const problem = typeof principal === 'string' ? principalFormatProblem(principal) : 'not a string';
    if (problem) throw new TypeError(`authorizer.superUsers: ${problem}.`);
  }
  if (typeof allowEveryoneIfNoAclFound !== 'boolean')
    throw new TypeError('authorizer.allowEveryoneIfNoAclFound must be a boolean.');
  return { superUsers: [...superUsers], allowEveryoneIfNoAclFound };
}

function positiveInt(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1)
    throw new RangeError(`${name} must be a positive integer, got ${value}.`);
  return v;
}

/** A positive integer, or Infinity for "no limit". */
function limit(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (v === Number.POSITIVE_INFINITY) return v;
  return positiveInt(name, v, fallback);
}

export async function startBroker(options: BrokerOptions = {}): Promise<RunningBroker> {
  const broker = new InProcessBroker(options);
  await broker.start();
  return broker;
}

class InProcessBroker implements RunningBroker {
  readonly control: Control;
  private readonly logger: Logger;
  private readonly nodes: BrokerNode[];
  /** Per node id, its listeners in the order of `listenerConfigs`. */
  private readonly nodeListeners = new Map<number, BrokerListener[]>();
  private readonly listenerConfigs: ListenerConfig[];
  private readonly credentials: CredentialStore;
  private readonly sasl: BrokerSasl | undefined;
  private brokerTls: BrokerTls | undefined;
  private readonly faults = new FaultInjector();
  private readonly frameMemory: FrameMemory | undefined;
  private readonly readBuffers = new ReadBufferPool();
  private readonly maxRequestBytes: number;
  private readonly requestMemory: RequestMemory;
  private readonly connectionLimits: ConnectionLimits;
  private readonly brokerCount: number;
  private readonly authorizer: AuthorizerConfig | undefined;
  private currentCluster: Cluster | undefined;
  private router: RequestRouter | undefined;
  private cleanupTimer: NodeJS.Timeout | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly flushCheckIntervalMs: number;
  private running = false;

  constructor(private readonly options: BrokerOptions) {
    this.logger = resolveLogger(options.logger);
    this.brokerCount = positiveInt('brokers', options.brokers, 1);
    this.authorizer = resolveAuthorizer(options.authorizer);
    positiveInt('partitions', options.partitions, 1);
    for (const name of [
      'offsetsRetentionMs',
      'transactionMaxTimeoutMs',
      'transactionTimeoutCheckIntervalMs',
      'transactionalIdExpirationMs',
      'transactionalIdExpirationCheckIntervalMs',
      'producerIdExpirationMs',
    ] as const) {
      if (options[name] !== undefined) positiveInt(name, options[name], 1);
    }
    const heartbeat = positiveInt(
      'groupConsumerHeartbeatIntervalMs',
      options.groupConsumerHeartbeatIntervalMs,
      5000,
    );
    const session = positiveInt(
      'groupConsumerSessionTimeoutMs',
      options.groupConsumerSessionTimeoutMs,
      45_000,
    );
    if (heartbeat >= session) {
      throw new RangeError(
        `groupConsumerHeartbeatIntervalMs (${heartbeat}) must be lower than groupConsumerSessionTimeoutMs (${session}).`,
      );
    }
    const host = options.host ?? '127.0.0.1';
    const port = options.port ?? 0;
    if (!Number.isInteger(port) || port < 0 || port + this.brokerCount - 1 > 65535) {
      throw new RangeError(
        `port must be 0 or a TCP port leaving room for ${this.brokerCount} broker(s), got ${port}.`,
      );
    }
    this.listenerConfigs = resolveListeners({
      listeners: options.listeners,
      advertisedListeners: options.advertisedListeners,
      securityProtocolMap: options.listenerSecurityProtocolMap,
      defaultHost: host,
      defaultPort: port,
      brokers: this.brokerCount,
    });
    const protocols = this.listenerConfigs.map((l) => l.securityProtocol);
    if (protocols.some(usesTls) && !options.tls) {
      throw new TypeError(
        'SSL and SASL_SSL listeners need tls options: a PEM cert and key, or { auto: true }.',
      );
    }
    this.credentials = new CredentialStore(
      options.dataDir !== undefined ? join(options.dataDir, 'scram-credentials.json') : undefined,
    );
    this.sasl =
      options.sasl || protocols.some(usesSasl)
        ? prepareSasl(options.sasl ?? {}, this.credentials)
        : undefined;
    this.maxRequestBytes = options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
    this.requestMemory = new RequestMemory(
      limit('maxQueuedRequestBytes', options.maxQueuedRequestBytes, DEFAULT_MAX_QUEUED_REQUEST_BYTES),
    );
    this.connectionLimits = {
      maxConnections: limit('maxConnections', options.maxConnections, Number.POSITIVE_INFINITY),
      maxConnectionsPerIp: limit(
        'maxConnectionsPerIp',
        options.maxConnectionsPerIp,
        Number.POSITIVE_INFINITY,
      ),
      connectionsMaxIdleMs: limit(
        'connectionsMaxIdleMs',
        options.connectionsMaxIdleMs,
        DEFAULT_CONNECTIONS_MAX_IDLE_MS,
      ),
    };
    this.flushCheckIntervalMs = positiveInt(
      'logFlushSchedulerIntervalMs',
      options.logFlushSchedulerIntervalMs,
      DEFAULT_FLUSH_CHECK_INTERVAL_MS,
    );
    if (options.maxDecompressedBatchBytes !== undefined)
      positiveInt('maxDecompressedBatchBytes', options.maxDecompressedBatchBytes, 1);
    // Heap segments keep produced batches: they adopt them from the request buffers.
    this.frameMemory = options.dataDir === undefined && segmentsInHeap() ? new FrameMemory() : undefined;
    const first = this.listenerConfigs[0];
    this.nodes = Array.from({ length: this.brokerCount }, (_, i) => ({
      id: i + 1,
      host: first.advertisedHost,
      port: first.port === 0 ? 0 : first.port + i,
      up: false,
      rack: null,
      advertised: new Map(),
    }));
    this.control = new Control({
      cluster: () => this.cluster,
      faults: this.faults,
      stopNode: (id) => this.stopNode(id),
      startNode: (id) => this.startNode(id),
      dropConnections: (id) => this.dropConnections(id),
      log: (m) => this.logger.info(m),
    });
  }

  private get cluster(): Cluster {
    if (!this.currentCluster) throw new Error('The broker is stopped; call restart() first.');
    return this.currentCluster;
  }

  get bootstrap(): string[] {
    return this.nodes.map((n) => `${n.host}:${n.port}`);
  }

  get listeners(): ListenerInfo[] {
    return this.listenerConfigs.map((l) => ({
      name: l.name,
      securityProtocol: l.securityProtocol,
      bootstrap: this.bootstrapFor(l.name),
    }));
  }

  bootstrapFor(name: string): string[] {
    const upper = name.toUpperCase();
    if (!this.listenerConfigs.some((l) => l.name === upper)) {
      throw new RangeError(
        `No listener ${name}; the broker has ${this.listenerConfigs.map((l) => l.name).join(', ')}.`,
      );
    }
    return this.nodes.map((n) => {
      const { host, port } = advertisedAddress(n, upper);
      return `${host.includes(':') ? `[${host}]` : host}:${port}`;
    });
  }

  get tls(): BrokerTlsInfo | undefined {
    const tls = this.brokerTls;
    if (!tls) return undefined;
    return {
      caCert: tls.caCert,
      caCertFile: tls.files?.caCertFile,
      certFile: tls.files?.certFile,
      keyFile: tls.files?.keyFile,
    };
  }

  get brokers(): BrokerAddress[] {
    return this.nodes.map((n) => ({ nodeId: n.id, host: n.host, port: n.port }));
  }

  get clusterId(): string {
    return this.cluster.clusterId;
  }

  async start(): Promise<void> {
    const o = this.options;
    // Compaction recompresses batches synchronously; zstd's WASM fallback must be loaded first.
    await compressionReady().catch((err: Error) =>
      this.logger.warn(`zstd compression unavailable: ${err.message}`),
    );
    if (this.options.tls && !this.brokerTls) {
      const hosts = this.listenerConfigs.flatMap((l) => [l.advertisedHost, l.host]);
      this.brokerTls = await prepareTls(this.options.tls, {
        dataDir: o.dataDir,
        hosts: hosts.filter((h) => h !== '0.0.0.0' && h !== '::'),
      });
      if (this.brokerTls.files) {
        this.logger.info(
          `TLS: generated a CA and broker certificate; clients trust ${this.brokerTls.files.caCertFile}`,
        );
      }
    }
    for (const node of this.nodes) node.up = true;
    let cluster = this.currentCluster;
    if (cluster) {
      cluster.resume();
    } else {
      cluster = new Cluster({
        nodes: this.nodes,
        defaultPartitions: o.partitions ?? 1,
        defaultReplicationFactor: positiveInt(
          'replicationFactor',
          o.replicationFactor,
          Math.min(3, this.brokerCount),
        ),
        autoCreateTopics: o.autoCreateTopics ?? true,
        topicDefaults: o.topicDefaults ?? {},
        dataDir: o.dataDir,
        syncWrites: o.syncWrites,
        preferredLeaderElection: o.preferredLeaderElection,
        maxRequestBytes: this.maxRequestBytes,
        maxDecompressedBatchBytes: o.maxDecompressedBatchBytes,
        producerIdExpirationMs: o.producerIdExpirationMs,
        groupConfig: {
          ...(o.groupInitialRebalanceDelayMs !== undefined && {
            initialRebalanceDelayMs: o.groupInitialRebalanceDelayMs,
          }),
          ...(o.groupMinSessionTimeoutMs !== undefined && {
            minSessionTimeoutMs: o.groupMinSessionTimeoutMs,
          }),
          ...(o.groupMaxSessionTimeoutMs !== undefined && {
            maxSessionTimeoutMs: o.groupMaxSessionTimeoutMs,
          }),
          ...(o.offsetsRetentionMs !== undefined && { offsetsRetentionMs: o.offsetsRetentionMs }),
          ...(o.groupConsumerHeartbeatIntervalMs !== undefined && {
            consumerHeartbeatIntervalMs: o.groupConsumerHeartbeatIntervalMs,
          }),
          ...(o.groupConsumerSessionTimeoutMs !== undefined && {
            consumerSessionTimeoutMs: o.groupConsumerSessionTimeoutMs,
          }),
        },
        transactionConfig: {
          ...(o.transactionMaxTimeoutMs !== undefined && { maxTimeoutMs: o.transactionMaxTimeoutMs }),
          ...(o.transactionTimeoutCheckIntervalMs !== undefined && {
            abortTimedOutTransactionsIntervalMs: o.transactionTimeoutCheckIntervalMs,
          }),
          ...(o.transactionalIdExpirationMs !== undefined && {
            transactionalIdExpirationMs: o.transactionalIdExpirationMs,
          }),
          ...(o.transactionalIdExpirationCheckIntervalMs !== undefined && {
            removeExpiredTransactionalIdsIntervalMs: o.transactionalIdExpirationCheckIntervalMs,
          }),
        },
        readBuffers: this.readBuffers,
        authorizer: this.authorizer,
        fetchSessionCacheSlots: o.maxIncrementalFetchSessionCacheSlots,
        logger: this.logger,
      });
      this.currentCluster = cluster;
      await cluster.ready();
    }
    this.router = new RequestRouter(cluster, this.faults, this.logger, this.credentials, (event) =>
      this.control.observe(event),
    );
    try {
      for (const node of this.nodes) await this.listen(node);
    } catch (err) {
      await this.shutdown(false, false);
      throw err;
    }
    const interval = o.logCleanupIntervalMs ?? 30_000;
    this.cleanupTimer = setInterval(() => this.currentCluster?.runLogCleanup(), interval);
    this.cleanupTimer.unref();
    if (o.dataDir !== undefined) {
      this.flushTimer = setInterval(() => this.currentCluster?.flushDueLogs(), this.flushCheckIntervalMs);
      this.flushTimer.unref();
    }
    this.running = true;
    this.logger.info(
      `Samsa dev broker ready: ${this.brokerCount} broker(s) at ${this.listeners
        .map((l) => `${l.name}://${l.bootstrap.join(',')}`)
        .join(' ')}, ` +
        `${o.dataDir ? `data in ${o.dataDir}` : 'in memory'}, cluster id ${cluster.clusterId}` +
        (cluster.authorizer ? `, ACLs enforced (${cluster.authorizer.acls.size} ACLs)` : ''),
    );
  }

  /** Opens every listener of `node` and records the addresses it advertises. */
  private async listen(node: BrokerNode): Promise<void> {
    let listeners = this.nodeListeners.get(node.id);
    if (!listeners) {
      listeners = this.listenerConfigs.map((config) => this.createListener(node, config));
      this.nodeListeners.set(node.id, listeners);
    }
    for (const [i, listener] of listeners.entries()) {
      await listener.start();
      const config = this.listenerConfigs[i];
      const port = config.advertisedPort === 0 ? listener.port : config.advertisedPort + node.id - 1;
      node.advertised?.set(config.name, { host: config.advertisedHost, port });
      if (i === 0) {
        node.host = config.advertisedHost;
        node.port = port;
      }
    }
  }

  private createListener(node: BrokerNode, config: ListenerConfig): BrokerListener {
    const sasl = usesSasl(config.securityProtocol)
      ? this.sasl!.forListener(node.id, config.name, this.logger)
      : undefined;
    return new BrokerListener({
      nodeId: node.id,
      name: config.name,
      securityProtocol: config.securityProtocol,
      host: config.host,
      port: config.port === 0 ? 0 : config.port + node.id - 1,
      tls: !usesTls(config.securityProtocol)
        ? undefined
        : config.securityProtocol === 'SASL_SSL'
          ? withoutClientAuth(this.brokerTls!)
          : this.brokerTls,
      authenticate:
        sasl && ((connection) => (connection.authentication = new SaslAuthenticator(sasl, connection))),
      logger: this.logger,
      maxRequestBytes: this.maxRequestBytes,
      frameMemory: this.frameMemory,
      requestMemory: this.requestMemory,
      limits: this.connectionLimits,
      handleFrame: (connection, frame, owned) => this.router!.handleFrame(node, connection, frame, owned),
      responseWritten: (chunks) => this.readBuffers.reclaim(chunks),
    });
  }

  private async stopNode(id: number): Promise<void> {
    const node = this.nodes.find((n) => n.id === id);
    if (!node) throw new RangeError(`No broker ${id}; node ids are 1..${this.nodes.length}.`);
    if (!node.up) return;
    node.up = false;
    // Controlled shutdown: leadership moves first, then the broker's connections go away.
    this.cluster.nodeStopped(id);
    await Promise.all((this.nodeListeners.get(id) ?? []).map((l) => l.stop(false)));
    this.logger.info(`broker ${id} stopped`);
  }

  private async startNode(id: number): Promise<void> {
    const node = this.nodes.find((n) => n.id === id);
    if (!node) throw new RangeError(`No broker ${id}; node ids are 1..${this.nodes.length}.`);
    if (node.up) return;
    await this.listen(node);
    node.up = true;
    this.cluster.nodeStarted(id);
    this.logger.info(`broker ${id} started at ${node.host}:${node.port}`);
  }

  private dropConnections(id?: number): number {
    let dropped = 0;
    for (const [nodeId, listeners] of this.nodeListeners)
      if (id === undefined || id === nodeId)
        for (const listener of listeners) dropped += listener.dropConnections();
    return dropped;
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.shutdown(true, false);
    this.logger.info('Samsa dev broker stopped');
  }

  /**
   * Stops serving: parked requests are answered, listeners close after in-flight requests (if
   * graceful), then storage is flushed and closed, unless `keepState` keeps the in-memory
   * cluster for a restart.
   */
  private async shutdown(graceful: boolean, keepState: boolean): Promise<void> {
    clearInterval(this.cleanupTimer);
    clearInterval(this.flushTimer);
    const cluster = this.currentCluster;
    cluster?.beginShutdown(keepState);
    await Promise.all([...this.nodeListeners.values()].flat().map((l) => l.stop(graceful)));
    this.frameMemory?.close();
    for (const node of this.nodes) node.up = false;
    if (!keepState) {
      await cluster?.close();
      this.currentCluster = undefined;
    }
  }

  async restart(): Promise<void> {
    if (this.running) {
      this.running = false;
      // In memory the state survives the restart; with a data dir it is reloaded from disk.
      await this.shutdown(true, this.options.dataDir === undefined);
    }
    this.faults.clear();
    await this.start();
    this.logger.info('Samsa dev broker restarted');
  }
}
