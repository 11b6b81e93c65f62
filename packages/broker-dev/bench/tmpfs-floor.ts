/**
 * The floor under the dev broker's ingest CPU: what writing the produced bytes into kernel memory costs by
 * itself. Writes `--requests` copies of a `--bytes` buffer into a segment store the way the in-memory dev
 * broker does (ShmSegmentStore: an unlinked tmpfs file), and nothing else: no socket, no checks, no
 * JavaScript per request beyond the call. Prints `{"seconds":..,"userSeconds":..,"systemSeconds":..}` on stdout, or
 * `{"unavailable":true}` where there is no tmpfs. Run by ingest.ts beside the brokers, in the same run.
 */
import { parseArgs } from 'node:util';
import { kernelMemoryDirectory, ShmSegmentStore } from '../src/storage/shm-segment-store.js';

const { values: args } = parseArgs({
  options: {
    requests: { type: 'string', default: '1000' },
    bytes: { type: 'string', default: '1000000' },
  },
});
const dir = kernelMemoryDirectory();
if (dir === undefined) {
  console.log(JSON.stringify({ unavailable: true }));
} else {
  const data = Buffer.alloc(Number(args.bytes), 0x61);
  const store = new ShmSegmentStore(dir);
  const started = process.hrtime.bigint();
  const before = process.cpuUsage();
  for (let i = 0; i < Number(args.requests); i++) store.append(data);
  const used = process.cpuUsage(before);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  store.close();
  console.log(JSON.stringify({ seconds, userSeconds: used.user / 1e6, systemSeconds: used.system / 1e6 }));
}
