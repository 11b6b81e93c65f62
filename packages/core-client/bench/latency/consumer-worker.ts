/**
 * A latency benchmark consumer process for one Node client: consumes the run's topic with the
 * client's `eachMessage` (or its stream), timing every record in the handler (consumer-side.ts).
 * Job in LATENCY_JOB: { client, bootstrap, topic, groupId }.
 */
import { nodeClients } from './clients.js';
import { type ConsumerResult, LatencyConsumerSide, reportConsumerResult } from './consumer-side.js';

interface ConsumerJob {
  client: string;
  bootstrap: string[];
  topic: string;
  groupId: string;
}

async function main(): Promise<ConsumerResult> {
  const job = JSON.parse(process.env.LATENCY_JOB ?? '{}') as ConsumerJob;
  const client = nodeClients[job.client];
  if (!client) return { ok: false, error: `unknown client ${job.client}` };
  const side = new LatencyConsumerSide();
  const consumer = await client.consumer(job, (value) => side.handle(value));
  const result = await side.result();
  await Promise.race([consumer.close(), new Promise((r) => setTimeout(r, 5000))]);
  return result;
}

main().then(
  (r) => {
    reportConsumerResult(r);
    process.exit(0);
  },
  (err) => {
    reportConsumerResult({ ok: false, error: String(err?.stack ?? err) });
    process.exit(0);
  },
);
