/**
 * A transaction coordinator for unit tests: a state log in memory or in a temp dir, a clock the
 * test moves, a marker writer that records (and can hold or fail) what it is asked to write, and
 * a recording group side.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ErrorCode } from '@samsa/protocol';
import { afterEach } from 'vitest';
import { coordinatorPartition } from '../../src/cluster/coordinator-partitions.js';
import { silentLogger } from '../../src/logger.js';
import { silentStorageLogger } from '../../src/storage/index.js';
import type { TxnOffsetsCompleter } from '../../src/txn/marker-channel.js';
import type { TxnMarker, TxnMarkerWriter } from '../../src/txn/marker-writer.js';
import type { TopicPartition } from '../../src/txn/topic-partitions.js';
import { DEFAULT_TRANSACTION_CONFIG, type TransactionConfig } from '../../src/txn/transaction-config.js';
import { TransactionCoordinator } from '../../src/txn/transaction-coordinator.js';
import { TransactionStateLog } from '../../src/txn/transaction-state-log.js';

const cleanups: (() => void)[] = [];

afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

export function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'samsa-txn-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Records every marker it is asked for; `answer` decides each marker's error code. */
export class RecordingMarkerWriter implements TxnMarkerWriter {
  readonly requested: TxnMarker[] = [];
  readonly written: TxnMarker[] = [];
  answer: (marker: TxnMarker) => number = () => ErrorCode.NONE;
  private held: Promise<void> | undefined;
  private release: (() => void) | undefined;

  /** The next writes wait until `releaseWrites()`. */
  holdWrites(): void {
    this.held = new Promise((resolve) => {
      this.release = resolve;
    });
  }

  releaseWrites(): void {
    this.release?.();
    this.held = undefined;
  }

  async writeMarkers(markers: readonly TxnMarker[]): Promise<readonly number[]> {
    this.requested.push(...markers);
    if (this.held) await this.held;
    return markers.map((marker) => {
      const code = this.answer(marker);
      if (code === ErrorCode.NONE) this.written.push(marker);
      return code;
    });
  }
}

export class RecordingOffsets implements TxnOffsetsCompleter {
  readonly completed: { offsetsPartition: number; producerId: number; commit: boolean }[] = [];

  completeTransaction(offsetsPartition: number, producerId: number, commit: boolean): void {
    this.completed.push({ offsetsPartition, producerId, commit });
  }
}

export interface Harness {
  coordinator: TransactionCoordinator;
  stateLog: TransactionStateLog;
  writer: RecordingMarkerWriter;
  offsets: RecordingOffsets;
  clock: { now: number };
  /** Closes this coordinator and opens another over the same state log directory (a restart). */
  restart(): Harness;
}

export interface HarnessOptions {
  dataDir?: string;
  config?: Partial<TransactionConfig>;
  partitionExists?: (topic: string, partition: number) => boolean;
  writer?: RecordingMarkerWriter;
  clock?: { now: number };
  firstProducerId?: { next: number };
}

export function createCoordinator(options: HarnessOptions = {}): Harness {
  const clock = options.clock ?? { now: 1_700_000_000_000 };
  const ids = options.firstProducerId ?? { next: 1000 };
  const writer = options.writer ?? new RecordingMarkerWriter();
  const offsets = new RecordingOffsets();
  const stateLog = TransactionStateLog.open({
    dataDir: options.dataDir,
    logger: silentStorageLogger,
    now: () => clock.now,
  });
  const coordinator = new TransactionCoordinator({
    config: { ...DEFAULT_TRANSACTION_CONFIG, ...options.config },
    stateLog,
    nextProducerId: () => ids.next++,
    markers: writer,
    offsets,
    offsetsPartitionFor: coordinatorPartition,
    partitionExists: options.partitionExists ?? (() => true),
    logger: silentLogger,
    now: () => clock.now,
  });
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    coordinator.close();
  };
  cleanups.push(close);
  coordinator.start();
  return {
    coordinator,
    stateLog,
    writer,
    offsets,
    clock,
    restart() {
      if (options.dataDir === undefined) throw new Error('restart needs a data dir');
      close();
      return createCoordinator({
        ...options,
        writer: new RecordingMarkerWriter(),
        clock,
        firstProducerId: ids,
      });
    },
  };
}

export const tp = (topic: string, partition: number): TopicPartition => ({ topic, partition });

/** InitProducerId that must succeed. */
export function init(coordinator: TransactionCoordinator, transactionalId: string, timeoutMs = 60_000) {
  const result = coordinator.initProducerId(transactionalId, timeoutMs);
  if (result.errorCode !== ErrorCode.NONE) throw new Error(`InitProducerId failed with ${result.errorCode}`);
  return result;
}
