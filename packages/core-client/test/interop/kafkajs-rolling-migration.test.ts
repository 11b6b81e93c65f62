/**
 * Migrating a service from KafkaJS 2.2.4 to Samsa one instance at a time, on the dev broker: a group of three
 * KafkaJS consumers is consuming while records keep arriving; Samsa consumers with `kafkajsCompatible: true`
 * join the group one by one and each time a KafkaJS member leaves, until only Samsa members remain. Every
 * record is processed, none twice, and the committed offsets end at the log end. A Samsa consumer with Java's
 * defaults is refused by the same group with a message that names the option to set.
 */
import { startBroker } from '@samsa/broker-dev';
import { waitFor } from '@samsa/test-support';
import { Kafka as KafkaJS, type Consumer as KafkaJSConsumer, logLevel as kafkajsLogLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Consumer, GroupJoinError, Kafka, LogLevel } from '../../src/index.js';

const TOPIC = 'payments';
const PARTITIONS = 6;
const GROUP = 'payments-service';
const MEMBERS = 3;
/** Records produced while the switch runs stop at this many, whatever happens (a bound, not a target). */
const MAX_RECORDS = 20_000;

type RunningBroker = Awaited<ReturnType<typeof startBroker>>;
let broker: RunningBroker;
let samsa: Kafka;

beforeAll(async () => {
  broker = await startBroker({ port: 0, groupMinSessionTimeoutMs: 500 });
  samsa = new Kafka({
    clientId: 'samsa-migration',
    brokers: broker.bootstrap,
    logLevel: process.env.SAMSA_TEST_LOG ? LogLevel.DEBUG : LogLevel.NOTHING,
  });
  const admin = samsa.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS }] });
  await admin.disconnect();
});

afterAll(async () => {
  await broker?.stop();
});

describe('a rolling switch from KafkaJS 2.2.4 to Samsa in one consumer group', () => {
  it('loses no record and processes none twice, and a consumer with Java defaults is told what to set', {
    timeout: 180_000,
  }, async () => {
    /** How often each record (`partition:offset`) was processed, and by whom. */
    const processed = new Map<string, string[]>();
    const record = (who: string, partition: number, offset: string) => {
      const key = `${partition}:${offset}`;
      const by = processed.get(key);
      if (by) by.push(who);
      else processed.set(key, [who]);
    };
    const assigned = new Map<string, number>();

    const kafkajs = new KafkaJS({
      clientId: 'kafkajs-service',
      brokers: broker.bootstrap,
      logLevel: kafkajsLogLevel.NOTHING,
    });
    const kafkajsMembers: KafkaJSConsumer[] = [];
    for (let i = 0; i < MEMBERS; i++) {
      const who = `kafkajs-${i}`;
      const consumer = kafkajs.consumer({ groupId: GROUP, sessionTimeout: 10_000, heartbeatInterval: 500 });
      consumer.on(consumer.events.GROUP_JOIN, (event) => {
        assigned.set(who, Object.values(event.payload.memberAssignment).flat().length);
      });
      await consumer.connect();
      await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ partition, message }) => record(who, partition, message.offset),
      });
      kafkajsMembers.push(consumer);
    }
    const admin = samsa.admin();
    await admin.connect();
    const groupIs = async (clientIds: string[]) => {
      const [group] = (await admin.describeGroups([GROUP])).groups;
      if (group.state !== 'Stable') return false;
      return JSON.stringify(group.members.map((m) => m.clientId).sort()) === JSON.stringify(clientIds.sort());
    };
    await waitFor('the KafkaJS group to be stable', () => groupIs(Array(MEMBERS).fill('kafkajs-service')), {
      timeoutMs: 60_000,
    });

    // Records keep arriving during the whole switch.
    const producer = samsa.producer({ lingerMs: 1 });
    await producer.connect();
    let sent = 0;
    let producing = true;
    const production = (async () => {
      while (producing && sent < MAX_RECORDS) {
        const messages = Array.from({ length: 10 }, (_, j) => ({ key: `payment-${sent + j}`, value: 'x' }));
        await producer.send({ topic: TOPIC, messages });
        sent += messages.length;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    // Java's defaults cannot join: the message names the option, and comes at once.
    const misfit = samsa.consumer({ groupId: GROUP });
    await misfit.subscribe({ topics: [TOPIC] });
    const refusedAt = performance.now();
    const refusal = await misfit.run({ eachMessage: async () => {} }).catch((error: unknown) => error);
    const refusedAfterMs = Math.round(performance.now() - refusedAt);
    await misfit.disconnect();
    expect(refusal).toBeInstanceOf(GroupJoinError);
    expect((refusal as Error).message).toMatch(
      /KafkaJS consumers using KafkaJS's assignor "RoundRobinAssigner"/,
    );
    expect((refusal as Error).message).toMatch(/Set kafkajsCompatible: true/);
    console.info(`refused in ${refusedAfterMs} ms: ${(refusal as Error).message}`);

    // One by one: a Samsa member joins, then a KafkaJS member leaves.
    const samsaMembers: Consumer[] = [];
    for (let i = 0; i < MEMBERS; i++) {
      const who = `samsa-${i}`;
      const member = new Kafka({
        clientId: 'samsa-service',
        brokers: broker.bootstrap,
        logLevel: LogLevel.NOTHING,
      }).consumer({ groupId: GROUP, kafkajsCompatible: true, heartbeatIntervalMs: 500 });
      member.on(member.events.GROUP_JOIN, (event) => {
        const assignment = event.payload.memberAssignment as Record<string, number[]>;
        assigned.set(who, Object.values(assignment).flat().length);
      });
      await member.subscribe({ topics: [TOPIC], fromBeginning: true });
      await member.run({
        eachMessage: async ({ partition, message }) => record(who, partition, message.offset),
      });
      samsaMembers.push(member);
      const present = [...Array(MEMBERS - i).fill('kafkajs-service'), ...Array(i + 1).fill('samsa-service')];
      await waitFor(`samsa-${i} to be in the stable group`, () => groupIs(present), { timeoutMs: 60_000 });
      await kafkajsMembers[i].disconnect();
      await waitFor(`the group to be stable without kafkajs-${i}`, () => groupIs(present.slice(1)), {
        timeoutMs: 60_000,
      });
    }
    await waitFor('the Samsa members to own every partition', () => {
      const owned = samsaMembers.reduce((n, _, i) => n + (assigned.get(`samsa-${i}`) ?? 0), 0);
      return owned === PARTITIONS;
    });

    producing = false;
    await production;
    await producer.disconnect();
    await waitFor(`all ${sent} records to be processed`, () => processed.size >= sent, { timeoutMs: 60_000 });
    for (const member of samsaMembers) await member.disconnect();

    const twice = [...processed].filter(([, by]) => by.length > 1);
    expect(twice).toEqual([]);
    expect(processed.size).toBe(sent);
    const by = (prefix: string) => [...processed.values()].filter(([who]) => who.startsWith(prefix)).length;
    expect(by('kafkajs-')).toBeGreaterThan(0);
    expect(by('samsa-')).toBeGreaterThan(0);

    const ends = await admin.fetchTopicOffsets(TOPIC);
    const [committed] = await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
    const committedByPartition = new Map(committed.partitions.map((p) => [p.partition, p.offset]));
    for (const end of ends) expect(committedByPartition.get(end.partition)).toBe(end.high);
    expect(ends.reduce((n, p) => n + Number(p.high), 0)).toBe(sent);
    console.info(
      `rolling switch: ${sent} records, ${by('kafkajs-')} processed by KafkaJS members, ${by('samsa-')} by Samsa members`,
    );
    await admin.disconnect();
  });
});
