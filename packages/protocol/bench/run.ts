/**
 * `npm run bench -w @samsa/protocol`: every protocol benchmark, Samsa beside KafkaJS's
 * equivalent in the same process, as tables of ratios followed by one JSON line for tracking.
 */
import { runCompressionBench } from './compression.js';
import { runMessagesBench } from './messages.js';
import { formatTable, runRecordsBench } from './records.js';

const messages = await runMessagesBench();
console.log(formatTable('Protocol messages (MB/s of record payload; higher is better)', messages));
console.log();
const records = await runRecordsBench();
console.log(formatTable('RecordBatch v2 and CRC32C (MB/s)', records));
console.log();
const compression = await runCompressionBench();
console.log(formatTable('Compression codecs (MB/s of uncompressed bytes)', compression));
console.log();
console.log(
  JSON.stringify({
    bench: '@samsa/protocol',
    date: new Date().toISOString(),
    messages,
    records,
    compression,
  }),
);
