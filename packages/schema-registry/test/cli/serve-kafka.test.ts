import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { httpClient } from '../server/helpers.js';
import {
  type Broker,
  eventually,
  startKafka,
  startKafkaRegistry,
  type TestRegistry,
} from '../server/kafka/fixture.js';

// `samsa-registry serve --kafka` as a process on the dev broker, used by @kafkajs/confluent-schema-registry: it
// keeps schemas across restarts, shares the topic with another instance, and a crash (SIGKILL) of the leader
// hands the leadership over.

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const bin = join(packageRoot, 'src', 'cli', 'main.ts');
const tsx = pathToFileURL(
  createRequire(import.meta.url)
    .resolve('tsx/package.json')
    .replace(/package\.json$/, 'dist/loader.mjs'),
).href;

interface Served {
  child: ChildProcessWithoutNullStreams;
  url: string;
  output: () => string;
  exit: Promise<number | null>;
}

async function serve(args: string[]): Promise<Served> {
  const child = spawn(
    process.execPath,
    ['--conditions=@samsa/source', '--import', tsx, bin, 'serve', ...args],
    {
      cwd: packageRoot,
      stdio: 'pipe',
      env: { ...process.env },
    },
  );
  let output = '';
  child.stderr.on('data', (chunk) => (output += chunk));
  onTestFailed(() => console.log(`serve ${args.join(' ')} printed:\n${output}`));
  const exit = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  const url = await new Promise<string>((found, failed) => {
    const timer = setTimeout(() => failed(new Error(`serve did not start within 30 s:\n${output}`)), 30_000);
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /listening on (http:\/\/\S+),/.exec(output);
      if (match) {
        clearTimeout(timer);
        found(match[1]!);
      }
    });
    void exit.then((code) => failed(new Error(`serve exited with ${code}:\n${output}`)));
  });
  return { child, url, output: () => output, exit };
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
    await eventually(
      () => follower!.server.election.leaderUrl() === first.url,
      10_000,
      'the process to lead',
    );
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
    await first.exit;
    const call = httpClient(follower.url);
    await eventually(
      async () =>
        (
          await call('POST', '/subjects/after-crash/versions', {
            schema: order([{ name: 'x', type: 'long' }]),
          })
        ).status === 200,
      30_000,
      'a write after the crash',
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
    await eventually(
      () => follower!.server.election.leaderUrl() === second.url,
      20_000,
      'the process to lead again',
    );

    // SIGTERM: in-flight requests finish, it leaves the group, and the follower takes over at once.
    second.child.kill('SIGTERM');
    expect(await second.exit).toBe(0);
    expect(second.output()).toContain('Stopped.');
    await eventually(() => follower!.server.election.isLeader(), 10_000, 'the follower to lead');
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
