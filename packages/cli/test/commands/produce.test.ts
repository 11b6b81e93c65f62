import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { javaPartitionForKey, Kafka, LogLevel } from '@samsa/core-client';
import { AvroDeserializer, SchemaRegistryClient } from '@samsa/schema-registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { samsaOn } from '../helpers/run.js';

const schemaFile = fileURLToPath(new URL('../fixtures/order.avsc', import.meta.url));
let cluster: TestCluster;
let samsa: ReturnType<typeof samsaOn>;
let kafka: Kafka;
beforeAll(async () => {
  cluster = await startTestCluster();
  samsa = samsaOn(cluster.broker.bootstrap, cluster.registry.url);
  kafka = new Kafka({ brokers: cluster.broker.bootstrap, logLevel: LogLevel.NOTHING });
});
afterAll(() => cluster?.stop());

/** Every record of `topic`, in partition and offset order. */
async function readAll(topic: string) {
  const admin = kafka.admin();
  await admin.connect();
  const [described] = await admin.describeTopics({ topics: [topic] });
  await admin.disconnect();
  const total = described.partitions.reduce((n, p) => n + Number(p.endOffset), 0);
  const consumer = kafka.consumer({ groupId: `read-${topic}` });
  consumer.assign([{ topic, partitions: described.partitions.map((p) => p.partition) }]);
  for (const p of described.partitions) consumer.seek({ topic, partition: p.partition, offset: '-2' });
  const out: {
    partition: number;
    offset: number;
    key: Buffer | null;
    value: Buffer | null;
    headers: object;
  }[] = [];
  if (total > 0) {
    for await (const m of consumer) {
      out.push({
        partition: m.partition,
        offset: Number(m.offset),
        key: m.key,
        value: m.value,
        headers: m.headers,
      });
      if (out.length === total) break;
    }
  }
  await consumer.disconnect();
  return out.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}

describe('samsa produce', () => {
  it('puts each key in the partition Java picks (murmur2), with headers, and sums up', async () => {
    await samsa(['topics', 'create', 'keyed', '-p', '5']);
    const keys = Array.from({ length: 40 }, (_, i) => `user-${i}`);
    const result = await samsa(['produce', 'keyed', '--key-separator', ':', '-H', 'source=cli,v=1'], {
      stdin: `${keys.map((k) => `${k}:value of ${k}:with colon`).join('\n')}\n`,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^Sent 40 records to keyed in \d+\.\d s \([\d,]+ records\/s; partitions 0: \d+, /,
    );
    const records = await readAll('keyed');
    expect(records).toHaveLength(40);
    for (const r of records) {
      const key = r.key!.toString();
      expect(r.partition).toBe(javaPartitionForKey(Buffer.from(key), 5));
      expect(r.value!.toString()).toBe(`value of ${key}:with colon`);
      expect(Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, String(v)]))).toEqual({
        source: 'cli',
        v: '1',
      });
    }
  });

  it('reads --file, sends to --partition, and sends an empty line as an empty value', async () => {
    await samsa(['topics', 'create', 'lines', '-p', '2']);
    const dir = mkdtempSync(join(tmpdir(), 'samsa-produce-'));
    writeFileSync(join(dir, 'in.txt'), 'first\n\nthird\n');
    expect((await samsa(['produce', 'lines', '--file', join(dir, 'in.txt'), '-p', '1', '-q'])).code).toBe(0);
    expect((await readAll('lines')).map((r) => [r.partition, r.value?.toString()])).toEqual([
      [1, 'first'],
      [1, ''],
      [1, 'third'],
    ]);
    const missing = await samsa(['produce', 'lines', '--file', join(dir, 'nope.txt')]);
    expect(missing).toMatchObject({ code: 2 });
    expect(missing.stderr).toMatch(/^samsa: --file .*nope\.txt: no such file\n/);
    expect((await samsa(['produce', 'lines', '-p', '9'], { stdin: 'x' })).stderr).toBe(
      'samsa: topic lines has no partition 9 (it has 2)\n',
    );
  });

  it('stops at a malformed JSON line, naming it, and sends nothing for it', async () => {
    await samsa(['topics', 'create', 'json-in', '-p', '1']);
    const result = await samsa(['produce', 'json-in', '--value-format', 'json', '-K', '|'], {
      stdin: 'a|{"n":1}\nb|{"n":2}\n\nc|{"n": 3,}\nd|{"n":4}\n',
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /Sent 2 records to json-in .*\nsamsa: line 4: malformed JSON: .*; nothing was sent for it, and reading stopped there \(2 records before it were sent\)\n$/,
    );
    expect((await readAll('json-in')).map((r) => `${r.key}|${r.value}`)).toEqual(['a|{"n":1}', 'b|{"n":2}']);
    const noKey = await samsa(['produce', 'json-in', '-K', '|'], { stdin: 'z|1\nplain\n' });
    expect(noKey.stderr).toMatch(/samsa: line 2: no key separator "\|" in the line; nothing was sent for it/);
  });

  it('encodes Avro from JSON lines through the registry with --schema, and with --subject', async () => {
    await samsa(['topics', 'create', 'orders', '-p', '1']);
    const first = await samsa(['produce', 'orders', '--value-format', 'avro', '--schema', schemaFile, '-q'], {
      stdin: '{"id":"o-1","amount":5}\n{"id":"o-2","amount":7,"note":{"string":"gift"}}\n',
    });
    expect(first).toMatchObject({ code: 0, stderr: '' });
    const second = await samsa(
      ['produce', 'orders', '--value-format', 'avro', '--subject', 'orders-value', '-q'],
      {
        stdin: '{"id":"o-3","amount":9,"note":"rush"}\n',
      },
    );
    expect(second.code).toBe(0);
    const client = new SchemaRegistryClient({ url: cluster.registry.url });
    const deserializer = new AvroDeserializer({ client });
    const values = await Promise.all(
      (await readAll('orders')).map((r) => deserializer.deserialize('orders', r.value!)),
    );
    expect(values).toEqual([
      { id: 'o-1', amount: 5, note: null },
      { id: 'o-2', amount: 7, note: 'gift' },
      { id: 'o-3', amount: 9, note: 'rush' },
    ]);
    const invalid = await samsa(['produce', 'orders', '--value-format', 'avro', '--schema', schemaFile], {
      stdin: '{"id":"o-4","amount":"lots"}\n',
    });
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(
      /samsa: line 1: Value does not match Avro schema com\.acme\.Order at amount/,
    );
    const typo = await samsa(['produce', 'orders', '--value-format', 'avro', '--schema', schemaFile], {
      stdin: '{"id":"o-4","amout":1}\n',
    });
    expect(typo.stderr).toMatch(/line 1: Record com\.acme\.Order has no field "amout"/);
    expect((await samsa(['produce', 'orders', '--value-format', 'avro'], { stdin: '' })).stderr).toMatch(
      /--value-format avro needs --schema <file> or --subject <subject>/,
    );
  });

  it('fails for a topic that does not exist, creating nothing', async () => {
    const result = await samsa(['produce', 'nowhere'], { stdin: 'x\n' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^samsa: topic nowhere does not exist \(brokers /);
    const listed = JSON.parse((await samsa(['topics', 'list', '-o', 'json'])).stdout);
    expect(listed.map((t: { name: string }) => t.name)).not.toContain('nowhere');
  });
});
