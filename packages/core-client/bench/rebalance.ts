/**
 * `npm run bench:rebalance -w @samsa/core-client`: how much a membership change costs a group of 20
 * Samsa consumers, per group protocol, side by side in one run against one @samsa/broker-dev:
 * classic eager (range), classic cooperative-sticky, and KIP-848's consumer protocol.
 *
 * - join / leave: a producer writes a record to each of 60 partitions every 50 ms. A 21st member
 *   joins (then one leaves); the time until every member, and every partition, delivers a record
 *   produced after the change is "until every member consumes again".
 * - rolling restart: 20 members work through a backlog, each record costing ~1 ms of waiting (an
 *   I/O-bound handler); on a fixed schedule (one every 500 ms, as an orchestrator replaces pods)
 *   each member is stopped (graceful leave) and a new one started. Reported: records processed in
 *   the window (the schedule plus one second), and what the rate measured just before would have
 *   done in it (an undisturbed group).
 *
 * Heartbeats are 500 ms for every protocol (client side for classic, broker side for KIP-848), so
 * the protocols, not their defaults, are compared. Bounded: every wait gives up after 60 s.
 * Env: BENCH_MEMBERS (default 20). Prints a table, then JSON (also in bench-results/).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { startBroker } from '@samsa/broker-dev';
import type { Consumer } from '../src/consumer/consumer.js';
import { Kafka, LogLevel } from '../src/index.js';

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 20);
const PARTITIONS = MEMBERS * 3;
const HEARTBEAT_MS = 500;
const SESSION_MS = 10_000;
const PRODUCE_EVERY_MS = 50;
const BACKLOG = 200_000;
const RESTART_EVERY_MS = 500;
const WAIT_LIMIT_MS = 60_000;

type Protocol = 'classic eager (range)' | 'classic cooperative-sticky' | 'consumer (KIP-848)';
const PROTOCOLS: Protocol[] = ['classic eager (range)', 'classic cooperative-sticky', 'consumer (KIP-848)'];

function optionsFor(protocol: Protocol) {
  switch (protocol) {
    case 'classic eager (range)':
      return {
        partitionAssignors: ['range' as const],
        heartbeatIntervalMs: HEARTBEAT_MS,
        sessionTimeoutMs: SESSION_MS,
      };
    case 'classic cooperative-sticky':
      return {
        partitionAssignors: ['cooperative-sticky' as const],
        heartbeatIntervalMs: HEARTBEAT_MS,
        sessionTimeoutMs: SESSION_MS,
      };
    case 'consumer (KIP-848)':
      return { groupProtocol: 'consumer' as const };
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + WAIT_LIMIT_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up after ${WAIT_LIMIT_MS} ms waiting for ${what}`);
    await sleep(5);
  }
}

const broker = await startBroker({
  partitions: PARTITIONS,
  groupConsumerHeartbeatIntervalMs: HEARTBEAT_MS,
  groupConsumerSessionTimeoutMs: SESSION_MS,
});
const kafka = new Kafka({
  clientId: 'bench-rebalance',
  brokers: broker.bootstrap,
  logLevel: LogLevel.NOTHING,
});
const admin = kafka.admin();
await admin.connect();

interface Member {
  name: string;
  consumer: Consumer;
  /** Delivery times of records produced at or after `since`. */
  firstAfter: (since: number) => number | undefined;
}

/** Join/leave: members deliver a steady stream; returns ms until every member and partition delivers again. */
async function membershipChange(
  protocol: Protocol,
  index: number,
): Promise<{ joinMs: number; leaveMs: number }> {
  const topic = `steady-${index}`;
  const groupId = `steady-${index}`;
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] });
  const producer = kafka.producer({ acks: 1, lingerMs: 0 });
  await producer.connect();
  let producing = true;
  const production = (async () => {
    while (producing) {
      const now = String(Date.now());
      await producer.send({
        topic,
        messages: Array.from({ length: PARTITIONS }, (_, partition) => ({ partition, value: now })),
      });
      await sleep(PRODUCE_EVERY_MS);
    }
  })();
  /** Per partition and per member: deliveries as [deliveredAt, producedAt]. */
  const byPartition = new Map<number, [number, number][]>();
  const start = async (name: string): Promise<Member> => {
    const deliveries: [number, number][] = [];
    const consumer: Consumer = kafka.consumer({
      groupId,
      autoOffsetReset: 'latest',
      fetchMaxWaitMs: 100,
      ...optionsFor(protocol),
    });
    await consumer.subscribe({ topics: [topic] });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const at: [number, number] = [Date.now(), Number(message.value!.toString())];
        deliveries.push(at);
        const list = byPartition.get(partition) ?? [];
        if (list.length === 0) byPartition.set(partition, list);
        list.push(at);
      },
    });
    return {
      name,
      consumer,
      firstAfter: (since) => deliveries.find(([, produced]) => produced >= since)?.[0],
    };
  };
  const firstAfterOnPartition = (p: number, since: number) =>
    byPartition.get(p)?.find(([, produced]) => produced >= since)?.[0];
  const everyoneAgain = async (members: Member[], since: number) => {
    await until(
      'every member and partition to deliver again',
      () =>
        members.every((m) => m.firstAfter(since) !== undefined) &&
        Array.from({ length: PARTITIONS }, (_, p) => firstAfterOnPartition(p, since)).every(
          (t) => t !== undefined,
        ),
    );
    const times = [
      ...members.map((m) => m.firstAfter(since)!),
      ...Array.from({ length: PARTITIONS }, (_, p) => firstAfterOnPartition(p, since)!),
    ];
    return Math.max(...times) - since;
  };
  const members = await Promise.all(Array.from({ length: MEMBERS }, (_, i) => start(`m${i}`)));
  try {
    await everyoneAgain(members, Date.now());
    await sleep(1000);
    const joinAt = Date.now();
    members.push(await start('joiner'));
    const joinMs = await everyoneAgain(members, joinAt);
    await sleep(1000);
    const leaver = members.shift()!;
    const leaveAt = Date.now();
    await leaver.consumer.disconnect();
    const leaveMs = await everyoneAgain(members, leaveAt);
    return { joinMs, leaveMs };
  } finally {
    producing = false;
    await production;
    await producer.disconnect();
    await Promise.all(members.map((m) => m.consumer.disconnect()));
  }
}

/** Rolling restart over a backlog: records processed during it, and what the rate before it predicts. */
async function rollingRestart(
  protocol: Protocol,
  index: number,
): Promise<{ processed: number; undisturbed: number; ms: number }> {
  const topic = `backlog-${index}`;
  const groupId = `rolling-${index}`;
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] });
  const producer = kafka.producer({ acks: 1, lingerMs: 5 });
  await producer.connect();
  const value = Buffer.alloc(100, 120);
  for (let sent = 0; sent < BACKLOG; sent += 10_000) {
    await producer.send({ topic, messages: Array.from({ length: 10_000 }, () => ({ value })) });
  }
  await producer.disconnect();
  let processed = 0;
  const start = async () => {
    const consumer: Consumer = kafka.consumer({
      groupId,
      autoOffsetReset: 'earliest',
      ...optionsFor(protocol),
    });
    await consumer.subscribe({ topics: [topic] });
    await consumer.run({
      eachMessage: async () => {
        await sleep(1);
        processed++;
      },
    });
    return consumer;
  };
  const members = await Promise.all(Array.from({ length: MEMBERS }, () => start()));
  try {
    await until('the group to settle', () => members.every((c) => c.assignment().length > 0));
    await sleep(2000);
    const rateFrom = processed;
    const rateStart = Date.now();
    await sleep(2000);
    const ratePerMs = (processed - rateFrom) / (Date.now() - rateStart);
    const before = processed;
    const restartAt = Date.now();
    const pending: Promise<unknown>[] = [];
    const started: Consumer[] = [];
    for (let i = 0; i < MEMBERS; i++) {
      const old = members[i];
      pending.push(
        old.disconnect(),
        start().then((c) => started.push(c)),
      );
      await sleep(restartAt + (i + 1) * RESTART_EVERY_MS - Date.now());
    }
    await sleep(1000);
    const ms = Date.now() - restartAt;
    const result = { processed: processed - before, undisturbed: Math.round(ratePerMs * ms), ms };
    await Promise.all(pending);
    members.splice(0, members.length, ...started);
    return result;
  } finally {
    await Promise.all(members.map((c) => c.disconnect()));
  }
}

interface Result {
  protocol: Protocol;
  joinMs?: number;
  leaveMs?: number;
  rolling?: { processed: number; undisturbed: number; ms: number };
  error?: string;
}

const results: Result[] = [];
try {
  for (const [index, protocol] of PROTOCOLS.entries()) {
    const result: Result = { protocol };
    results.push(result);
    try {
      Object.assign(result, await membershipChange(protocol, index));
      result.rolling = await rollingRestart(protocol, index);
    } catch (err) {
      result.error = (err as Error).message;
    }
    process.stderr.write(`${protocol}: ${JSON.stringify(result)}\n`);
  }
} finally {
  await admin.disconnect();
  await broker.stop();
}

const ms = (n: number | undefined) => (n === undefined ? 'n/a' : `${n} ms`);
const header = [
  'protocol',
  'member joins',
  'member leaves',
  'rolling restart: processed',
  'undisturbed rate would',
  'share',
];
const rows = results.map((r) => [
  r.protocol,
  ms(r.joinMs),
  ms(r.leaveMs),
  r.rolling ? `${r.rolling.processed} in ${r.rolling.ms} ms` : 'n/a',
  r.rolling ? String(r.rolling.undisturbed) : 'n/a',
  r.rolling
    ? `${Math.round((100 * r.rolling.processed) / Math.max(1, r.rolling.undisturbed))}%`
    : (r.error ?? ''),
]);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
console.log(
  `\nGroup of ${MEMBERS} on ${PARTITIONS} partitions, heartbeats ${HEARTBEAT_MS} ms: time until every member consumes again`,
);
console.log(line(header));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const r of rows) console.log(line(r));
const json = JSON.stringify(
  { members: MEMBERS, partitions: PARTITIONS, heartbeatMs: HEARTBEAT_MS, results },
  null,
  2,
);
console.log(json);
mkdirSync('bench-results', { recursive: true });
writeFileSync(`bench-results/rebalance-${new Date().toISOString().replace(/[:.]/g, '-')}.json`, json);
