/**
 * A latency benchmark producer process: connects one Node client's producer, sends one probe record
 * (connection and metadata set up off the clock), runs the open loop (open-loop.ts) and prints
 * `LATENCY_RESULT <json>`. Job in LATENCY_JOB: { client, bootstrap, topic, rate, warmupMs, durationMs }.
 */
import { nodeClients } from './clients.js';
import { type ProducerResult, runOpenLoop } from './open-loop.js';
import { RecordKind, recordTemplate, stampRecord, wallNow } from './record.js';

interface ProducerJob {
  client: string;
  bootstrap: string[];
  topic: string;
  rate: number;
  warmupMs: number;
  durationMs: number;
}

async function main(): Promise<ProducerResult> {
  const job = JSON.parse(process.env.LATENCY_JOB ?? '{}') as ProducerJob;
  const client = nodeClients[job.client];
  if (!client) return { ok: false, error: `unknown client ${job.client}` };
  const producer = await client.producer({ bootstrap: job.bootstrap, topic: job.topic });
  const now = wallNow();
  await producer.send(stampRecord(recordTemplate(), now, now, 0, RecordKind.Probe));
  const result = await runOpenLoop(job, (value) => producer.send(value));
  await Promise.race([producer.close(), new Promise((r) => setTimeout(r, 5000))]);
  return result;
}

main().then(
  (r) => {
    process.stdout.write(`LATENCY_RESULT ${JSON.stringify(r)}\n`);
    process.exit(0);
  },
  (err) => {
    process.stdout.write(
      `LATENCY_RESULT ${JSON.stringify({ ok: false, error: String(err?.stack ?? err) })}\n`,
    );
    process.exit(0);
  },
);
