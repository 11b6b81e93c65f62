import { Kafka, LogLevel } from '@samsa/core-client';
import { AvroSerializer, SchemaRegistryClient } from '@samsa/schema-registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { samsaOn } from '../helpers/run.js';

let cluster: TestCluster;
let samsa: ReturnType<typeof samsaOn>;
let kafka: Kafka;
let before: number;
beforeAll(async () => {
  cluster = await startTestCluster();
  samsa = samsaOn(cluster.broker.bootstrap, cluster.registry.url);
  kafka = new Kafka({ brokers: cluster.broker.bootstrap, logLevel: LogLevel.NOTHING });
  await samsa(['topics', 'create', 'events', '-p', '1']);
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic: 'events',
    messages: [
      { key: 'k1', value: 'first', headers: { trace: 't-1' }, timestamp: 1_700_000_000_000 },
      { key: null, value: '{"n":2}', timestamp: 1_700_000_001_000 },
      { key: 'k3', value: null, timestamp: 1_700_000_002_000 },
      { key: 'k4', value: Buffer.from([0xff, 0x00, 0x01]), timestamp: 1_700_000_003_000 },
    ],
  });
  before = Date.now();
  await producer.send({ topic: 'events', messages: [{ key: 'k5', value: 'fifth' }] });
  await producer.disconnect();
});
afterAll(() => cluster?.stop());

describe('samsa consume', () => {
  it('prints values, as the console consumer does, and stops at the end with --exit', async () => {
    const result = await samsa(['consume', 'events', '--from-beginning', '--exit']);
    expect(result).toEqual({
      code: 0,
      stdout: 'first\n{"n":2}\nnull\nff0001\nfifth\n',
      stderr: 'Consumed 5 records\n',
    });
  });

  it('prints keys with --print-key and a separator, null for missing ones', async () => {
    const result = await samsa([
      'consume',
      'events',
      '--from-beginning',
      '-e',
      '--print-key',
      '-K',
      ' => ',
      '-q',
    ]);
    expect(result.stdout).toBe('k1 => first\nnull => {"n":2}\nk3 => null\nk4 => ff0001\nk5 => fifth\n');
  });

  it('prints JSON lines with key, value (JSON documents as data), headers and positions', async () => {
    const result = await samsa([
      'consume',
      'events',
      '--from-beginning',
      '-e',
      '--json',
      '-q',
      '--count',
      '4',
    ]);
    expect(
      result.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([
      {
        topic: 'events',
        partition: 0,
        offset: 0,
        timestamp: 1_700_000_000_000,
        key: 'k1',
        value: 'first',
        headers: { trace: 't-1' },
      },
      {
        topic: 'events',
        partition: 0,
        offset: 1,
        timestamp: 1_700_000_001_000,
        key: null,
        value: { n: 2 },
        headers: {},
      },
      {
        topic: 'events',
        partition: 0,
        offset: 2,
        timestamp: 1_700_000_002_000,
        key: 'k3',
        value: null,
        headers: {},
      },
      {
        topic: 'events',
        partition: 0,
        offset: 3,
        timestamp: 1_700_000_003_000,
        key: 'k4',
        value: 'ff0001',
        valueEncoding: 'hex',
        headers: {},
      },
    ]);
  });

  it("prints kcat's -f format", async () => {
    const result = await samsa([
      'consume',
      'events',
      '--offset',
      '0',
      '-e',
      '-q',
      '-f',
      '%t [%p] @%o: %k %s (%K/%S) %T %h\\n',
    ]);
    expect(result.stdout.split('\n')[0]).toBe('events [0] @0: k1 first (2/5) 1700000000000 trace=t-1');
    expect(result.stdout.split('\n')[2]).toBe('events [0] @2: k3  (2/-1) 1700000002000 ');
  });

  it('starts at an offset, N before the end, or a time', async () => {
    const at = async (offset: string) =>
      (await samsa(['consume', 'events', '--offset', offset, '-e', '-q', '-f', '%o '])).stdout;
    expect(await at('3')).toBe('3 4 ');
    expect(await at('-2')).toBe('3 4 ');
    expect(await at('earliest')).toBe('0 1 2 3 4 ');
    expect(await at('end')).toBe('');
    expect(await at('@1700000001500')).toBe('2 3 4 ');
    expect(await at(`@${new Date(before).toISOString()}`)).toBe('4 ');
  });

  it('decodes Avro values through the registry by their magic byte, and says when it cannot', async () => {
    await samsa(['topics', 'create', 'avro', '-p', '1']);
    const client = new SchemaRegistryClient({ url: cluster.registry.url });
    const serializer = new AvroSerializer({
      client,
      schema: {
        type: 'record',
        name: 'Ping',
        fields: [
          { name: 'n', type: 'int' },
          { name: 'tag', type: ['null', 'string'] },
        ],
      },
    });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: 'avro',
      messages: [
        { value: await serializer.serialize('avro', { n: 1, tag: 'x' }) },
        { value: await serializer.serialize('avro', { n: 2, tag: null }) },
      ],
    });
    await producer.disconnect();
    const decoded = await samsa(['consume', 'avro', '--from-beginning', '-e', '-q']);
    expect(decoded.stdout).toBe('{"n":1,"tag":"x"}\n{"n":2,"tag":null}\n');
    const json = await samsa(['consume', 'avro', '--from-beginning', '-e', '-q', '--json', '-c', '1']);
    expect(JSON.parse(json.stdout)).toMatchObject({
      value: { n: 1, tag: 'x' },
      valueSchemaId: await serializer.schemaId('avro'),
      valueSubject: 'avro-value',
      valueVersion: 1,
    });

    const bare = samsaOn(cluster.broker.bootstrap);
    const undecoded = await bare(['consume', 'avro', '--from-beginning', '-e', '-q']);
    expect(undecoded.stdout.split('\n')[0]).toMatch(/^00000000\d\d/);
    expect(undecoded.stderr).toMatch(
      /^note: some data is shown as hex: looks like Avro \(schema id \d+\); give a schema registry to decode it\n$/,
    );
  });

  it('reads only the partitions asked for', async () => {
    await samsa(['topics', 'create', 'spread', '-p', '3']);
    await samsa(['produce', 'spread', '-p', '2', '-q'], { stdin: 'two\n' });
    await samsa(['produce', 'spread', '-p', '0', '-q'], { stdin: 'zero\n' });
    const result = await samsa([
      'consume',
      'spread',
      '--from-beginning',
      '-e',
      '-q',
      '-p',
      '2',
      '-f',
      '%p:%s\\n',
    ]);
    expect(result.stdout).toBe('2:two\n');
    expect((await samsa(['consume', 'spread', '-p', '5', '-e'])).stderr).toMatch(
      /^samsa: topic spread has no partition 5 \(it has 3\)/,
    );
  });

  it('refuses options that do not go together, and topics that do not exist', async () => {
    const cases: [string[], RegExp][] = [
      [['-g', 'g', '--offset', '1'], /--offset does not go with --group/],
      [['-g', 'g', '-p', '0'], /--partition does not go with --group/],
      [['--json', '-f', '%s'], /use one of --json, --format/],
      [['-K', ':'], /--key-separator goes with --print-key/],
      [['--offset', 'soon'], /--offset takes earliest, latest, an offset/],
      [['--exit', '--follow'], /use either --exit or --follow/],
      [['-f', '%R'], /%R, binary lengths, is not supported/],
    ];
    for (const [flags, message] of cases) {
      const result = await samsa(['consume', 'events', ...flags]);
      expect(result.code, flags.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
    }
    const missing = await samsa(['consume', 'no-such-topic', '-e']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^samsa: topic no-such-topic does not exist/);
  });
});
