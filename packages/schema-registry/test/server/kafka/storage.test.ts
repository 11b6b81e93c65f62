import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigResourceTypes, Kafka, LogLevel } from '@samsa/core-client';
import { waitFor } from '@samsa/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryStoreError } from '../../../src/errors.js';
import { startRegistryServer } from '../../../src/server/http.js';
import { httpClient, recordSchema } from '../helpers.js';
import { type Broker, FAST_ELECTION, snapshot, startKafka, startKafkaRegistry } from './fixture.js';

// The registry on the dev broker: everything written survives a registry restart, log compaction and a broker
// restart from its data directory; a misconfigured topic is refused with a message that says what to fix.

const user = (fields: unknown[]) => recordSchema('User', fields);
const U1 = user([{ name: 'name', type: 'string' }]);
const U2 = user([
  { name: 'name', type: 'string' },
  { name: 'age', type: ['null', 'int'], default: null },
]);
const ADDRESS = recordSchema('Address', [{ name: 'street', type: 'string' }]);
const CUSTOMER = JSON.stringify({
  type: 'record',
  name: 'Customer',
  namespace: 'com.acme',
  fields: [{ name: 'address', type: 'com.acme.Address' }],
});

let dataDir: string;
let broker: Broker;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'samsa-registry-'));
  broker = await startKafka(dataDir);
});
afterAll(async () => {
  await broker?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

/** How many records a reader of `topic` gets before its position reaches `end`. */
async function countRecords(on: Broker, topic: string, end: bigint): Promise<number> {
  const consumer = new Kafka({ brokers: on.bootstrap, logLevel: LogLevel.NOTHING }).consumer({
    groupId: 'count',
  });
  let count = 0;
  consumer.assign([{ topic, partitions: [0] }]);
  consumer.seek({ topic, partition: 0, offset: 0 });
  await consumer.run({ eachMessage: async () => void count++ });
  await waitFor('the end', () => consumer.position({ topic, partition: 0 }) === end.toString(), {
    timeoutMs: 10_000,
  });
  await consumer.disconnect();
  return count;
}

/** Writes one of everything the registry stores; returns the ids that must read back the same. */
async function populate(url: string): Promise<number[]> {
  const call = httpClient(url);
  const ok = async (method: string, path: string, body?: unknown) => {
    const reply = await call(method, path, body);
    expect(reply.status, `${method} ${path}: ${reply.text}`).toBe(200);
    return reply.body;
  };
  await ok('PUT', '/config', { compatibility: 'FULL' });
  expect(await ok('POST', '/subjects/users-value/versions', { schema: U1 })).toEqual({ id: 1 });
  expect(await ok('POST', '/subjects/users-value/versions', { schema: U2 })).toEqual({ id: 2 });
  // The same schema under another subject keeps its id.
  expect(await ok('POST', '/subjects/archive-value/versions', { schema: U1 })).toEqual({ id: 1 });
  await ok('PUT', '/config/archive-value', { compatibility: 'NONE' });
  expect(await ok('POST', '/subjects/address/versions', { schema: ADDRESS })).toEqual({ id: 3 });
  expect(
    await ok('POST', '/subjects/customer/versions', {
      schema: CUSTOMER,
      references: [{ name: 'com.acme.Address', subject: 'address', version: 1 }],
    }),
  ).toEqual({ id: 4 });
  // A subject that is gone for good (tombstones), one soft-deleted, one soft-deleted version.
  expect(await ok('POST', '/subjects/gone/versions', { schema: recordSchema('Gone', []) })).toEqual({
    id: 5,
  });
  await ok('DELETE', '/subjects/gone');
  await ok('DELETE', '/subjects/gone?permanent=true');
  await ok('POST', '/subjects/retired/versions', { schema: recordSchema('Retired', []) });
  await ok('DELETE', '/subjects/retired');
  await ok('DELETE', '/subjects/users-value/versions/1');
  // An imported schema keeps the id and version it came with.
  await ok('PUT', '/mode/imported', { mode: 'IMPORT' });
  expect(
    await ok('POST', '/subjects/imported/versions', {
      schema: recordSchema('Imported', []),
      id: 100,
      version: 7,
    }),
  ).toEqual({ id: 100 });
  await ok('PUT', '/mode/archive-value', { mode: 'READONLY' });
  return [1, 2, 3, 4, 5, 6, 7, 100, 101];
}

describe('Kafka storage on the dev broker', () => {
  it('keeps every schema, id, version, config, mode and deletion across registry and broker restarts', async () => {
    // Tiny segments with no compaction lag, so that compaction below really rewrites the log: superseded records
    // and old tombstones go, leaving offset gaps the readers must step over.
    const admin = new Kafka({ brokers: broker.bootstrap, logLevel: LogLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        {
          topic: '_schemas',
          numPartitions: 1,
          configEntries: [
            { name: 'cleanup.policy', value: 'compact' },
            { name: 'segment.bytes', value: '600' },
            { name: 'min.compaction.lag.ms', value: '0' },
            { name: 'delete.retention.ms', value: '0' },
          ],
        },
      ],
    });
    const first = await startKafkaRegistry(broker);
    const ids = await populate(first.url);
    const before = await snapshot(first.url, ids);
    // Spot checks that the snapshot holds what matters.
    expect(before['/subjects']).toEqual([
      200,
      ['address', 'customer', 'imported', 'users-value', 'archive-value'].sort(),
    ]);
    expect(before['/subjects/users-value/versions?deletedAsNegative=true']).toEqual([200, [-1, 2]]);
    expect(before['/schemas/ids/5?fetchMaxId=true']).toMatchObject([404, { error_code: 40403 }]);
    expect(before['/subjects/imported/versions/7?deleted=true']).toMatchObject([
      200,
      { id: 100, version: 7 },
    ]);
    await first.server.close();

    const second = await startKafkaRegistry(broker);
    expect(await snapshot(second.url, ids)).toEqual(before);
    await second.server.close();

    // Compaction drops superseded records and tombstones; what is left replays to the same state.
    const end = BigInt((await admin.fetchTopicOffsets('_schemas'))[0]!.high);
    await broker.control.runLogCleanup();
    expect(await countRecords(broker, '_schemas', end)).toBeLessThan(Number(end));
    const compacted = await startKafkaRegistry(broker);
    expect(await snapshot(compacted.url, ids)).toEqual(before);
    await compacted.server.close();
    await admin.disconnect();

    await broker.restart();
    const third = await startKafkaRegistry(broker);
    expect(await snapshot(third.url, ids)).toEqual(before);
    // Ids go on from the highest, and the restored configs still apply (FULL rejects a new required field).
    const call = httpClient(third.url);
    expect((await call('POST', '/subjects/new/versions', { schema: recordSchema('New', []) })).body).toEqual({
      id: 101,
    });
    const incompatible = user([
      { name: 'name', type: 'string' },
      { name: 'required', type: 'int' },
    ]);
    expect((await call('POST', '/subjects/users-value/versions', { schema: incompatible })).status).toBe(409);
    expect((await call('POST', '/subjects/archive-value/versions', { schema: U2 })).body.error_code).toBe(
      42205,
    );
    await third.server.close();
  }, 60_000);

  it('rides out a broker restart while running: reads go on, and writes work once the broker is back', async () => {
    const registry = await startKafkaRegistry(broker, { topic: '_schemas_running', groupId: 'running' });
    const call = httpClient(registry.url);
    expect((await call('POST', '/subjects/x/versions', { schema: recordSchema('X', []) })).body).toEqual({
      id: 1,
    });
    await broker.restart();
    expect((await call('GET', '/subjects')).body).toEqual(['x']);
    const after = await waitFor(
      'a write after the broker restart',
      async () => {
        const reply = await call('POST', '/subjects/y/versions', { schema: recordSchema('Y', []) });
        return reply.status === 200 ? reply : undefined;
      },
      { timeoutMs: 30_000 },
    );
    expect(after.body).toEqual({ id: 2 });
    // The group forgot its members in the restart: the registry rejoins and leads again.
    await waitFor('the registry to lead again', () => registry.server.election.isLeader(), {
      timeoutMs: 10_000,
    });
    await registry.server.close();
  }, 60_000);

  it('creates the topic with one partition and cleanup.policy=compact', async () => {
    const registry = await startKafkaRegistry(broker, { topic: '_schemas_fresh' });
    await registry.server.close();
    const kafka = new Kafka({ brokers: broker.bootstrap, logLevel: LogLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    const { topics } = await admin.fetchTopicMetadata({ topics: ['_schemas_fresh'] });
    const configs = await admin.describeConfigs({
      resources: [
        { type: ConfigResourceTypes.TOPIC, name: '_schemas_fresh', configNames: ['cleanup.policy'] },
      ],
    });
    await admin.disconnect();
    expect(topics[0]!.partitions).toHaveLength(1);
    expect(configs.resources[0]!.configEntries[0]).toMatchObject({ configValue: 'compact' });
    expect(registry.lines).toContain(
      'Created the schemas topic _schemas_fresh (1 partition, cleanup.policy=compact)',
    );
  }, 30_000);

  it('refuses a topic with several partitions, or without compaction, saying what to do', async () => {
    const kafka = new Kafka({ brokers: broker.bootstrap, logLevel: LogLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        {
          topic: 'schemas-3p',
          numPartitions: 3,
          configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
        },
        {
          topic: 'schemas-delete',
          numPartitions: 1,
          configEntries: [{ name: 'cleanup.policy', value: 'delete' }],
        },
      ],
    });
    await admin.disconnect();
    const start = (topic: string) =>
      startRegistryServer({ port: 0, kafka: { brokers: broker.bootstrap, topic, ...FAST_ELECTION } });
    const partitions = await start('schemas-3p').catch((error: unknown) => error);
    expect(partitions).toBeInstanceOf(RegistryStoreError);
    expect((partitions as Error).message).toMatch(
      /schemas-3p has 3 partitions, but the registry needs exactly 1/,
    );
    const deleting = await start('schemas-delete').catch((error: unknown) => error);
    expect(deleting).toBeInstanceOf(RegistryStoreError);
    expect((deleting as Error).message).toMatch(/cleanup\.policy=delete, but it must be exactly "compact"/);
  }, 30_000);

  it('fails to start with a clear error when Kafka is unreachable', async () => {
    const error = await startRegistryServer({
      port: 0,
      kafka: { brokers: '127.0.0.1:1', initTimeoutMs: 3000, client: { retry: { retries: 1 } } },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryStoreError);
    expect((error as Error).message).toMatch(/Kafka store/);
  }, 30_000);
});
