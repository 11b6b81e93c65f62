// temporary profiling script (not committed)
import { mkdtempSync } from 'node:fs';
import { buildBatch } from '@samsa/test-support/record-batches';
import { LogManager } from '../src/storage/log-manager.js';

const N = Number(process.argv[2] ?? 500);
const phase = process.argv[3];
const dir = process.argv[4] ?? mkdtempSync('/tmp/x22br/prof-');
const logger = { info() {}, warn() {} };
const batch = buildBatch(Array.from({ length: 5 }, (_, i) => ({ value: `${i}`.padEnd(100, '.') })));
const t = performance.now();
const m = LogManager.open({ dataDir: dir, logger });
if (phase === 'create') {
  for (let p = 0; p < N; p++) m.getOrCreate('t', p).append(Buffer.from(batch), { leaderEpoch: 0 });
  console.log('created', (performance.now() - t).toFixed(0));
  const t2 = performance.now();
  m.close();
  console.log('closed', (performance.now() - t2).toFixed(0), dir);
} else {
  for (let p = 0; p < N; p++) m.getOrCreate('t', p);
  console.log('opened', (performance.now() - t).toFixed(0));
  if (phase === 'open-close') {
    const t2 = performance.now();
    m.close();
    console.log('closed', (performance.now() - t2).toFixed(0));
  }
}
