import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { type Background, startScript, waitFor } from '@samsa/test-support';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { httpClient } from '../server/helpers.js';
import { type Broker, startKafka, startKafkaRegistry, type TestRegistry } from '../server/kafka/fixture.js';

// `samsa-registry serve --kafka` as a process on the dev broker, used by @kafkajs/confluent-schema-registry: it
// keeps schemas across restarts, shares the topic with another instance, and a crash (SIGKILL) of the leader
// hands the leadership over.

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const bin = join(packageRoot, 'src', 'cli', 'main.ts');

interface Served extends Background {
  url: string;
  output: () => string;
}

async function serve(args: string[]): Promise<Served> {
  const served = startScript(bin, ['serve', ...args], { cwd: packageRoot });
  const output = () => served.stdout() + served.stderr();
  onTestFailed(() => console.log(`serve ${args.join(' ')} printed:\n${output()}`));
  const [, url] = await served.waitForOutput(/listening on (http:\/\/\S+),/);
  return Object.assign(served, { url: url!, output });
}

/** A free port below the ephemeral range, so this instance's URL sorts first and it leads. */
async function lowFreePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 10_000 + Math.floor(Math.random() * 9_000);
    const free = await new Promise<boolean>((done) => {
      const probe = createServer();
      probe.once('error', () => done(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => done(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port found between 10000 and 19000');
}

const order = (fields: unknown[]) =>
  JSON.stringify({ type: 'record', name: 'Order', namespace: 'com.acme', fields });
const V1 = order([{ name: 'id', type: 'string' }]);
const V2 = order([
  { name: 'id', type: 'string' },
  { name: 'note', type: ['null', 'string'], default: null },
]);

let broker: Broker;
const started: Served[] = [];
let follower: TestRegistry | undefined;

beforeAll(async () => {
  broker = await startKafka();
});
afterAll(async () => {
  for (const served of started) if (served.child.exitCode === null) served.child.kill('SIGKILL');
  await follower?.server.close();
  await broker?.stop();
});

describe('samsa-registry serve --kafka', () => {
  it('serves @kafkajs/confluent-schema-registry from Kafka, hands over on a crash, and keeps every id', async () => {
    const port = await lowFreePort();
    const args = [
      '--port',
      String(port),
      '--kafka',
      broker.bootstrap.join(','),
      '--group-id',
      'cli-registry',
    ];
    const first = await serve(args);
    started.push(first);
    expect(first.output()).toContain('Storage: Kafka topic _schemas at');
    expect(first.output()).not.toContain('NOT durable');

    const registry = new SchemaRegistry({ host: first.url });
    const { id: id1 } = await registry.register(
      { type: SchemaType.AVRO, schema: V1 },
      { subject: 'orders-value' },
    );
    const { id: id2 } = await registry.register(
      { type: SchemaType.AVRO, schema: V2 },
      { subject: 'orders-value' },
    );
    expect([id1, id2]).toEqual([1, 2]);
    const encoded = await registry.encode(id1, { id: 'o-1' });

    // A second instance on the same topic follows the process (its URL sorts first) and forwards writes to it.
    follower = await startKafkaRegistry(broker, { groupId: 'cli-registry' });
    await waitFor('the process to lead', () => follower!.server.election.leaderUrl() === first.url, {
      timeoutMs: 10_000,
    });
    const viaFollower = new SchemaRegistry({ host: follower.url });
    expect(await viaFollower.decode(encoded)).toEqual({ id: 'o-1' });
    const { id: id3 } = await viaFollower.register(
      { type: SchemaType.AVRO, schema: order([{ name: 'other', type: 'int' }]) },
      { subject: 'other-value' },
    );
    expect(id3).toBe(3);
    expect(await registry.getLatestSchemaId('other-value')).toBe(3);

    // Crash: no LeaveGroup. Once the coordinator drops the process, the follower leads and takes writes.
    first.child.kill('SIGKILL');
    await first.exited;
    const call = httpClient(follower.url);
    await waitFor(
      'a write after the crash',
      async () =>
        (
          await call('POST', '/subjects/after-crash/versions', {
            schema: order([{ name: 'x', type: 'long' }]),
          })
        ).status === 200,
      { timeoutMs: 30_000 },
    );
    expect(follower.server.election.isLeader()).toBe(true);
    expect((await call('GET', '/subjects/after-crash/versions/1')).body).toMatchObject({ id: 4 });

    // Restarted, the process reads everything back from the topic and leads again (smallest URL).
    const second = await serve(args);
    started.push(second);
    const again = new SchemaRegistry({ host: second.url });
    expect(await again.decode(encoded)).toEqual({ id: 'o-1' });
    expect(await again.getLatestSchemaId('orders-value')).toBe(2);
    expect(await again.getLatestSchemaId('after-crash')).toBe(4);
    await waitFor('the process to lead again', () => follower!.server.election.leaderUrl() === second.url, {
      timeoutMs: 20_000,
    });

    // SIGTERM: in-flight requests finish, it leaves the group, and the follower takes over at once.
    second.child.kill('SIGTERM');
    expect((await second.closed).code).toBe(0);
    expect(second.output()).toContain('Stopped.');
    await waitFor('the follower to lead', () => follower!.server.election.isLeader(), { timeoutMs: 10_000 });
    expect(
      (await call('POST', '/subjects/last/versions', { schema: order([{ name: 'y', type: 'float' }]) })).body,
    ).toEqual({
      id: 5,
    });
  }, 120_000);

  it('checks its flags (exit code 2)', async () => {
    const io = { stdout: () => {}, stderr: () => {}, env: {} };
    expect(await runCli(['serve', '--kafka', 'no-port'], io)).toBe(2);
    expect(await runCli(['serve', '--kafka', '127.0.0.1:9092', '--leader-eligibility', 'maybe'], io)).toBe(2);
    expect(await runCli(['serve', '--group-id', 'g'], io)).toBe(2);
    expect(await runCli(['serve', '--advertised-url', 'registry:8081'], io)).toBe(2);
    expect(await runCli(['serve', '--kafka', '127.0.0.1:9092', '--topic', 'bad topic'], io)).toBe(2);
  });
});
