/**
 * Child process of the chaos suite: one consume-transform-produce worker. It reads the input topic
 * in a consumer group (read_committed) and, through runTransactional's eachBatch, writes each input
 * record to the output topic (same key, same value) and commits the input offsets in the same
 * transaction. The suite kills it with SIGKILL at random and starts it again with the same
 * transactionalId, which fences the dead instance and aborts its open transaction. SIGTERM stops it
 * cleanly (an open transaction is aborted).
 *
 * argv: <bootstrap> <group id> <input topic> <output topic> <transactional id> <work ms per batch>
 * Prints `RUNNING` once it joined the group; `FATAL <error>` on stderr if the loop ends in an error.
 */
import { Kafka, LogLevel, runTransactional } from '../../src/index.js';

const [bootstrap, groupId, input, output, transactionalId, workMs] = process.argv.slice(2);

// The suite holds stdin open: when it ends (the suite is gone), so does this worker.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();

const kafka = new Kafka({
  clientId: transactionalId,
  brokers: bootstrap.split(','),
  logLevel: process.env.SAMSA_CHAOS_CLIENT_LOG === '1' ? LogLevel.INFO : LogLevel.NOTHING,
  retry: { initialRetryTimeMs: 50, maxRetryTimeMs: 1000, retries: 30 },
});
const consumer = kafka.consumer({
  groupId,
  isolationLevel: 'read_committed',
  autoOffsetReset: 'earliest',
  sessionTimeoutMs: 2500,
  heartbeatIntervalMs: 250,
  rebalanceTimeoutMs: 5000,
  maxPollIntervalMs: 15_000,
  fetchMaxWaitMs: 100,
  maxPartitionFetchBytes: 16 * 1024,
});
// Kafka's default timeout: longer than a broker restart on a busy machine, which would otherwise abort
// the open transaction and fence this producer (fatal, as in Kafka; the suite counts such exits).
const producer = kafka.producer({ transactionalId, transactionTimeoutMs: 60_000, lingerMs: 2 });

async function connect(): Promise<void> {
  // The broker may be restarting when a worker starts: keep trying, the suite bounds the time.
  for (;;) {
    try {
      await producer.connect();
      return;
    } catch (err) {
      console.error(`connect: ${(err as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

await connect();
await consumer.subscribe({ topics: [input] });
const run = await runTransactional({
  consumer,
  producer,
  eachBatch: async ({ batch, producer: out }) => {
    void out.send({
      topic: output,
      messages: batch.messages.map((m) => ({ key: m.key, value: m.value })),
    });
    // Some work per batch keeps transactions open long enough for faults to land inside them.
    await new Promise((resolve) => setTimeout(resolve, Number(workMs)));
  },
});
console.log('RUNNING');

process.on('SIGTERM', async () => {
  await run.stop();
  await producer.disconnect().catch(() => {});
  await consumer.disconnect().catch(() => {});
  process.exit(0);
});

run.done.then(
  () => process.exit(0),
  (err: Error) => {
    console.error(`FATAL ${err.name}: ${err.message}`);
    process.exit(1);
  },
);
