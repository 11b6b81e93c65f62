/**
 * Durable broker metadata, independent of the request handlers and the group coordinator: the cluster id,
 * topics (partition count, configs, topic id), committed group offsets, the offsets transactions
 * committed that wait for the transaction's end (TxnOffsetCommit), and consumer groups' state. In memory
 * by default; with a data directory, topics go to `topics.json` (replaced atomically), offsets to
 * `offsets.log`, an append-only framed log that is compacted by rewriting once it holds mostly superseded
 * entries, and consumer group records to `consumer-groups.log` (a KeyedRecordLog, compacted the same way).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from './atomic-file.js';
import { StorageClosedError } from './errors.js';
import { FramedLog } from './framed-log.js';
import { KeyedRecordLog } from './keyed-record-log.js';
import { consoleStorageLogger, type StorageLogger } from './storage-logger.js';

export interface TopicRecord {
  name: string;
  /** UUID string (8-4-4-4-12 hex); the wire form is its 16 bytes. */
  topicId: string;
  partitions: number;
  /** Topic configs as Kafka names and string values, as CreateTopics/AlterConfigs carry them. */
  configs: Record<string, string>;
}

export interface PartitionRef {
  topic: string;
  partition: number;
}

export interface CommittedOffset extends PartitionRef {
  offset: number;
  leaderEpoch: number;
  metadata: string | null;
  commitTimestamp: number;
  /** Explicit expiry (OffsetCommit v1 retention); -1 when unset. */
  expireTimestamp?: number;
}

export interface ClusterSnapshot {
  clusterId: string;
  topics: TopicRecord[];
  /** Group id → its committed offsets. */
  offsets: Map<string, CommittedOffset[]>;
}

export interface ClusterStateOptions {
  /** Broker data directory; state lives in `<dataDir>/cluster-metadata/`. Omit to keep it in memory. */
  dataDir?: string;
  /** fsync every offset commit (default: written, not synced; survives a process kill). */
  syncWrites?: boolean;
  /** Rewrite offsets.log once it holds this many entries and 4x the live ones (default 10000). */
  compactAfterEntries?: number;
  logger?: StorageLogger;
}

export const CLUSTER_STATE_DIR = 'cluster-metadata';
const FORMAT_VERSION = 0;

/** Offsets a transaction committed for a group, waiting for its commit or abort. */
export interface PendingTransactionalOffsets {
  producerId: number;
  offsets: CommittedOffset[];
}

type OffsetLogEntry =
  | { op: 'commit'; group: string; offsets: CommittedOffset[] }
  | { op: 'delete'; group: string; partitions: PartitionRef[] }
  | { op: 'deleteGroup'; group: string }
  | { op: 'txnStage'; group: string; producerId: number; offsets: CommittedOffset[] }
  | { op: 'txnEnd'; group: string; producerId: number; commit: boolean };

const partitionKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

export class ClusterState {
  readonly clusterId: string;
  private readonly topicsByName = new Map<string, TopicRecord>();
  private readonly groups = new Map<string, Map<string, CommittedOffset>>();
  /** group → producer id → partition key → offset, pending until the producer's transaction ends. */
  private readonly pending = new Map<string, Map<number, Map<string, CommittedOffset>>>();
  private readonly offsetLog: FramedLog | undefined;
  /** KIP-848 consumer groups' records (the group coordinator decides what they hold). */
  readonly consumerGroupRecords: KeyedRecordLog<unknown>;
  private entriesInLog = 0;
  private closed = false;

  private constructor(
    private readonly dir: string | undefined,
    private readonly compactAfterEntries: number,
    syncWrites: boolean,
    logger: StorageLogger,
  ) {
    if (dir) mkdirSync(dir, { recursive: true });
    this.consumerGroupRecords = new KeyedRecordLog({
      filePath: dir && path.join(dir, 'consumer-groups.log'),
      syncWrites,
      compactAfterRecords: compactAfterEntries,
      logger,
    });
    if (!dir) {
      this.clusterId = newClusterId();
      return;
    }
    this.clusterId = this.loadOrCreateClusterId(dir);
    const topicsFile = path.join(dir, 'topics.json');
    if (existsSync(topicsFile)) {
      const saved = JSON.parse(readFileSync(topicsFile, 'utf8')) as { topics: TopicRecord[] };
      for (const topic of saved.topics) this.topicsByName.set(topic.name, topic);
    }
    const { log, payloads } = FramedLog.open(path.join(dir, 'offsets.log'), syncWrites, logger);
    this.offsetLog = log;
    for (const payload of payloads) {
      const entry = decodeEntry(payload);
      if (entry) this.applyEntry(entry);
      else logger.warn(`${dir}/offsets.log: skipping an entry of an unknown format version.`);
    }
  }

  static open(options: ClusterStateOptions = {}): ClusterState {
    const dir = options.dataDir === undefined ? undefined : path.join(options.dataDir, CLUSTER_STATE_DIR);
    return new ClusterState(
      dir,
      options.compactAfterEntries ?? 10_000,
      options.syncWrites ?? false,
      options.logger ?? consoleStorageLogger,
    );
  }

  get durable(): boolean {
    return this.dir !== undefined;
  }

  /** Everything the broker needs at startup, as plain data the caller may keep. */
  loadAll(): ClusterSnapshot {
    const offsets = new Map<string, CommittedOffset[]>();
    for (const [group, byPartition] of this.groups)
      offsets.set(group, [...byPartition.values()].map(copyOffset));
    return { clusterId: this.clusterId, topics: this.topics(), offsets };
  }

  topics(): TopicRecord[] {
    return [...this.topicsByName.values()].map(copyTopic);
  }

  topic(name: string): TopicRecord | undefined {
    const topic = this.topicsByName.get(name);
    return topic && copyTopic(topic);
  }

  /** Adds a topic with a new topic id; the caller has checked that the name is free. */
  createTopic(name: string, partitions: number, configs: Record<string, string> = {}): TopicRecord {
    const topic: TopicRecord = { name, topicId: randomUUID(), partitions, configs: { ...configs } };
    this.putTopic(topic);
    return copyTopic(topic);
  }

  /** Stores a topic as given (new partition count or configs; the topic id should not change). */
  putTopic(topic: TopicRecord): void {
    this.checkOpen();
    this.topicsByName.set(topic.name, copyTopic(topic));
    this.saveTopics();
  }

  /** Removes a topic and every group's committed (and pending) offsets for it. */
  deleteTopic(name: string): void {
    this.checkOpen();
    if (!this.topicsByName.delete(name)) return;
    this.saveTopics();
    for (const group of new Set([...this.groups.keys(), ...this.pending.keys()])) {
      const partitions = new Map<string, PartitionRef>();
      const offsets = [...(this.groups.get(group)?.values() ?? [])];
      for (const staged of this.pending.get(group)?.values() ?? []) offsets.push(...staged.values());
      for (const { topic, partition } of offsets) {
        if (topic === name) partitions.set(partitionKey(topic, partition), { topic, partition });
      }
      if (partitions.size > 0) this.deleteOffsets(group, [...partitions.values()]);
    }
  }

  committedOffsets(group: string): CommittedOffset[] {
    return [...(this.groups.get(group)?.values() ?? [])].map(copyOffset);
  }

  groupIds(): string[] {
    return [...this.groups.keys()];
  }

  commitOffsets(group: string, offsets: readonly CommittedOffset[]): void {
    if (offsets.length === 0) return;
    this.record({ op: 'commit', group, offsets: offsets.map(copyOffset) });
  }

  deleteOffsets(group: string, partitions: readonly PartitionRef[]): void {
    if (partitions.length === 0) return;
    this.record({
      op: 'delete',
      group,
      partitions: partitions.map(({ topic, partition }) => ({ topic, partition })),
    });
  }

  deleteGroup(group: string): void {
    if (!this.groups.has(group) && !this.pending.has(group)) return;
    this.record({ op: 'deleteGroup', group });
  }

  /** TxnOffsetCommit: offsets held for `producerId`'s transaction (a later plain commit of a partition wins). */
  stageTransactionalOffsets(group: string, producerId: number, offsets: readonly CommittedOffset[]): void {
    if (offsets.length === 0) return;
    this.record({ op: 'txnStage', group, producerId, offsets: offsets.map(copyOffset) });
  }

  /**
   * The producer's transaction ended: its pending offsets for `group` become committed (commit) or are
   * dropped (abort). Returns the offsets that became committed.
   */
  completeTransactionalOffsets(group: string, producerId: number, commit: boolean): CommittedOffset[] {
    const staged = this.pending.get(group)?.get(producerId);
    if (!staged) return [];
    const materialised = commit ? [...staged.values()].map(copyOffset) : [];
    this.record({ op: 'txnEnd', group, producerId, commit });
    return materialised;
  }

  pendingTransactionalOffsets(group: string): PendingTransactionalOffsets[] {
    return [...(this.pending.get(group) ?? [])].map(([producerId, offsets]) => ({
      producerId,
      offsets: [...offsets.values()].map(copyOffset),
    }));
  }

  /** Groups with offsets waiting for a transaction. */
  groupsWithPendingOffsets(): string[] {
    return [...this.pending.keys()];
  }

  flush(): void {
    this.offsetLog?.flush();
    this.consumerGroupRecords.flush();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.offsetLog?.close();
    this.consumerGroupRecords.close();
  }

  private record(entry: OffsetLogEntry): void {
    this.checkOpen();
    // Write before applying: what the caller sees committed is what a restart will load.
    this.offsetLog?.append([encodeEntry(entry)]);
    this.applyEntry(entry);
    this.maybeCompactOffsetLog();
  }

  private applyEntry(entry: OffsetLogEntry): void {
    this.entriesInLog +=
      entry.op === 'commit' || entry.op === 'txnStage'
        ? entry.offsets.length
        : entry.op === 'delete'
          ? entry.partitions.length
          : 1;
    switch (entry.op) {
      case 'deleteGroup':
        this.groups.delete(entry.group);
        this.pending.delete(entry.group);
        return;
      case 'commit':
        this.putCommitted(entry.group, entry.offsets);
        // Kafka materialises a transaction's offset only if it is newer in the log than the plain commit.
        this.dropPending(entry.group, entry.offsets);
        return;
      case 'delete': {
        this.dropPending(entry.group, entry.partitions);
        const byPartition = this.groups.get(entry.group);
        if (!byPartition) return;
        for (const { topic, partition } of entry.partitions)
          byPartition.delete(partitionKey(topic, partition));
        if (byPartition.size === 0) this.groups.delete(entry.group);
        return;
      }
      case 'txnStage': {
        let byProducer = this.pending.get(entry.group);
        if (!byProducer) {
          byProducer = new Map();
          this.pending.set(entry.group, byProducer);
        }
        let staged = byProducer.get(entry.producerId);
        if (!staged) {
          staged = new Map();
          byProducer.set(entry.producerId, staged);
        }
        for (const offset of entry.offsets) staged.set(partitionKey(offset.topic, offset.partition), offset);
        return;
      }
      case 'txnEnd': {
        const byProducer = this.pending.get(entry.group);
        const staged = byProducer?.get(entry.producerId);
        if (!byProducer || !staged) return;
        byProducer.delete(entry.producerId);
        if (byProducer.size === 0) this.pending.delete(entry.group);
        if (entry.commit) this.putCommitted(entry.group, [...staged.values()]);
        return;
      }
    }
  }

  private putCommitted(group: string, offsets: readonly CommittedOffset[]): void {
    let byPartition = this.groups.get(group);
    if (!byPartition) {
      byPartition = new Map();
      this.groups.set(group, byPartition);
    }
    for (const offset of offsets) byPartition.set(partitionKey(offset.topic, offset.partition), offset);
  }

  private dropPending(group: string, partitions: readonly PartitionRef[]): void {
    const byProducer = this.pending.get(group);
    if (!byProducer) return;
    for (const [producerId, staged] of byProducer) {
      for (const { topic, partition } of partitions) staged.delete(partitionKey(topic, partition));
      if (staged.size === 0) byProducer.delete(producerId);
    }
    if (byProducer.size === 0) this.pending.delete(group);
  }

  private liveEntries(): number {
    let live = 0;
    for (const byPartition of this.groups.values()) live += byPartition.size;
    for (const byProducer of this.pending.values())
      for (const staged of byProducer.values()) live += staged.size;
    return live;
  }

  private maybeCompactOffsetLog(): void {
    if (!this.offsetLog || this.entriesInLog < this.compactAfterEntries) return;
    const live = this.liveEntries();
    if (this.entriesInLog < 4 * live) return;
    const entries = [...this.groups].map(([group, byPartition]) =>
      encodeEntry({ op: 'commit', group, offsets: [...byPartition.values()] }),
    );
    for (const [group, byProducer] of this.pending) {
      for (const [producerId, staged] of byProducer)
        entries.push(encodeEntry({ op: 'txnStage', group, producerId, offsets: [...staged.values()] }));
    }
    this.offsetLog.rewrite(entries);
    this.entriesInLog = live;
  }

  private saveTopics(): void {
    if (!this.dir) return;
    const data = JSON.stringify(
      { version: FORMAT_VERSION, topics: [...this.topicsByName.values()] },
      null,
      2,
    );
    writeFileAtomic(path.join(this.dir, 'topics.json'), data);
  }

  private loadOrCreateClusterId(dir: string): string {
    const metaFile = path.join(dir, 'meta.json');
    if (existsSync(metaFile))
      return (JSON.parse(readFileSync(metaFile, 'utf8')) as { clusterId: string }).clusterId;
    const clusterId = newClusterId();
    writeFileAtomic(metaFile, JSON.stringify({ version: FORMAT_VERSION, clusterId }));
    return clusterId;
  }

  private checkOpen(): void {
    if (this.closed) throw new StorageClosedError('Cluster state is closed.');
  }
}

/** Kafka cluster ids are 16 random bytes in URL-safe base64 (22 characters). */
function newClusterId(): string {
  return randomBytes(16).toString('base64url');
}

/** Payload = format version byte + JSON (offset log entries are small and rare next to record data). */
function encodeEntry(entry: OffsetLogEntry): Buffer {
  return Buffer.concat([Buffer.from([FORMAT_VERSION]), Buffer.from(JSON.stringify(entry))]);
}

function decodeEntry(payload: Buffer): OffsetLogEntry | undefined {
  if (payload[0] !== FORMAT_VERSION) return undefined;
  return JSON.parse(payload.subarray(1).toString('utf8')) as OffsetLogEntry;
}

function copyTopic(topic: TopicRecord): TopicRecord {
  return { ...topic, configs: { ...topic.configs } };
}

function copyOffset(offset: CommittedOffset): CommittedOffset {
  return { ...offset };
}
