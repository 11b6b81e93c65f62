import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startScript } from '@samsa/test-support';
import { expect, test } from 'vitest';
import { PartitionLog } from '../../src/storage/partition-log.js';
import { crcIsValid, offsetsIn, readAll, recordingLogger, tempDir } from './helpers.js';

const writer = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'crash-writer.ts');

/**
 * Runs the writer until it acknowledged `acks` appends (or 0.2-1 s passed after the first segment rolled),
 * SIGKILLs it, returns the last acked offset.
 */
async function runAndKill(dataDir: string, acks: number): Promise<{ lastAcked: number; startedAt: number }> {
  const child = startScript(writer, [dataDir, '65536']);
  try {
    const [, startedAt] = await child.waitForOutput(/^ready (\d+)$/m);
    const ackedLines = (stdout: string) =>
      stdout.split('\n').filter((line) => line.startsWith('acked ')).length;
    // About 64 appends fill a 64 KiB segment; on a loaded machine 0.2 s may not get that far.
    await child.waitUntil('200 acknowledged appends', (stdout) => ackedLines(stdout) >= 200, {
      timeoutMs: 30_000,
    });
    await Promise.race([
      new Promise((resolve) => setTimeout(resolve, 200 + Math.random() * 800)),
      // A writer that dies first is caught below: it was not killed.
      child
        .waitUntil(`${acks} acknowledged appends`, (stdout) => ackedLines(stdout) >= acks, {
          timeoutMs: 15_000,
        })
        .catch(() => {}),
    ]);
    await child.stop('SIGKILL');
    const { signal } = await child.closed;
    if (signal !== 'SIGKILL') throw new Error(`writer exited without being killed:\n${child.stderr()}`);
    // Only complete lines: the last one may have been cut by the kill.
    const complete = child.stdout().slice(0, child.stdout().lastIndexOf('\n'));
    const acked = [...complete.matchAll(/^acked (\d+)$/gm)];
    return {
      lastAcked: acked.length ? Number(acked[acked.length - 1]![1]) : -1,
      startedAt: Number(startedAt),
    };
  } finally {
    await child.stop('SIGKILL');
  }
}

test('after SIGKILL during appends every acknowledged batch is there and offsets are contiguous', async () => {
  const dataDir = tempDir();
  let previousHwm = 0;
  for (let round = 0; round < 3; round++) {
    const { lastAcked, startedAt } = await runAndKill(dataDir, 5_000 + Math.floor(Math.random() * 20_000));
    expect(startedAt).toBe(previousHwm);
    expect(lastAcked).toBeGreaterThanOrEqual(previousHwm);
    const log = PartitionLog.open({ topic: 'crash', partition: 0, dataDir, logger: recordingLogger() });
    expect(log.highWatermark).toBeGreaterThan(lastAcked);
    const batches = readAll(log, 256 * 1024);
    expect(batches.every(crcIsValid)).toBe(true);
    const offsets = offsetsIn(batches);
    expect(offsets.length).toBe(log.highWatermark);
    expect(offsets.every((offset, i) => offset === i)).toBe(true);
    expect(log.segmentCount).toBeGreaterThan(1);
    previousHwm = log.highWatermark;
    // Close without the clean-shutdown path half the time, as after another crash.
    if (round % 2 === 0) log.close();
  }
}, 90_000);
