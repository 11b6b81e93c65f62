import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { PartitionLog } from '../../src/storage/partition-log.js';
import { crcIsValid, offsetsIn, readAll, recordingLogger, tempDir } from './helpers.js';

const writer = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'crash-writer.ts');

/** Runs the writer until it acknowledged `acks` appends (or 5 s passed), SIGKILLs it, returns the last acked offset. */
function runAndKill(dataDir: string, acks: number): Promise<{ lastAcked: number; startedAt: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=@samsa/source', '--import', 'tsx', writer, dataDir, '65536'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let lastAcked = -1;
    let startedAt = -1;
    let seen = 0;
    let pending = '';
    const kill = () => child.kill('SIGKILL');
    const timer = setTimeout(kill, 15_000);
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const [word, value] = line.split(' ');
        if (word === 'ready') {
          startedAt = Number(value);
          setTimeout(kill, 200 + Math.random() * 800);
        } else if (word === 'acked') {
          lastAcked = Number(value);
          if (++seen >= acks) kill();
        }
      }
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`writer exited without being killed (signal ${signal})`));
      else resolve({ lastAcked, startedAt });
    });
  });
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
