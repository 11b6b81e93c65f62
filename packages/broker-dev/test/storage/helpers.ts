import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { computeBatchCrc, readBaseOffset, readCrc, readLastOffset } from '@samsa/protocol';
import { buildBatch } from '@samsa/test-support/record-batches';
import { afterEach } from 'vitest';
import { PartitionLog, type PartitionLogOptions } from '../../src/storage/partition-log.js';
import type { StorageLogger } from '../../src/storage/storage-logger.js';

const dirs: string[] = [];

/** A fresh temporary directory, removed after the current test. */
export function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'samsa-storage-'));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Logger that keeps its lines, so tests can assert recovery reported what it did. */
export function recordingLogger(): StorageLogger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(`info ${m}`), warn: (m) => lines.push(`warn ${m}`) };
}

/** 'memory': the default in-memory store (kernel memory where there is a tmpfs); 'heap': heap buffers. */
export type Backend = 'memory' | 'heap' | 'disk';
export const BACKENDS: Backend[] = ['memory', 'heap', 'disk'];

/** The PartitionLogOptions that select `backend`. */
export function backendOptions(backend: Backend): Pick<PartitionLogOptions, 'dataDir' | 'segmentMemory'> {
  if (backend === 'disk') return { dataDir: tempDir() };
  return { dataDir: undefined, segmentMemory: backend === 'heap' ? 'heap' : 'auto' };
}

export function openLog(
  backend: Backend,
  options: Partial<PartitionLogOptions> = {},
): PartitionLog & { reopen(extra?: Partial<PartitionLogOptions>): PartitionLog } {
  const all: PartitionLogOptions = {
    topic: 't',
    partition: 0,
    logger: recordingLogger(),
    ...options,
    ...(backend === 'disk' && options.dataDir ? {} : backendOptions(backend)),
  };
  const log = PartitionLog.open(all);
  return Object.assign(log, {
    reopen(extra: Partial<PartitionLogOptions> = {}) {
      log.close();
      return PartitionLog.open({ ...all, ...extra });
    },
  });
}

/** Every offset covered by the batches read from `from` to the end, in order. */
export function offsetsIn(batches: Buffer[]): number[] {
  const out: number[] = [];
  for (const batch of batches) for (let o = baseOffsetOf(batch); o <= lastOffsetOf(batch); o++) out.push(o);
  return out;
}

/** Reads the whole log from its start in pieces, as a consumer would. */
export function readAll(log: PartitionLog, maxBytes = 64 * 1024): Buffer[] {
  const out: Buffer[] = [];
  let offset = log.logStartOffset;
  while (offset < log.highWatermark) {
    const batches = log.read(offset, maxBytes);
    if (batches.length === 0) break;
    out.push(...batches);
    offset = lastOffsetOf(batches[batches.length - 1]) + 1;
  }
  return out;
}

/** A batch of `count` records with values of `valueSize` bytes (keys k0..), all stamped `timestamp`. */
export function filledBatch(count: number, valueSize: number, timestamp = 1_700_000_000_000): Buffer {
  const value = Buffer.alloc(valueSize, 0x61);
  return buildBatch(Array.from({ length: count }, (_, i) => ({ key: `k${i}`, value, timestamp })));
}

export function baseOffsetOf(batch: Buffer): number {
  return Number(readBaseOffset(batch));
}

export function lastOffsetOf(batch: Buffer): number {
  return Number(readLastOffset(batch));
}

/** Checked with @samsa/protocol's CRC-32C, not the broker's own. */
export function crcIsValid(batch: Buffer): boolean {
  return readCrc(batch) === computeBatchCrc(batch);
}
