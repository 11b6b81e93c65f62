/**
 * confluent-kafka for Python (librdkafka 2.0.2: InitProducerId v4, AddPartitionsToTxn v0,
 * AddOffsetsToTxn v0, TxnOffsetCommit v3, EndTxn v1) against the dev broker's transaction
 * coordinator: init_transactions, a committed and an aborted transaction each with
 * send_offsets_to_transaction; only the committed offsets become visible. read_committed reading
 * is the partition side's test.
 */

import { PYTHON, requirePeer, run } from '@samsa/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RunningBroker, startBroker } from '../../src/index.js';
import { RawClient } from '../helpers/raw-client.js';
import { describeTransaction, markersIn } from '../helpers/transactions.js';

let broker: RunningBroker;
let raw: RawClient;

beforeAll(async () => {
  broker = await startBroker();
  raw = await RawClient.connect(broker.bootstrap[0]);
});
afterAll(async () => {
  raw?.close();
  await broker?.stop();
});

const SCRIPT = `
import sys, json
from confluent_kafka import Producer, Consumer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic
bootstrap = sys.argv[1]
admin = AdminClient({'bootstrap.servers': bootstrap})
for f in admin.create_topics([NewTopic('py-txn-out', 2, 1), NewTopic('py-txn-in', 1, 1)]).values():
    f.result(20)
consumer = Consumer({'bootstrap.servers': bootstrap, 'group.id': 'py-txn-group', 'enable.auto.commit': False})
producer = Producer({'bootstrap.servers': bootstrap, 'transactional.id': 'py-txn', 'transaction.timeout.ms': 60000})
producer.init_transactions(30)

producer.begin_transaction()
for i in range(10):
    producer.produce('py-txn-out', key=b'key-%d' % i, value=b'committed-%d' % i)
producer.send_offsets_to_transaction([TopicPartition('py-txn-in', 0, 5)], consumer.consumer_group_metadata(), 30)
producer.commit_transaction(30)

producer.begin_transaction()
producer.produce('py-txn-out', key=b'key-0', value=b'aborted')
producer.send_offsets_to_transaction([TopicPartition('py-txn-in', 0, 9)], consumer.consumer_group_metadata(), 30)
producer.abort_transaction(30)

committed = consumer.committed([TopicPartition('py-txn-in', 0)], timeout=20)
consumer.close()
print(json.dumps({'committedOffset': committed[0].offset}))
`;

const confluentKafka = requirePeer('confluent-kafka (Python)', {
  probe: [PYTHON, '-c', 'import confluent_kafka'],
  hint: `apt-get install -y python3-confluent-kafka (run with ${PYTHON})`,
});

confluentKafka.describe('confluent-kafka (Python) transactions', () => {
  it('commits and aborts, with offsets committed only by the committed transaction', {
    timeout: 120_000,
  }, async () => {
    const result = await run(PYTHON, ['-c', SCRIPT, broker.bootstrap.join(',')], { timeoutMs: 100_000 });
    expect(result.code, `python failed:\n${result.stderr}`).toBe(0);
    expect(JSON.parse(result.stdout.trim().split('\n').pop()!)).toEqual({ committedOffset: 5 });
    expect(await describeTransaction(raw, 'py-txn')).toMatchObject({
      errorCode: 0,
      transactionState: 'CompleteAbort',
      producerEpoch: 0,
    });
    const markers = (await Promise.all([0, 1].map((p) => markersIn(raw, 'py-txn-out', p)))).flat();
    expect(markers.filter((m) => m.type === 'COMMIT')).toHaveLength(2);
    expect(markers.filter((m) => m.type === 'ABORT')).toHaveLength(1);
  });
});
