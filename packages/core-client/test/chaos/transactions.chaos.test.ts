/**
 * Chaos, exactly once: N keyed input records on a multi-partition topic, consumed, transformed and
 * produced by several worker processes in one group through runTransactional (eachBatch + one
 * transaction per batch, the input offsets committed in it), while the dev broker (3 nodes in a child
 * process, on a data dir) drops connections, moves partition leaders and coordinators, fails requests,
 * loses responses, and the suite SIGKILLs workers (restarted with the same transactionalId) and the
 * broker itself (restarted on the same data dir and ports). Afterwards the output topic, read with
 * read_committed, must hold every input exactly once, each key's records in input order.
 *
 * Seeded: the seed is printed; SAMSA_CHAOS_SEED=<seed> replays the same fault schedule (timing on
 * a shared machine still varies, so a replay is likely, not certain, to hit the same interleaving).
 */
import { ErrorCode } from '@samsa/protocol';
import { afterAll, expect, it } from 'vitest';
import { Kafka, type Producer } from '../../src/index.js';
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
  retrying,
  SEED_VARIABLE,
  sleep,
  WorkerPool,
  waitForGroupCaughtUp,
} from './harness.js';

const INPUTS = 3000;
const KEYS = 60;
const PARTITIONS = 6;
const BROKERS = 3;
const WORKERS = 3;
const INPUT = 'chaos-txn-input';
const OUTPUT = 'chaos-txn-output';
const GROUP = 'chaos-txn';
/** Input arrives in waves over most of the time faults are injected. */
const WAVE = 100;
const CHAOS_MS = 15_000;
/** The fault loop goes on past CHAOS_MS until these many faults, the broker kills and a worker kill happened. */
const MIN_FAULTS = 20;
const CHAOS_LIMIT_MS = 60_000;
const BROKER_KILLS = 1;
const WORKER_KILLED = 'worker killed and restarted';

/** Retriable errors injected into the APIs the workers use, as a real cluster answers them in trouble. */
const FAILURES: { api: string; errorCode: number }[] = [
  { api: 'Produce', errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER },
  { api: 'Fetch', errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER },
  { api: 'FindCoordinator', errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE },
  { api: 'InitProducerId', errorCode: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS },
  { api: 'AddPartitionsToTxn', errorCode: ErrorCode.CONCURRENT_TRANSACTIONS },
  { api: 'AddOffsetsToTxn', errorCode: ErrorCode.NOT_COORDINATOR },
  { api: 'TxnOffsetCommit', errorCode: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS },
  { api: 'EndTxn', errorCode: ErrorCode.NOT_COORDINATOR },
  { api: 'OffsetFetch', errorCode: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS },
  { api: 'Heartbeat', errorCode: ErrorCode.REBALANCE_IN_PROGRESS },
];
/** APIs whose response is lost after the broker handled them: the client must retry safely. */
const LOST_RESPONSES = ['Produce', 'AddPartitionsToTxn', 'AddOffsetsToTxn', 'TxnOffsetCommit', 'EndTxn'];
const CUT_ON = ['Produce', 'Fetch', 'EndTxn', 'TxnOffsetCommit', 'JoinGroup', 'SyncGroup', 'Heartbeat'];

const seed = chaosSeed();
let broker: BrokerProcess | undefined;
let workers: WorkerPool | undefined;

afterAll(async () => {
  await workers?.stopAll();
  await broker?.close();
}, 60_000);

it('outputs every input exactly once, in per-key order, through worker and broker kills and faults', async () => {
  console.log(`chaos transactions: seed ${seed} (replay with ${SEED_VARIABLE}=${seed})`);
  const random = new Random(seed);
  const faults = new FaultTally();
  const timings: Record<string, number> = {};
  let phase = Date.now();
  const lap = (name: string) => {
    timings[name] = Date.now() - phase;
    phase = Date.now();
  };
  broker = await BrokerProcess.start(BROKERS);
  const kafka = new Kafka({
    clientId: 'chaos-suite',
    brokers: broker.bootstrap,
    logLevel: clientLogLevel,
    retry: { initialRetryTimeMs: 50, maxRetryTimeMs: 1000, retries: 30 },
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [INPUT, OUTPUT].map((topic) => ({
      topic,
      numPartitions: PARTITIONS,
      replicationFactor: BROKERS,
    })),
  });
  await admin.disconnect();

  workers = new WorkerPool(broker, { groupId: GROUP, input: INPUT, output: OUTPUT, workMs: 40 }, WORKERS);
  workers.startAll();
  await workers.waitUntilRunning();
  faults.note('workers running');

  const producer = kafka.producer({ lingerMs: 5 });
  await producer.connect();
  const feeding = feedInput(producer);
  lap('setupMs');

  const brokerKillsAt = Array.from({ length: BROKER_KILLS }, (_, i) =>
    random.int(((i + 0.3) * CHAOS_MS) / BROKER_KILLS, ((i + 0.8) * CHAOS_MS) / BROKER_KILLS),
  );
  const started = Date.now();
  const restarts: Promise<void>[] = [];
  const moreChaos = () =>
    Date.now() - started < CHAOS_MS ||
    faults.total < MIN_FAULTS ||
    brokerKillsAt.length > 0 ||
    faults.count(WORKER_KILLED) === 0;
  while (moreChaos() && Date.now() - started < CHAOS_LIMIT_MS) {
    await sleep(random.int(200, 600));
    if (brokerKillsAt.length > 0 && Date.now() - started >= brokerKillsAt[0]!) {
      brokerKillsAt.shift();
      await broker.kill();
      faults.add('broker killed and restarted');
      await sleep(random.int(100, 1000));
      await broker.start();
      faults.note('broker back');
      // The next kill waits until the workers had a few seconds with the broker back.
      if (brokerKillsAt.length > 0)
        brokerKillsAt[0] = Math.max(brokerKillsAt[0]!, Date.now() - started + 3000);
      continue;
    }
    await inject(random, faults, restarts).catch((err: Error) => {
      // A control call refused (a leader move to a broker mid-restart, say) injects nothing.
      faults.note(`refused: ${err.message.slice(0, 60)}`);
    });
  }
  await feeding;
  await Promise.all(restarts);
  await broker.control('clearFaults');
  for (let slot = 0; slot < WORKERS; slot++) if (!workers.isRunning(slot)) workers.start(slot);

  lap('chaosMs');
  await waitForGroupCaughtUp(kafka, GROUP, INPUT, 60_000);
  lap('catchUpMs');
  await workers.stopAll();
  await retrying('producer disconnect', () => producer.disconnect());
  lap('stopMs');

  const inputLog = checkExactlyOnce(INPUTS, KEYS, await readAll(kafka, INPUT, 'read_uncommitted'));
  const everything = await readAll(kafka, OUTPUT, 'read_uncommitted');
  const output = checkExactlyOnce(INPUTS, KEYS, await readAll(kafka, OUTPUT, 'read_committed'));
  lap('readMs');
  const summary = {
    seed,
    inputs: output.inputs,
    outputs: output.outputs,
    duplicates: output.duplicates,
    losses: output.losses,
    orderViolations: output.orderViolations,
    abortedOutputRecords: everything.length - output.outputs,
    inputLog: {
      records: inputLog.outputs,
      duplicates: inputLog.duplicates,
      losses: inputLog.losses,
      orderViolations: inputLog.orderViolations,
    },
    unexpectedWorkerExits: workers.unexpectedExits.length,
    faults: faults.toJSON(),
    timings,
  };
  console.log(`chaos transactions: ${JSON.stringify(summary, null, 2)}`);
  console.log(`chaos transactions: faults: ${faults.timeline()}`);
  for (const exit of workers.unexpectedExits) console.log(`chaos transactions: ${exit}`);
  const replay = `(seed ${seed}; replay with ${SEED_VARIABLE}=${seed})`;
  expect(inputLog.examples, `input log ${replay}`).toEqual([]);
  expect(output.examples, `output ${replay}`).toEqual([]);
  expect(output.outputs, replay).toBe(INPUTS);
  expect(workers.unexpectedExits, replay).toEqual([]);
  expect(faults.total, replay).toBeGreaterThanOrEqual(MIN_FAULTS);
}, 180_000);

/**
 * Produces the input in waves spread over the chaos. Sends are not awaited one by one (a broker
 * restart would stall the feed): the idempotent producer keeps each key's records in call order.
 */
async function feedInput(producer: Producer): Promise<void> {
  const sends: Promise<unknown>[] = [];
  for (let start = 0; start < INPUTS; start += WAVE) {
    const messages = [];
    for (let i = start; i < Math.min(INPUTS, start + WAVE); i++)
      messages.push({ key: inputKey(i, KEYS), value: inputValue(i, KEYS) });
    sends.push(producer.send({ topic: INPUT, messages }));
    await sleep((0.7 * CHAOS_MS) / (INPUTS / WAVE));
  }
  await Promise.all(sends);
}

/** One fault, picked by the seeded generator. */
async function inject(random: Random, faults: FaultTally, restarts: Promise<void>[]): Promise<void> {
  const b = broker!;
  const kind = random.int(0, 99);
  if (kind < 14) {
    await b.control('dropConnections');
    faults.add('connections dropped');
  } else if (kind < 32) {
    const topic = random.pick([INPUT, OUTPUT]);
    await b.control('movePartitionLeader', topic, random.int(0, PARTITIONS - 1), random.int(1, BROKERS));
    faults.add('partition leader moved');
  } else if (kind < 38) {
    await b.control('moveCoordinator', GROUP, random.int(1, BROKERS));
    faults.add('group coordinator moved');
  } else if (kind < 44) {
    await b.control('moveCoordinator', `${GROUP}-tx-${random.int(0, WORKERS - 1)}`, random.int(1, BROKERS));
    faults.add('transaction coordinator moved');
  } else if (kind < 64) {
    const { api, errorCode } = random.pick(FAILURES);
    await b.control('failNextRequests', api, random.int(1, 3), errorCode);
    faults.add(`${api} failed`);
  } else if (kind < 78) {
    const api = random.pick(LOST_RESPONSES);
    await b.control('dropResponseOnNext', api);
    faults.add(`${api} response lost`);
  } else if (kind < 90) {
    const api = random.pick(CUT_ON);
    await b.control('dropConnectionOnNext', api);
    faults.add(`connection cut on ${api}`);
  } else {
    const slot = random.int(0, WORKERS - 1);
    const pool = workers!;
    if (!pool.isRunning(slot)) return;
    await pool.kill(slot);
    faults.add(WORKER_KILLED);
    const downMs = random.int(100, 2000);
    restarts.push(sleep(downMs).then(() => pool.start(slot)));
  }
}
