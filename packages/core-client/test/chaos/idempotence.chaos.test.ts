/**
 * Chaos, idempotence alone (no transactions): one idempotent producer (the default) sends N keyed
 * records with several requests in flight per broker while the dev broker (3 nodes in a child process,
 * on a data dir) drops connections, moves partition leaders, fails produce requests, loses produce
 * responses after appending, and is killed and restarted on its data dir. The topic must then hold
 * every record exactly once, each key's records in send order. The producer itself is never
 * restarted: a new producer has a new id and may legitimately resend what the old one sent.
 *
 * Seeded: the seed is printed; SAMSA_CHAOS_SEED=<seed> replays the same fault schedule.
 */
import { ErrorCode } from '@samsa/protocol';
import { waitFor } from '@samsa/test-support';
import { afterAll, expect, it } from 'vitest';
import { Kafka } from '../../src/index.js';
import {
  BrokerProcess,
  chaosSeed,
  checkExactlyOnce,
  clientLogLevel,
  FaultTally,
  inputKey,
  inputValue,
  Random,
  readAll,
  SEED_VARIABLE,
  sleep,
} from './harness.js';

const RECORDS = 10_000;
const KEYS = 100;
const PARTITIONS = 6;
const BROKERS = 3;
const TOPIC = 'chaos-idempotence';
/** Records per send() call; calls are not awaited one by one, so many batches are in flight. */
const PER_SEND = 50;
const CHAOS_MS = 10_000;
/** Faults go on while records are sent, and past that until these many faults and the broker kill happened. */
const MIN_FAULTS = 15;
const CHAOS_LIMIT_MS = 45_000;

const PRODUCE_FAILURES = [
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.REQUEST_TIMED_OUT,
  ErrorCode.NOT_ENOUGH_REPLICAS,
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
];

const seed = chaosSeed();
let broker: BrokerProcess | undefined;

afterAll(async () => {
  await broker?.close();
}, 30_000);

it('writes every record exactly once, in per-key order, through connection cuts, leader moves and a broker restart', async () => {
  console.log(`chaos idempotence: seed ${seed} (replay with ${SEED_VARIABLE}=${seed})`);
  const random = new Random(seed);
  const faults = new FaultTally();
  broker = await BrokerProcess.start(BROKERS);
  const kafka = new Kafka({
    clientId: 'chaos-idempotence',
    brokers: broker.bootstrap,
    logLevel: clientLogLevel,
    retry: { initialRetryTimeMs: 50, maxRetryTimeMs: 1000, retries: 30 },
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic: TOPIC, numPartitions: PARTITIONS, replicationFactor: BROKERS }],
  });
  await admin.disconnect();

  const producer = kafka.producer({ lingerMs: 2, batchSize: 4096 });
  await producer.connect();
  const failedSends: string[] = [];
  let sent = 0;
  const sending = (async () => {
    const pending: Promise<unknown>[] = [];
    for (let start = 0; start < RECORDS; start += PER_SEND) {
      const messages = [];
      for (let i = start; i < Math.min(RECORDS, start + PER_SEND); i++)
        messages.push({ key: inputKey(i, KEYS), value: inputValue(i, KEYS) });
      pending.push(
        producer.send({ topic: TOPIC, messages }).then(
          () => {
            sent += messages.length;
          },
          (err: Error) => failedSends.push(`${err.name}: ${err.message}`),
        ),
      );
      // Spread the sends over the chaos, a few in flight at any time.
      if (pending.length % 20 === 0) await sleep(CHAOS_MS / (RECORDS / PER_SEND / 20));
    }
    await Promise.all(pending);
  })();

  const brokerKillAt = random.int(CHAOS_MS * 0.3, CHAOS_MS * 0.7);
  let brokerKilled = false;
  let done = false;
  void sending.then(() => {
    done = true;
  });
  const started = Date.now();
  while ((!done || !brokerKilled || faults.total < MIN_FAULTS) && Date.now() - started < CHAOS_LIMIT_MS) {
    await sleep(random.int(100, 500));
    if (!brokerKilled && Date.now() - started >= brokerKillAt) {
      brokerKilled = true;
      await broker.kill();
      faults.add('broker killed and restarted');
      await sleep(random.int(100, 1000));
      await broker.start();
      faults.note('broker back');
      continue;
    }
    const kind = random.int(0, 99);
    try {
      if (kind < 20) {
        await broker.control('dropConnections');
        faults.add('connections dropped');
      } else if (kind < 45) {
        const partition = random.int(0, PARTITIONS - 1);
        await broker.control('movePartitionLeader', TOPIC, partition, random.int(1, BROKERS));
        faults.add('partition leader moved');
      } else if (kind < 65) {
        await broker.control('dropResponseOnNext', 'Produce', { count: random.int(1, 3) });
        faults.add('Produce response lost');
      } else if (kind < 80) {
        await broker.control('dropConnectionOnNext', 'Produce');
        faults.add('connection cut on Produce');
      } else {
        const errorCode = random.pick(PRODUCE_FAILURES);
        await broker.control('failNextRequests', 'Produce', random.int(1, 3), errorCode);
        faults.add('Produce failed');
      }
    } catch (err) {
      faults.note(`refused: ${(err as Error).message.slice(0, 60)}`);
    }
  }
  await broker.control('clearFaults');
  await waitFor(
    'every send to settle once the faults stopped',
    () => {
      if (done) return true;
      throw new Error(`${RECORDS - sent - failedSends.length * PER_SEND} records unsettled`);
    },
    { timeoutMs: 30_000, intervalMs: 100 },
  );
  await producer.disconnect();

  const log = checkExactlyOnce(RECORDS, KEYS, await readAll(kafka, TOPIC, 'read_uncommitted'));
  const summary = {
    seed,
    inputs: RECORDS,
    acknowledged: sent,
    failedSends: failedSends.length,
    outputs: log.outputs,
    duplicates: log.duplicates,
    losses: log.losses,
    orderViolations: log.orderViolations,
    faults: faults.toJSON(),
  };
  console.log(`chaos idempotence: ${JSON.stringify(summary, null, 2)}`);
  console.log(`chaos idempotence: faults: ${faults.timeline()}`);
  const replay = `(seed ${seed}; replay with ${SEED_VARIABLE}=${seed})`;
  expect(failedSends.slice(0, 5), replay).toEqual([]);
  expect(log.examples, replay).toEqual([]);
  expect(log.outputs, replay).toBe(RECORDS);
  expect(faults.total, replay).toBeGreaterThanOrEqual(MIN_FAULTS);
}, 120_000);
