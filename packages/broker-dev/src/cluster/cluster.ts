/**
 * The cluster model shared by every in-process broker: nodes, topics, partitions with their
 * replicas/leader/ISR/epoch and logs, topic ids, the group and transaction coordinators, and the leadership moves
 * that follow a broker stopping or starting. All of it runs on the one event loop, so every
 * request sees a consistent cluster. Replicas share one log per partition, which is why a
 * leader change never loses acknowledged records.
 */

import { DEFAULT_MAX_DECOMPRESSED_BYTES, ErrorCode } from '@samsa/protocol';
import { AclStore } from '../acl/acl-store.js';
import { Authorizer, type AuthorizerConfig } from '../acl/authorizer.js';
import { BrokerError } from '../broker-error.js';
import { FetchSessions } from '../fetch/fetch-session-cache.js';
import { GroupCoordinator } from '../groups/coordinator.js';
import { DEFAULT_GROUP_CONFIG, type GroupConfig } from '../groups/group-config.js';
import type { Logger } from '../logger.js';
import {
  ClusterState,
  type LogConfig,
  LogManager,
  parseLogConfig,
  ReadBufferPool,
  type RecordCodecs,
  type StorageLogger,
} from '../storage/index.js';
import type { TxnMarkerWriter } from '../txn/marker-writer.js';
import { DEFAULT_TRANSACTION_CONFIG, type TransactionConfig } from '../txn/transaction-config.js';
import { TransactionCoordinator } from '../txn/transaction-coordinator.js';
import { TransactionStateLog } from '../txn/transaction-state-log.js';
import { ClusterStateConsumerGroupStore } from './cluster-state-consumer-groups.js';
import { ClusterStateOffsetStore } from './cluster-state-offsets.js';
import { coordinatorPartition, javaStringHash } from './coordinator-partitions.js';
import type { BrokerNode } from './nodes.js';
import { ProducerIds } from './producer-ids.js';
import { protocolRecordCodecs } from './record-codecs.js';
import { PartitionState, Topic, topicNameProblem } from './topic.js';
import { TopicConfigError, validateTopicConfigs } from './topic-configs.js';
import { PartitionTxnMarkerWriter } from './txn-markers.js';

export interface ClusterOptions {
  nodes: BrokerNode[];
  /** Partitions of auto-created topics and of CreateTopics with numPartitions -1. */
  defaultPartitions: number;
  /** Replication factor for CreateTopics with -1 and auto-created topics. */
  defaultReplicationFactor: number;
  autoCreateTopics: boolean;
  /** Broker-wide topic config defaults (Kafka names, e.g. retention.ms). */
  topicDefaults: Record<string, string>;
  dataDir?: string;
  syncWrites?: boolean;
  /** After a stopped broker returns, give it back the partitions it prefers to lead (default true). */
  preferredLeaderElection?: boolean;
  groupConfig?: Partial<GroupConfig>;
  transactionConfig?: Partial<TransactionConfig>;
  /** socket.request.max.bytes, reported in DescribeConfigs. */
  maxRequestBytes: number;
  /** Most bytes a produced compressed batch may inflate to (default 64 MiB). */
  maxDecompressedBatchBytes?: number;
  /** producer.id.expiration.ms: idle producers without an open transaction are forgotten (default 1 day). */
  producerIdExpirationMs?: number;
  codecs?: RecordCodecs;
  /** Buffers fetches read file-backed segments into; the broker reclaims them after writing. */
  readBuffers?: ReadBufferPool;
  /** Enforce ACLs (kept in the data dir); omitted, every request is allowed. */
  authorizer?: AuthorizerConfig;
  /** max.incremental.fetch.session.cache.slots: fetch sessions each broker keeps (default 1000). */
  fetchSessionCacheSlots?: number;
  logger: Logger;
}

/** Kafka's producer.id.expiration.ms default (KIP-854). */
export const DEFAULT_PRODUCER_ID_EXPIRATION_MS = 24 * 60 * 60 * 1000;

/** A dev broker has no use for more; the cap keeps a bad request from creating millions of logs. */
export const MAX_PARTITIONS_PER_TOPIC = 10_000;

function checkPartitionCount(count: number): void {
  if (count > MAX_PARTITIONS_PER_TOPIC) {
    throw new BrokerError(
      ErrorCode.INVALID_PARTITIONS,
      `A topic may have at most ${MAX_PARTITIONS_PER_TOPIC} partitions on the Samsa dev broker, ${count} requested.`,
    );
  }
}

export class Cluster {
  readonly clusterId: string;
  readonly nodes: readonly BrokerNode[];
  readonly groups: GroupCoordinator;
  readonly transactions: TransactionCoordinator;
  /** How transaction markers reach partition logs (the coordinator's, and WriteTxnMarkers'). */
  readonly markerWriter: TxnMarkerWriter;
  readonly producerIds: ProducerIds;
  /** Decides what each principal may do; undefined when ACLs are off (everything is allowed). */
  readonly authorizer: Authorizer | undefined;
  readonly logger: Logger;
  readonly autoCreateTopics: boolean;
  readonly defaultPartitions: number;
  readonly defaultReplicationFactor: number;
  readonly topicDefaults: Readonly<Record<string, string>>;
  private readonly topicsByName = new Map<string, Topic>();
  private readonly topicsById = new Map<string, Topic>();
  private readonly state: ClusterState;
  private readonly logs: LogManager;
  private readonly baseLogConfig: LogConfig;
  readonly dataDir: string | undefined;
  readonly groupConfig: GroupConfig;
  readonly maxRequestBytes: number;
  readonly maxDecompressedBatchBytes: number;
  private readonly producerIdExpirationMs: number;
  private readonly syncWrites: boolean;
  private readonly preferredLeaderElection: boolean;
  readonly recordCodecs: RecordCodecs;
  readonly readBuffers: ReadBufferPool;
  /** Each broker's incremental fetch sessions (KIP-227). */
  readonly fetchSessions: FetchSessions;
  private readonly storageLogger: StorageLogger;
  private closed = false;
  private stopping = false;
  /** Coordinators moved by the control API: group or transactional id → node id. */
  private readonly coordinatorMoves = new Map<string, number>();
  /** Moves whenever a topic is created or deleted or gains partitions (consumer groups re-resolve then). */
  private topicsVersion = 0;

  constructor(options: ClusterOptions) {
    this.nodes = options.nodes;
    this.logger = options.logger;
    this.autoCreateTopics = options.autoCreateTopics;
    this.defaultPartitions = options.defaultPartitions;
    this.defaultReplicationFactor = options.defaultReplicationFactor;
    this.topicDefaults = { ...options.topicDefaults };
    this.dataDir = options.dataDir;
    this.groupConfig = { ...DEFAULT_GROUP_CONFIG, ...options.groupConfig };
    this.maxRequestBytes = options.maxRequestBytes;
    this.maxDecompressedBatchBytes = options.maxDecompressedBatchBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
    this.producerIdExpirationMs = options.producerIdExpirationMs ?? DEFAULT_PRODUCER_ID_EXPIRATION_MS;
    this.syncWrites = options.syncWrites ?? false;
    this.preferredLeaderElection = options.preferredLeaderElection ?? true;
    this.recordCodecs = options.codecs ?? protocolRecordCodecs;
    this.readBuffers = options.readBuffers ?? new ReadBufferPool();
    this.fetchSessions = new FetchSessions(options.fetchSessionCacheSlots);
    this.storageLogger = { info: (m) => options.logger.info(m), warn: (m) => options.logger.warn(m) };
    this.baseLogConfig = parseLogConfig(this.topicDefaults);
    this.state = ClusterState.open({
      dataDir: options.dataDir,
      syncWrites: this.syncWrites,
      logger: this.storageLogger,
    });
    this.logs = LogManager.open({
      dataDir: options.dataDir,
      syncWrites: this.syncWrites,
      codecs: this.recordCodecs,
      logger: this.storageLogger,
      // Every partition on disk opens here; ready() syncs what their recovery changed, concurrently.
      deferRecoverySyncs: true,
    });
    this.clusterId = this.state.clusterId;
    this.authorizer =
      options.authorizer && new Authorizer(new AclStore(options.dataDir), options.authorizer, options.logger);
    const records = this.state.topics();
    this.removeOrphanedLogs(records);
    for (const record of records) {
      const topic = new Topic(record.name, kafkaUuid(record.topicId), { ...record.configs });
      this.register(topic);
      for (let i = 0; i < record.partitions; i++) topic.partitions.push(this.newPartition(topic, i));
      this.logger.debug(`loaded topic ${topic.name} with ${record.partitions} partition(s)`);
    }
    this.producerIds = new ProducerIds();
    this.groups = new GroupCoordinator(
      new ClusterStateOffsetStore(this.state),
      this.groupConfig,
      options.logger,
      {
        consumerGroupStore: new ClusterStateConsumerGroupStore(this.state.consumerGroupRecords),
        topics: {
          version: () => this.topicsVersion,
          topic: (name) => {
            const topic = this.topicsByName.get(name);
            return topic && { topicId: topic.id, partitions: topic.partitions.length };
          },
          topicName: (topicId) => this.topicsById.get(topicId)?.name,
          topicNames: () => this.topicsByName.keys(),
        },
      },
    );
    this.markerWriter = new PartitionTxnMarkerWriter(this);
    this.transactions = new TransactionCoordinator({
      config: { ...DEFAULT_TRANSACTION_CONFIG, ...options.transactionConfig },
      stateLog: TransactionStateLog.open({
        dataDir: options.dataDir,
        syncWrites: this.syncWrites,
        logger: this.storageLogger,
      }),
      nextProducerId: () => this.producerIds.allocate(),
      markers: this.markerWriter,
      offsets: this.groups,
      offsetsPartitionFor: coordinatorPartition,
      partitionExists: (topic, partition) => this.partition(topic, partition) !== undefined,
      logger: options.logger,
    });
    this.transactions.start();
  }

  /** Partition directories of topics the cluster state does not know (a crash mid-delete) must not come back. */
  private removeOrphanedLogs(records: { name: string; partitions: number }[]): void {
    const known = new Map(records.map((r) => [r.name, r.partitions]));
    const orphaned = new Set<string>();
    for (const { topic, partition } of this.logs.partitionsOnDisk()) {
      if (partition >= (known.get(topic) ?? 0)) orphaned.add(topic);
    }
    for (const topic of orphaned) {
      if (known.has(topic)) {
        this.logger.warn(
          `data dir has partitions of ${topic} beyond its ${known.get(topic)} partition(s); ignoring them`,
        );
        continue;
      }
      this.logger.warn(
        `removing logs of topic ${topic}: the cluster metadata does not list it (deleted before a crash?)`,
      );
      this.logs.deleteTopic(topic);
    }
  }

  // ---------------------------------------------------------------- nodes

  node(id: number): BrokerNode | undefined {
    return this.nodes.find((n) => n.id === id);
  }

  liveNodes(): BrokerNode[] {
    return this.nodes.filter((n) => n.up);
  }

  /** KRaft has no broker controller; clients only need some live broker id here. */
  controllerId(): number {
    return this.liveNodes()[0]?.id ?? -1;
  }

  /**
   * The coordinator for a group or a transactional id: Kafka hashes the key onto a partition of
   * __consumer_offsets or __transaction_state and uses its leader. Here the partition maps to a
   * node, moving to the next live one while that node is down, so only the ids of a stopped broker
   * move.
   */
  coordinatorFor(key: string): BrokerNode | undefined {
    const live = this.liveNodes();
    if (live.length === 0) return undefined;
    const moved = this.coordinatorMoves.get(key);
    if (moved !== undefined) {
      const node = this.node(moved);
      if (node?.up) return node;
    }
    const start = coordinatorPartition(key) % this.nodes.length;
    for (let i = 0; i < this.nodes.length; i++) {
      const node = this.nodes[(start + i) % this.nodes.length];
      if (node.up) return node;
    }
    return undefined;
  }

  /** Makes `nodeId` the coordinator of `key` (fault injection); parked classic requests get NOT_COORDINATOR. */
  moveCoordinator(key: string, nodeId: number): void {
    const node = this.node(nodeId);
    if (!node) throw new BrokerError(ErrorCode.BROKER_NOT_AVAILABLE, `No broker ${nodeId}.`);
    if (!node.up) throw new BrokerError(ErrorCode.BROKER_NOT_AVAILABLE, `Broker ${nodeId} is stopped.`);
    if (this.coordinatorFor(key)?.id === nodeId) return;
    this.coordinatorMoves.set(key, nodeId);
    this.groups.unloadGroup(key);
  }

  // ---------------------------------------------------------------- topics

  topic(name: string): Topic | undefined {
    return this.topicsByName.get(name);
  }

  topicById(id: string): Topic | undefined {
    return this.topicsById.get(id);
  }

  topics(): IterableIterator<Topic> {
    return this.topicsByName.values();
  }

  *allPartitions(): IterableIterator<PartitionState> {
    for (const topic of this.topicsByName.values()) yield* topic.partitions;
  }

  partition(topic: string, index: number): PartitionState | undefined {
    return this.topicsByName.get(topic)?.partitions[index];
  }

  /** The log config of a topic: broker defaults plus its overrides. */
  logConfigFor(configs: Readonly<Record<string, string>>): LogConfig {
    return parseLogConfig(configs, this.baseLogConfig);
  }

  /**
   * Creates a topic (CreateTopics or auto-creation). Throws BrokerError with Kafka's error code
   * for a bad name, partition count, replication factor, assignment or config.
   */
  createTopic(
    name: string,
    options: {
      numPartitions?: number;
      replicationFactor?: number;
      assignments?: number[][];
      configs?: Record<string, string>;
      validateOnly?: boolean;
    } = {},
  ): Topic | undefined {
    this.checkOpen();
    const problem = topicNameProblem(name);
    if (problem) throw new BrokerError(ErrorCode.INVALID_TOPIC_EXCEPTION, problem);
    if (this.topicsByName.has(name)) {
      throw new BrokerError(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${name}' already exists.`);
    }
    const configs = options.configs ?? {};
    try {
      validateTopicConfigs(configs, this.baseLogConfig);
    } catch (err) {
      if (err instanceof TopicConfigError) throw new BrokerError(ErrorCode.INVALID_CONFIG, err.message);
      throw err;
    }
    const assignments = options.assignments?.length ? options.assignments : undefined;
    let replicaLists: number[][];
    if (assignments) {
      if ((options.numPartitions ?? -1) !== -1 || (options.replicationFactor ?? -1) !== -1) {
        throw new BrokerError(
          ErrorCode.INVALID_REQUEST,
          'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.',
        );
      }
      checkPartitionCount(assignments.length);
      replicaLists = assignments.map((replicas, i) => this.checkAssignment(replicas, i));
    } else {
      const partitions =
        options.numPartitions === undefined || options.numPartitions === -1
          ? this.defaultPartitions
          : options.numPartitions;
      if (partitions <= 0) {
        throw new BrokerError(
          ErrorCode.INVALID_PARTITIONS,
          'Number of partitions was set to an invalid non-positive value.',
        );
      }
      checkPartitionCount(partitions);
      const rf =
        options.replicationFactor === undefined || options.replicationFactor === -1
          ? this.defaultReplicationFactor
          : options.replicationFactor;
      if (rf <= 0) {
        throw new BrokerError(
          ErrorCode.INVALID_REPLICATION_FACTOR,
          'Replication factor must be larger than 0.',
        );
      }
      if (rf > this.nodes.length) {
        throw new BrokerError(
          ErrorCode.INVALID_REPLICATION_FACTOR,
          `Unable to replicate the partition ${rf} time(s): The target replication factor of ${rf} cannot be reached because only ${this.nodes.length} broker(s) are registered.`,
        );
      }
      replicaLists = Array.from({ length: partitions }, (_, i) => this.defaultReplicas(name, i, rf));
    }
    if (options.validateOnly) return undefined;
    const record = this.state.createTopic(name, replicaLists.length, configs);
    const topic = new Topic(name, kafkaUuid(record.topicId), { ...configs });
    this.register(topic);
    replicaLists.forEach((replicas, i) => {
      topic.partitions.push(this.newPartition(topic, i, replicas));
    });
    this.logger.info(
      `created topic ${name} with ${replicaLists.length} partition(s), replication factor ${replicaLists[0].length}`,
    );
    return topic;
  }

  /** Auto-creates a topic for Metadata if allowed; returns undefined when it may not exist. */
  autoCreate(name: string): Topic | undefined {
    if (!this.autoCreateTopics || topicNameProblem(name)) return undefined;
    return this.createTopic(name, {
      replicationFactor: Math.min(this.defaultReplicationFactor, this.nodes.length),
    });
  }

  deleteTopic(name: string): void {
    this.checkOpen();
    const topic = this.topicsByName.get(name);
    if (!topic)
      throw new BrokerError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${name}' does not exist.`);
    this.topicsByName.delete(name);
    this.topicsById.delete(topic.id);
    this.topicsVersion++;
    this.state.deleteTopic(name);
    this.logs.deleteTopic(name);
    for (const partition of topic.partitions) {
      partition.leader = -1;
      partition.wake();
    }
    this.groups.topicDeleted(name);
    this.logger.info(`deleted topic ${name}`);
  }

  /** CreatePartitions: grows a topic to `total` partitions. */
  createPartitions(
    name: string,
    total: number,
    assignments: number[][] | undefined,
    validateOnly: boolean,
  ): void {
    this.checkOpen();
    const topic = this.topicsByName.get(name);
    if (!topic)
      throw new BrokerError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${name}' does not exist.`);
    const current = topic.partitions.length;
    if (total < current) {
      throw new BrokerError(
        ErrorCode.INVALID_PARTITIONS,
        `Topic currently has ${current} partitions, which is higher than the requested ${total}.`,
      );
    }
    if (total === current) {
      throw new BrokerError(ErrorCode.INVALID_PARTITIONS, `Topic already has ${current} partitions.`);
    }
    checkPartitionCount(total);
    const added = total - current;
    if (assignments && assignments.length !== added) {
      throw new BrokerError(
        ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        `Increasing the number of partitions by ${added} but ${assignments.length} assignments provided.`,
      );
    }
    const rf = topic.partitions[0]?.replicas.length ?? this.defaultReplicationFactor;
    const lists = Array.from({ length: added }, (_, i) =>
      assignments
        ? this.checkAssignment(assignments[i], current + i)
        : this.defaultReplicas(name, current + i, rf),
    );
    if (validateOnly) return;
    lists.forEach((replicas, i) => {
      topic.partitions.push(this.newPartition(topic, current + i, replicas));
    });
    this.topicsVersion++;
    const record = this.state.topic(name);
    if (record) this.state.putTopic({ ...record, partitions: total });
    this.logger.info(`topic ${name} now has ${total} partitions`);
  }

  /** Replaces a topic's config overrides (AlterConfigs) or applies changes (IncrementalAlterConfigs). */
  setTopicConfigs(name: string, configs: Record<string, string>, validateOnly: boolean): void {
    const topic = this.topicsByName.get(name);
    if (!topic)
      throw new BrokerError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${name}' does not exist.`);
    try {
      validateTopicConfigs(configs, this.baseLogConfig);
    } catch (err) {
      if (err instanceof TopicConfigError) throw new BrokerError(ErrorCode.INVALID_CONFIG, err.message);
      throw err;
    }
    if (validateOnly) return;
    topic.configs = { ...configs };
    this.logs.updateTopicConfig(name, this.logConfigFor(topic.configs));
    const record = this.state.topic(name);
    if (record) this.state.putTopic({ ...record, configs: { ...configs } });
    this.logger.info(`topic ${name} configs: ${JSON.stringify(configs)}`);
  }

  private register(topic: Topic): void {
    this.topicsVersion++;
    this.topicsByName.set(topic.name, topic);
    this.topicsById.set(topic.id, topic);
  }

  private checkAssignment(replicas: number[], index: number): number[] {
    if (replicas.length === 0) {
      throw new BrokerError(
        ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        `Replica assignment for partition ${index} is empty.`,
      );
    }
    if (new Set(replicas).size !== replicas.length) {
      throw new BrokerError(
        ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        `Duplicate brokers in the assignment of partition ${index}.`,
      );
    }
    for (const id of replicas) {
      if (!this.node(id)) {
        throw new BrokerError(
          ErrorCode.INVALID_REPLICA_ASSIGNMENT,
          `Broker ${id} in the assignment of partition ${index} does not exist.`,
        );
      }
    }
    return [...replicas];
  }

  /** Kafka-style placement: consecutive brokers, the starting broker rotating with the partition. */
  private defaultReplicas(topicName: string, index: number, rf: number): number[] {
    const n = this.nodes.length;
    const start = ((javaStringHash(topicName) & 0x7fffffff) + index) % n;
    return Array.from({ length: Math.min(rf, n) }, (_, j) => this.nodes[(start + j) % n].id);
  }

  private newPartition(topic: Topic, index: number, replicas?: number[]): PartitionState {
    const assigned = (
      replicas ??
      this.defaultReplicas(topic.name, index, Math.min(this.defaultReplicationFactor, this.nodes.length))
    ).filter((id) => this.node(id));
    const log = this.logs.getOrCreate(topic.name, index, this.logConfigFor(topic.configs));
    const isr = assigned.filter((id) => this.node(id)?.up);
    const leader = isr[0] ?? -1;
    // A reloaded log goes on in its newest epoch: epochs never go backwards across a restart
    // (clients that remember one would get UNKNOWN_LEADER_EPOCH, and librdkafka ignores metadata
    // with an older epoch). A new partition starts in epoch 0.
    const epoch = Math.max(log.latestLeaderEpoch, 0);
    if (leader >= 0) log.startLeaderEpoch(epoch);
    return new PartitionState(topic, index, assigned, leader, epoch, isr, log);
  }

  // ---------------------------------------------------------------- leadership

  /** A broker went down: it leaves every ISR, and the partitions it led elect a new leader. */
  nodeStopped(id: number): void {
    this.fetchSessions.nodeStopped(id);
    for (const topic of this.topicsByName.values()) {
      for (const partition of topic.partitions) {
        if (!partition.replicas.includes(id)) continue;
        partition.isr = partition.isr.filter((r) => r !== id);
        if (partition.leader === id) {
          const next = partition.replicas.find((r) => partition.isr.includes(r) && this.node(r)?.up) ?? -1;
          this.changeLeader(partition, next);
        }
      }
    }
  }

  /** A broker came back: it rejoins the ISR (replicas share the log, so it is caught up at once). */
  nodeStarted(id: number): void {
    for (const topic of this.topicsByName.values()) {
      for (const partition of topic.partitions) {
        if (!partition.replicas.includes(id)) continue;
        partition.isr = partition.replicas.filter((r) => r === id || partition.isr.includes(r));
        if (partition.leader === -1 || (this.preferredLeaderElection && partition.replicas[0] === id)) {
          if (partition.leader !== id) this.changeLeader(partition, id);
        }
      }
    }
  }

  /** Makes `nodeId` the leader of a partition (adding it as a replica if needed). */
  moveLeader(topicName: string, index: number, nodeId: number): void {
    const partition = this.partition(topicName, index);
    if (!partition)
      throw new BrokerError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `No partition ${topicName}-${index}.`);
    const node = this.node(nodeId);
    if (!node) throw new BrokerError(ErrorCode.BROKER_NOT_AVAILABLE, `No broker ${nodeId}.`);
    if (!node.up) throw new BrokerError(ErrorCode.BROKER_NOT_AVAILABLE, `Broker ${nodeId} is stopped.`);
    if (!partition.replicas.includes(nodeId)) {
      partition.replicas = [
        nodeId,
        ...partition.replicas.slice(0, Math.max(partition.replicas.length - 1, 0)),
      ];
    }
    partition.isr = partition.replicas.filter((r) => this.node(r)?.up);
    if (partition.leader !== nodeId) this.changeLeader(partition, nodeId);
  }

  private changeLeader(partition: PartitionState, leader: number): void {
    const previous = partition.leader;
    partition.leader = leader;
    partition.leaderEpoch++;
    // The new leader records where its epoch starts, as Kafka's does (a partition without a
    // leader has no one to record it; the next leader bumps the epoch again).
    if (leader >= 0) {
      try {
        partition.log.startLeaderEpoch(partition.leaderEpoch);
      } catch (err) {
        this.logger.error(
          `partition ${partition.name}: cannot record leader epoch ${partition.leaderEpoch}: ${(err as Error).message}`,
        );
      }
    }
    this.logger.info(
      `partition ${partition.name}: leader ${previous} -> ${leader} (epoch ${partition.leaderEpoch}, isr [${partition.isr.join(',')}])`,
    );
    partition.wake();
  }

  // ---------------------------------------------------------------- housekeeping

  /**
   * Retention and compaction over every partition (Kafka's log cleaner and retention check), expiry
   * of committed offsets past offsets.retention.minutes (Kafka's offsets retention check) and of idle
   * producers' state past producer.id.expiration.ms.
   */
  runLogCleanup(now = Date.now()): void {
    try {
      this.groups.expireOffsets(now);
    } catch (err) {
      this.logger.error(`offset expiry failed: ${(err as Error).message}`);
    }
    try {
      this.transactions.compactLog(now);
    } catch (err) {
      this.logger.error(`compacting the transaction state log failed: ${(err as Error).message}`);
    }
    for (const topic of this.topicsByName.values()) {
      for (const partition of topic.partitions) {
        try {
          partition.log.removeExpiredProducers(this.producerIdExpirationMs, now);
          const retention = partition.log.applyRetention(now);
          if (retention.deletedSegments > 0) {
            this.logger.info(
              `partition ${partition.name}: retention deleted ${retention.deletedSegments} segment(s), log starts at ${retention.logStartOffset}`,
            );
          }
          const compaction = partition.log.compact(now);
          if (compaction && compaction.recordsRemoved > 0) {
            this.logger.info(
              `partition ${partition.name}: compaction removed ${compaction.recordsRemoved} record(s)`,
            );
          }
        } catch (err) {
          this.logger.error(`partition ${partition.name}: log cleanup failed: ${(err as Error).message}`);
        }
      }
    }
  }

  /** fsyncs every log whose topic's flush.ms has passed with unsynced appends (Kafka's log flusher). */
  flushDueLogs(now = Date.now()): void {
    try {
      this.logs.flushDue(now);
    } catch (err) {
      this.logger.error(`flushing logs failed: ${(err as Error).message}`);
    }
  }

  /**
   * The brokers are going away: parked JoinGroup/SyncGroup requests are answered
   * (NOT_COORDINATOR, as when Kafka unloads a group) and long-polling fetches answer at once.
   * With `keepState` the cluster stays usable for a restart.
   */
  beginShutdown(keepState: boolean): void {
    this.stopping = true;
    this.transactions.stop();
    for (const node of this.nodes) this.fetchSessions.nodeStopped(node.id);
    if (keepState) this.groups.unload();
    else this.groups.shutdown();
    this.wakeAll();
  }

  /** Serving again after beginShutdown(true). */
  resume(): void {
    this.stopping = false;
    this.transactions.start();
  }

  /** True between beginShutdown() and resume()/close(). */
  get shuttingDown(): boolean {
    return this.stopping || this.closed;
  }

  /** Wakes every waiting fetch. */
  wakeAll(): void {
    for (const topic of this.topicsByName.values())
      for (const partition of topic.partitions) partition.wake();
  }

  /**
   * Makes what opening the partitions changed on disk durable (many directories at once); the broker
   * awaits it before it serves. A log changed before then syncs its own directory first.
   */
  async ready(): Promise<void> {
    await this.logs.syncRecoveredDirectories();
  }

  /** Flushes and closes every log (many at once) and the cluster state. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.groups.shutdown();
    this.transactions.stop();
    this.wakeAll();
    try {
      await this.logs.closeAsync();
    } catch (err) {
      this.logger.error(`closing the logs failed: ${(err as Error).message}`);
    }
    try {
      this.transactions.close();
    } catch (err) {
      this.logger.error(`closing the transaction state log failed: ${(err as Error).message}`);
    }
    this.state.close();
  }

  private checkOpen(): void {
    if (this.closed) throw new BrokerError(ErrorCode.KAFKA_STORAGE_ERROR, 'The broker is shutting down.');
  }
}

/** Cluster state keeps canonical 8-4-4-4-12 UUIDs; the protocol speaks Kafka's base64url form. */
function kafkaUuid(uuid: string): string {
  return Buffer.from(uuid.replace(/-/g, ''), 'hex').toString('base64url');
}
