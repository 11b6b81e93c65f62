/** Avro both ways with @kafkajs/confluent-schema-registry: what it encodes samsa prints, what samsa sends it reads. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { Kafka, LogLevel } from '@samsa/core-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { samsaOn } from '../helpers/run.js';

const schemaFile = fileURLToPath(new URL('../fixtures/order.avsc', import.meta.url));
let cluster: TestCluster;
let samsa: ReturnType<typeof samsaOn>;
let kafka: Kafka;
let confluent: SchemaRegistry;
beforeAll(async () => {
  cluster = await startTestCluster();
  samsa = samsaOn(cluster.broker.bootstrap, cluster.registry.url);
  kafka = new Kafka({ brokers: cluster.broker.bootstrap, logLevel: LogLevel.NOTHING });
  confluent = new SchemaRegistry({ host: cluster.registry.url });
  await samsa(['topics', 'create', 'orders', '-p', '1']);
});
afterAll(() => cluster?.stop());

describe('Avro with @kafkajs/confluent-schema-registry', () => {
  it('samsa consume prints as JSON what it encoded', async () => {
    const { id } = await confluent.register(
      { type: SchemaType.AVRO, schema: readFileSync(schemaFile, 'utf8') },
      { subject: 'orders-value' },
    );
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: 'orders',
      messages: [
        { value: await confluent.encode(id, { id: 'o-1', amount: 3, note: null }) },
        { value: await confluent.encode(id, { id: 'o-2', amount: 4, note: 'fragile' }) },
      ],
    });
    await producer.disconnect();
    const printed = await samsa(['consume', 'orders', '--from-beginning', '-e', '-q']);
    expect(printed.stdout).toBe(
      '{"id":"o-1","amount":3,"note":null}\n{"id":"o-2","amount":4,"note":"fragile"}\n',
    );
  });

  it('it decodes what samsa produce --value-format avro sent', async () => {
    const sent = await samsa(
      ['produce', 'orders', '--value-format', 'avro', '--subject', 'orders-value', '-q'],
      {
        stdin: '{"id":"o-3","amount":5,"note":{"string":"gift"}}\n',
      },
    );
    expect(sent.code).toBe(0);
    const consumer = kafka.consumer({ groupId: 'reader' });
    consumer.assign([{ topic: 'orders', partitions: [0] }]);
    consumer.seek({ topic: 'orders', partition: 0, offset: '2' });
    let value: Buffer | null = null;
    for await (const message of consumer) {
      value = message.value;
      break;
    }
    await consumer.disconnect();
    expect(await confluent.decode(value!)).toEqual({ id: 'o-3', amount: 5, note: 'gift' });
  });
});
