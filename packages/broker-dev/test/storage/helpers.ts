import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { PartitionLog, type PartitionLogOptions } from '../../src/storage/partition-log.js';
import type { StorageLogger } from '../../src/storage/storage-logger.js';
import { baseOffsetOf, lastOffsetOf } from './batch-builder.js';

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
