/**
 * The broker process of bench/partitions.ts: one dev broker (in memory, or on PARTITIONS_DATA_DIR),
 * started with `--expose-gc`. Prints `READY {"bootstrap", "startMs"}` once it serves (startMs: from
 * this process's start), then answers each `mem` line on stdin with `MEM {"heap", "rss", "external"}`
 * measured after a forced GC. SIGTERM stops it cleanly.
 */
import { createInterface } from 'node:readline';
import { startBroker } from '../src/index.js';

const dataDir = process.env.PARTITIONS_DATA_DIR || undefined;
const broker = await startBroker({ port: 0, ...(dataDir !== undefined && { dataDir }) });
const startMs = performance.now();
process.stdout.write(`READY ${JSON.stringify({ bootstrap: broker.bootstrap, startMs })}\n`);

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() !== 'mem') return;
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  process.stdout.write(`MEM ${JSON.stringify({ heap: m.heapUsed, rss: m.rss, external: m.external })}\n`);
});
process.on('SIGTERM', () => {
  broker.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
