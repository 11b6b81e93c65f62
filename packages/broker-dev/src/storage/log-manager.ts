/**
 * All partition logs of one broker: opens or creates them (in memory, or under a data directory as
 * `<dataDir>/<topic>-<partition>/`), deletes topics, runs retention and compaction over every log, and
 * reports totals.
 */
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { RecordCodecs } from './compression.js';
import { forEachConcurrently } from './concurrently.js';
import type { SegmentMemory } from './log-backend.js';
import type { LogConfig } from './log-config.js';
import { PartitionLog } from './partition-log.js';
import type { StorageLogger } from './storage-logger.js';

export interface LogManagerOptions {
  /** Omit to keep every log in memory. */
  dataDir?: string;
  /** Defaults under every topic's own config (broker-level log.* settings). */
  defaultConfig?: Partial<LogConfig>;
  syncWrites?: boolean;
  codecs?: RecordCodecs;
  logger?: StorageLogger;
  now?: () => number;
  /** Without a dataDir: where segment bytes live (default 'auto', see SegmentMemory). */
  segmentMemory?: SegmentMemory;
  /**
   * Logs opened before syncRecoveredDirectories() leave the directory fsync recovery needs to it, which
   * runs them concurrently (a broker opening every partition at start). Each log still syncs its own
   * before its first change.
   */
  deferRecoverySyncs?: boolean;
  /** See PartitionLogOptions.checkpointMinBytes. */
  checkpointMinBytes?: number;
}

export interface StorageTotals {
  partitions: number;
  segments: number;
  sizeInBytes: number;
}

const PARTITION_DIR = /^(.+)-(\d+)$/;

/**
 * Logs synced or closed at once (syncRecoveredDirectories, closeAsync). Their fsyncs run on libuv's
 * threadpool (4 threads unless UV_THREADPOOL_SIZE says otherwise), where a disk serves several better
 * than one after another.
 */
const SYNC_CONCURRENCY = 64;

export class LogManager {
  private readonly logsByKey = new Map<string, PartitionLog>();
  private deferRecoverySyncs: boolean;

  private constructor(private readonly options: LogManagerOptions) {
    this.deferRecoverySyncs = options.deferRecoverySyncs ?? false;
  }

  static open(options: LogManagerOptions = {}): LogManager {
    const manager = new LogManager(options);
    if (options.dataDir && existsSync(options.dataDir)) {
      // Finish deletions a crash interrupted (DiskLogBackend renames a partition to *-delete first).
      for (const name of readdirSync(options.dataDir)) {
        if (name.endsWith('-delete'))
          rmSync(path.join(options.dataDir, name), { recursive: true, force: true });
      }
    }
    return manager;
  }

  get durable(): boolean {
    return this.options.dataDir !== undefined;
  }

  get(topic: string, partition: number): PartitionLog | undefined {
    return this.logsByKey.get(key(topic, partition));
  }

  /** The partition's log, opened (and recovered) or created on first use with the topic's config. */
  getOrCreate(topic: string, partition: number, config: Partial<LogConfig> = {}): PartitionLog {
    const existing = this.get(topic, partition);
    if (existing) return existing;
    const log = PartitionLog.open({
      topic,
      partition,
      config: { ...this.options.defaultConfig, ...config },
      dataDir: this.options.dataDir,
      syncWrites: this.options.syncWrites,
      codecs: this.options.codecs,
      logger: this.options.logger,
      now: this.options.now,
      segmentMemory: this.options.segmentMemory,
      deferRecoverySync: this.deferRecoverySyncs,
      checkpointMinBytes: this.options.checkpointMinBytes,
    });
    this.logsByKey.set(key(topic, partition), log);
    return log;
  }

  /**
   * Runs the directory fsyncs that the logs opened so far left to it (deferRecoverySyncs), up to
   * SYNC_CONCURRENCY at once; logs opened from now on sync their own.
   */
  async syncRecoveredDirectories(): Promise<void> {
    this.deferRecoverySyncs = false;
    await forEachConcurrently([...this.logsByKey.values()], SYNC_CONCURRENCY, (log) =>
      log.syncRecoveredDirectory(),
    );
  }

  /** Partitions that have a directory on disk, open or not (to reconcile with the cluster state at startup). */
  partitionsOnDisk(): Array<{ topic: string; partition: number }> {
    const dataDir = this.options.dataDir;
    if (!dataDir || !existsSync(dataDir)) return [];
    return readdirSync(dataDir, { withFileTypes: true }).flatMap((entry) => {
      const match = entry.isDirectory() ? PARTITION_DIR.exec(entry.name) : null;
      return match ? [{ topic: match[1], partition: Number(match[2]) }] : [];
    });
  }

  logs(): PartitionLog[] {
    return [...this.logsByKey.values()];
  }

  updateTopicConfig(topic: string, config: Partial<LogConfig>): void {
    for (const log of this.logsByKey.values()) if (log.topic === topic) log.updateConfig(config);
  }

  /** Deletes every partition of `topic`, open or only on disk. */
  deleteTopic(topic: string): void {
    for (const [logKey, log] of this.logsByKey) {
      if (log.topic !== topic) continue;
      log.delete();
      this.logsByKey.delete(logKey);
    }
    const dataDir = this.options.dataDir;
    if (!dataDir) return;
    for (const { topic: name, partition } of this.partitionsOnDisk()) {
      if (name !== topic) continue;
      const dir = path.join(dataDir, `${name}-${partition}`);
      const doomed = `${dir}.${Date.now()}-delete`;
      renameSync(dir, doomed);
      rmSync(doomed, { recursive: true, force: true });
    }
  }

  applyRetention(nowMs?: number): { deletedSegments: number; deletedBytes: number } {
    let deletedSegments = 0;
    let deletedBytes = 0;
    for (const log of this.logsByKey.values()) {
      const result = log.applyRetention(nowMs);
      deletedSegments += result.deletedSegments;
      deletedBytes += result.deletedBytes;
    }
    return { deletedSegments, deletedBytes };
  }

  /** Compacts every compacted log that has new data or a due tombstone horizon; returns how many it cleaned. */
  compact(nowMs?: number): number {
    let cleaned = 0;
    for (const log of this.logsByKey.values()) if (log.compact(nowMs)) cleaned++;
    return cleaned;
  }

  totals(): StorageTotals {
    let segments = 0;
    let sizeInBytes = 0;
    for (const log of this.logsByKey.values()) {
      segments += log.segmentCount;
      sizeInBytes += log.sizeInBytes;
    }
    return { partitions: this.logsByKey.size, segments, sizeInBytes };
  }

  flush(): void {
    for (const log of this.logsByKey.values()) log.flush();
  }

  /** fsyncs every log whose flush.ms has passed with unsynced appends (Kafka's log flusher); returns how many. */
  flushDue(nowMs?: number): number {
    let flushed = 0;
    for (const log of this.logsByKey.values()) if (log.flushIfDue(nowMs)) flushed++;
    return flushed;
  }

  close(): void {
    for (const log of this.logsByKey.values()) log.close();
    this.logsByKey.clear();
  }

  /** close() with up to SYNC_CONCURRENCY logs closing at once; every log is closed even if some fail. */
  async closeAsync(): Promise<void> {
    const logs = [...this.logsByKey.values()];
    this.logsByKey.clear();
    await forEachConcurrently(logs, SYNC_CONCURRENCY, (log) => log.closeAsync());
  }
}

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;
