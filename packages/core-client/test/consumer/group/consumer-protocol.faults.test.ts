/**
 * `groupProtocol: 'consumer'` under faults, against @samsa/broker-dev: members killed (SIGKILL) and
 * restarted, the coordinator connection dropped and heartbeats lost, the coordinator moving,
 * static members restarted within their session, and regex subscriptions picking up new topics.
 * Every member commits each record before the next; the check is that no record is lost and none is
 * processed again once its commit was acknowledged (a killed member's uncommitted record may be).
 */
import { fileURLToPath } from 'node:url';
import { type Background, startScript, waitFor } from '@samsa/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Consumer } from '../../../src/consumer/consumer.js';
import { type ConsumerGroupDescription, Kafka, LogLevel } from '../../../src/index.js';
import { type Fixture, startFixture } from '../../helpers/broker-fixture.js';
import { makeConsumer } from '../../helpers/consumer.js';

const MEMBER = fileURLToPath(new URL('../../fixtures/consumer-protocol-member.ts', import.meta.url));

let fx: Fixture;

beforeAll(async () => {
  fx = await startFixture({ brokers: 2, partitions: 6 });
}, 60_000);
afterAll(async () => {
  await fx?.stop();
});

type Event = { member: string; kind: 'P' | 'C'; record: string };

/**
 * Checks the events of members in the order they ran: every one of `expected` records processed and
 * committed, and none processed by a later member (or again by the same one) after its commit was
 * acknowledged.
 */
function checkCommittedOnce(events: Event[], expected: string[]): void {
  const committedAt = new Map<string, number>();
  events.forEach((e, i) => {
    if (e.kind === 'C' && !committedAt.has(e.record)) committedAt.set(e.record, i);
  });
  events.forEach((e, i) => {
    const at = committedAt.get(e.record);
    if (e.kind === 'P' && at !== undefined && i > at)
      throw new Error(`${e.record} processed by ${e.member} after its commit was acknowledged`);
  });
  const missing = expected.filter((r) => !committedAt.has(r));
  expect(missing, 'records never committed').toEqual([]);
}

function eventsOf(member: string, stdout: string): Event[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('P ') || l.startsWith('C '))
    .map((l) => {
      const [kind, topic, partition, offset] = l.split(' ');
      return { member, kind: kind as 'P' | 'C', record: `${topic}:${partition}:${offset}` };
    });
}

async function recordsOf(topic: string, counts: Map<number, number>): Promise<string[]> {
  return [...counts].flatMap(([p, n]) => Array.from({ length: n }, (_, o) => `${topic}:${p}:${o}`));
}

describe("groupProtocol: 'consumer' under faults", () => {
  it('members killed with SIGKILL and restarted: nothing lost, nothing committed processed again', async () => {
    const topic = 'killed-848';
    const members: { name: string; process: Background }[] = [];
    const start = (name: string) => {
      const process = startScript(MEMBER, [fx.broker.bootstrap.join(','), 'killed-848', topic]);
      members.push({ name, process });
      return process;
    };
    try {
      // The topic exists before the members subscribe (they would create it with the default 6 partitions too).
      const counts = await fx.produce(topic, 300);
      for (const name of ['m1', 'm2', 'm3']) await start(name).waitForOutput(/^RUNNING$/m);
      await waitFor('some records committed', () => members.some((m) => m.process.stdout().includes('C ')));
      await members[0].process.stop('SIGKILL');
      const more = await fx.produce(topic, 300);
      await start('m4').waitForOutput(/^RUNNING$/m);
      await members[1].process.stop('SIGKILL');
      for (const [p, n] of more) counts.set(p, (counts.get(p) ?? 0) + n);
      const expected = await recordsOf(topic, counts);
      await waitFor(
        'every record committed by the survivors',
        () => {
          const committed = new Set(
            members
              .flatMap((m) => eventsOf(m.name, m.process.stdout()))
              .filter((e) => e.kind === 'C')
              .map((e) => e.record),
          );
          return expected.every((r) => committed.has(r));
        },
        { timeoutMs: 60_000 },
      );
      checkCommittedOnce(
        members.flatMap((m) => eventsOf(m.name, m.process.stdout())),
        expected,
      );
    } finally {
      for (const m of members) await m.process.stop('SIGKILL');
    }
  }, 120_000);

  it('a static member restarted within its session keeps its partitions; the others do not move', async () => {
    // A session long enough for a child process to start again.
    const own = await startFixture({ brokers: 1, partitions: 6, consumerSessionTimeoutMs: 30_000 });
    const topic = 'static-restart-848';
    const counts = await own.produce(topic, 120);
    const args = (instance: string) => [
      own.broker.bootstrap.join(','),
      'static-restart-848',
      topic,
      instance,
    ];
    const a = startScript(MEMBER, args('instance-a'));
    const b = startScript(MEMBER, args('instance-b'));
    let a2: Background | undefined;
    const admin = own.kafka.admin();
    await admin.connect();
    try {
      await a.waitForOutput(/^RUNNING$/m);
      await b.waitForOutput(/^RUNNING$/m);
      const stable = () =>
        waitFor('a stable group of two', async () => {
          const [g] = (await admin.describeConsumerGroups(['static-restart-848'])).groups;
          const ready =
            g.state === 'Stable' &&
            g.members?.length === 2 &&
            g.members.every((m) => m.assignment.length > 0);
          return ready ? g : undefined;
        });
      const before = await stable();
      const partitionsOf = (g: ConsumerGroupDescription, instance: string) =>
        g
          .members!.find((m) => m.groupInstanceId === instance)!
          .assignment.flatMap((t) => t.partitions)
          .sort();
      await a.stop('SIGTERM'); // leaves with -2
      a2 = startScript(MEMBER, args('instance-a'));
      await a2.waitForOutput(/^RUNNING$/m);
      const after = await stable();
      expect(partitionsOf(after, 'instance-a')).toEqual(partitionsOf(before, 'instance-a'));
      expect(partitionsOf(after, 'instance-b')).toEqual(partitionsOf(before, 'instance-b'));
      expect(after.groupEpoch).toBe(before.groupEpoch);
      await waitFor('all records committed', async () => {
        const [g] = (await admin.describeConsumerGroups(['static-restart-848'])).groups;
        return g.partitions.length === 6 && g.partitions.every((p) => p.lag === '0');
      });
      const expected = await recordsOf(topic, counts);
      const events = () => [
        ...eventsOf('a', a.stdout()),
        ...eventsOf('b', b.stdout()),
        ...eventsOf('a2', a2!.stdout()),
      ];
      // The lag reads 0 as soon as the last commit is acknowledged; the member's line saying so may
      // still be on its way through the pipe.
      const reported = () => new Set(events().flatMap((e) => (e.kind === 'C' ? [e.record] : [])));
      await waitFor('every commit reported', () => expected.every((r) => reported().has(r)), {
        timeoutMs: 10_000,
      }).catch(() => {});
      checkCommittedOnce(events(), expected);
    } finally {
      await admin.disconnect();
      for (const p of [a, b, a2]) await p?.stop('SIGKILL');
      await own.stop();
    }
  }, 120_000);

  it('dropped coordinator connections, lost heartbeats and a coordinator move: every record committed once', async () => {
    const topic = 'dropped-848';
    const groupId = 'dropped-848';
    const counts = await fx.produce(topic, 400);
    const events: Event[] = [];
    const consumers: Consumer[] = [];
    for (const name of ['x', 'y']) {
      const c: Consumer = makeConsumer(fx.kafka, {
        groupId,
        groupProtocol: 'consumer',
        autoOffsetReset: 'earliest',
      });
      await c.subscribe({ topics: [topic] });
      await c.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          const record = `${topic}:${partition}:${message.offset}`;
          events.push({ member: name, kind: 'P', record });
          await c.commitOffsets([{ topic, partition, offset: String(BigInt(message.offset) + 1n) }]);
          events.push({ member: name, kind: 'C', record });
        },
      });
      consumers.push(c);
    }
    try {
      const control = fx.broker.control;
      const coordinator = control.coordinatorOf(groupId);
      await waitFor('records flowing', () => events.length > 50);
      control.dropConnectionOnNext('ConsumerGroupHeartbeat', { count: 2 });
      control.dropNextRequests('ConsumerGroupHeartbeat', { count: 2 });
      control.dropConnections({ brokerId: coordinator });
      control.moveCoordinator(groupId, fx.broker.brokers.find((b) => b.nodeId !== coordinator)!.nodeId);
      const more = await fx.produce(topic, 200);
      for (const [p, n] of more) counts.set(p, (counts.get(p) ?? 0) + n);
      const expected = await recordsOf(topic, counts);
      await waitFor(
        'every record committed',
        () => {
          const committed = new Set(events.filter((e) => e.kind === 'C').map((e) => e.record));
          return expected.every((r) => committed.has(r));
        },
        { timeoutMs: 60_000 },
      );
      checkCommittedOnce(events, expected);
    } finally {
      fx.broker.control.clearFaults();
      for (const c of consumers) await c.disconnect();
    }
  }, 120_000);

  it('a pattern subscription picks up a topic created while it runs', async () => {
    const kafka = new Kafka({
      clientId: 'regex-848',
      brokers: fx.broker.bootstrap,
      logLevel: LogLevel.NOTHING,
      metadataMaxAgeMs: 200,
    });
    await fx.produce('regex-848-a', 30);
    const seen = new Set<string>();
    const c = makeConsumer(kafka, {
      groupId: 'regex-848',
      groupProtocol: 'consumer',
      autoOffsetReset: 'earliest',
    });
    await c.subscribe({ topics: [/^regex-848-.*/] });
    await c.run({
      eachMessage: async ({ topic, partition, message }) =>
        void seen.add(`${topic}:${partition}:${message.offset}`),
    });
    try {
      await waitFor('the first topic', () => seen.size === 30);
      const counts = await fx.produce('regex-848-b', 30);
      await waitFor(
        'the new topic too',
        () => [...seen].filter((r) => r.startsWith('regex-848-b')).length === 30,
        {
          timeoutMs: 30_000,
        },
      );
      expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(30);
    } finally {
      await c.disconnect();
    }
  }, 60_000);
});
