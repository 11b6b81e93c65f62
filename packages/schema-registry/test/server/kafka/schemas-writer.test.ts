import { Kafka, LogLevel, ProducerFencedError, TransactionAbortableError } from '@samsa/core-client';
import { waitFor } from '@samsa/test-support';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RegistryWriterFencedError } from '../../../src/errors.js';
import { SchemasWriter } from '../../../src/server/kafka/schemas-writer.js';
import { httpClient, recordSchema } from '../helpers.js';
import { type Broker, startKafka, startKafkaRegistry, type TestRegistry } from './fixture.js';

// Two registry instances that both believe they lead (forced: each is alone in an election group of its own, on one
// schemas topic). The leader writes through a transactional producer with the registry's fixed transactional id, so
// whichever claimed it last fences the other: a stale leader's write is refused by the broker, it steps down and
// asks for a new election, and no schema id ends up given to two schemas.

let broker: Broker;
const running: TestRegistry[] = [];
let seq = 0;

beforeAll(async () => {
  broker = await startKafka();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.server.close()));
});
afterAll(async () => {
  await broker?.stop();
});

/** Two instances on one topic, each the leader of its own group. */
async function twoLeaders() {
  const topic = `_schemas_split_${++seq}`;
  const a = await startKafkaRegistry(broker, { topic, groupId: `split-a-${seq}` });
  running.push(a);
  const b = await startKafkaRegistry(broker, { topic, groupId: `split-b-${seq}` });
  running.push(b);
  await waitFor('both to lead', () => a.server.election.isLeader() && b.server.election.isLeader());
  return { a, b, topic };
}

const register = (registry: TestRegistry, subject: string, name: string) =>
  httpClient(registry.url)('POST', `/subjects/${subject}/versions`, { schema: recordSchema(name, []) });

/** The SCHEMA records of the topic as a read_committed reader gets them: id -> the schemas written with it. */
async function schemasById(topic: string): Promise<Map<number, Set<string>>> {
  const kafka = new Kafka({ brokers: broker.bootstrap, logLevel: LogLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const high = (await admin.fetchTopicOffsets(topic))[0]!.high;
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId: `check-${topic}`, isolationLevel: 'read_committed' });
  const ids = new Map<number, Set<string>>();
  consumer.assign([{ topic, partitions: [0] }]);
  consumer.seek({ topic, partition: 0, offset: 0 });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const key = JSON.parse(String(message.key));
      if (key.keytype !== 'SCHEMA' || message.value === null) return;
      const value = JSON.parse(String(message.value)) as { id: number; schema: string };
      ids.set(value.id, (ids.get(value.id) ?? new Set()).add(value.schema));
    },
  });
  await waitFor(
    'the end of the schemas topic',
    () => BigInt(consumer.position({ topic, partition: 0 }) ?? -1) >= BigInt(high),
  );
  await consumer.disconnect();
  return ids;
}

describe('the leader writes the schemas topic as its only writer', () => {
  it("refuses a stale leader's write once another instance took the writer over; it steps down and re-elects", async () => {
    const { a, b, topic } = await twoLeaders();
    expect((await register(a, 'one', 'One')).body).toEqual({ id: 1 });
    // B's write claims the transactional id: A is fenced
    expect((await register(b, 'two', 'Two')).body).toEqual({ id: 2 });

    const refused = await register(a, 'three', 'Three');
    expect(refused.status).toBe(500);
    expect(refused.body.error_code).toBe(50001);
    expect(refused.body.message).toContain(
      `This instance can no longer write to ${topic}: another schema registry instance took over as its writer ` +
        `(transactional id ${topic}-writer), so this one is not the leader any more. The write was not applied`,
    );
    expect(a.lines.join('\n')).toContain('Stepping down as the leader of group split-a-');
    // Alone in its group, A is elected again; its next write takes the writer back, after catching up with B's.
    await waitFor('A to lead again', () => a.server.election.isLeader());
    expect((await register(a, 'three', 'Three')).body).toEqual({ id: 3 });
    expect((await register(b, 'four', 'Four')).status).toBe(500);
    expect((await register(b, 'four', 'Four')).body).toEqual({ id: 4 });

    const ids = await schemasById(topic);
    expect([...ids.keys()].sort()).toEqual([1, 2, 3, 4]);
    for (const [id, schemas] of ids) expect(schemas.size, `schemas written with id ${id}`).toBe(1);
    // both read every write, whoever made it
    for (const registry of [a, b]) {
      expect((await httpClient(registry.url)('GET', '/schemas/ids/2')).body.schema).toBe(
        recordSchema('Two', []),
      );
    }
  });

  it('gives no id to two schemas when both write at once', async () => {
    const { a, b, topic } = await twoLeaders();
    const failures: string[] = [];
    /** A client that sends a refused write again, as clients of a registry do. */
    const registerUntilDone = async (registry: TestRegistry, name: string) => {
      for (let attempt = 0; attempt < 20; attempt++) {
        const reply = await register(registry, `s-${name}`, name);
        if (reply.status === 200) return reply.body.id as number;
        failures.push(`${name}: ${reply.status} ${reply.body?.message}`);
        await waitFor(`${registry.url} to lead`, () => registry.server.election.isLeader());
      }
      throw new Error(`${name} was never registered:\n${failures.join('\n')}`);
    };
    const names = Array.from({ length: 6 }, (_, i) => [`A${i}`, `B${i}`]).flat();
    const given = await Promise.all(
      names.map((name) => registerUntilDone(name.startsWith('A') ? a : b, name)),
    );

    const ids = await schemasById(topic);
    for (const [id, schemas] of ids)
      expect(schemas.size, `schemas written with id ${id}: ${[...schemas]}`).toBe(1);
    expect(new Set(given).size).toBe(names.length);
    // every write was refused only as a fenced writer's
    for (const failure of failures) expect(failure).toContain('took over as its writer');
    for (const [i, name] of names.entries()) {
      for (const registry of [a, b]) {
        const reply = await httpClient(registry.url)('GET', `/schemas/ids/${given[i]}`);
        expect(reply.body.schema, `id ${given[i]} on ${registry.url}`).toBe(recordSchema(name, []));
      }
    }
  });
});

describe('a write whose Produce is refused for a stale epoch', () => {
  it('is reported as fenced when the abort finds the producer fenced (KIP-588)', async () => {
    // The race the two-leader test above hits only sometimes: the Produce of the write comes back
    // INVALID_PRODUCER_EPOCH (abortable), and the abort's EndTxn comes back PRODUCER_FENCED.
    const stale = new TransactionAbortableError('_schemas-writer', new Error('INVALID_PRODUCER_EPOCH'));
    let disconnected = 0;
    const producer = {
      connect: async () => {},
      disconnect: async () => {
        disconnected++;
      },
      transaction: async () => ({
        send: async () => Promise.reject(stale),
        commit: async () => {},
        abort: async () =>
          Promise.reject(new ProducerFencedError('_schemas-writer', new Error('PRODUCER_FENCED'))),
        isActive: () => true,
      }),
      transactionState: 'ABORTABLE_ERROR',
    };
    const fenced: Error[] = [];
    const writer = new SchemasWriter({
      kafka: { producer: () => producer } as unknown as Kafka,
      topic: '_schemas',
      transactionalId: '_schemas-writer',
      onFenced: (error) => fenced.push(error),
      log: () => {},
    });
    await expect(writer.write([{ key: 'k', value: 'v', partition: 0 }])).rejects.toBeInstanceOf(
      RegistryWriterFencedError,
    );
    expect(fenced).toHaveLength(1);
    expect(disconnected).toBe(1);
  });
});
