// temporary (not committed): close N checkpointed partitions sequentially (close) vs concurrently (closeAsync)
import { mkdtempSync, rmSync } from 'node:fs';
import { buildBatch } from '@samsa/test-support/record-batches';
import { LogManager } from '../src/storage/log-manager.js';

const N = Number(process.argv[2] ?? 500);
const mode = process.argv[3] as 'sync' | 'async';
const dir = mkdtempSync('/tmp/x22br/close-');
const logger = { info() {}, warn() {} };
const batch = buildBatch(Array.from({ length: 5 }, (_, i) => ({ value: `${i}`.padEnd(100, '.') })));
const m = LogManager.open({ dataDir: dir, logger, checkpointMinBytes: 0 });
for (let p = 0; p < N; p++) m.getOrCreate('t', p).append(Buffer.from(batch), { leaderEpoch: 0 });
const t = performance.now();
if (mode === 'sync') m.close();
else await m.closeAsync();
const closeMs = performance.now() - t;
const t2 = performance.now();
const m2 = LogManager.open({
  dataDir: dir,
  logger,
  checkpointMinBytes: 0,
  deferRecoverySyncs: mode === 'async',
});
for (let p = 0; p < N; p++) m2.getOrCreate('t', p);
if (mode === 'async') await m2.syncRecoveredDirectories();
const openMs = performance.now() - t2;
console.log(JSON.stringify({ N, mode, closeMs: Math.round(closeMs), openMs: Math.round(openMs) }));
rmSync(dir, { recursive: true, force: true });
