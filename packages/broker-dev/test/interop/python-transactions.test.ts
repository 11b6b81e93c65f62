/**
 * confluent-kafka for Python (librdkafka 2.0.2: InitProducerId v4, AddPartitionsToTxn v0,
 * AddOffsetsToTxn v0, TxnOffsetCommit v3, EndTxn v1) against the dev broker: init_transactions, a
 * committed and an aborted transaction each with send_offsets_to_transaction (only the committed
 * offsets become visible); then committed and aborted transactions interleaved with another
 * producer's data, several aborted ones of one producer in a row, read back by a confluent-kafka
 * consumer and by kcat with isolation.level=read_committed (and, for contrast, read_uncommitted).
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
import sys, json, time
from confluent_kafka import Producer, Consumer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic
bootstrap = sys.argv[1]
admin = AdminClient({'bootstrap.servers': bootstrap})
topics = [NewTopic('py-txn-out', 2, 1), NewTopic('py-txn-in', 1, 1), NewTopic('py-txn-read', 1, 1)]
for f in admin.create_topics(topics).values():
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

plain = Producer({'bootstrap.servers': bootstrap})
def send_plain(value):
    plain.produce('py-txn-read', value=value, partition=0)
    plain.flush(20)
tx = Producer({'bootstrap.servers': bootstrap, 'transactional.id': 'py-txn-read'})
tx.init_transactions(30)
def transaction(values, commit, between=None):
    tx.begin_transaction()
    for value in values:
        tx.produce('py-txn-read', value=value, partition=0)
    # Delivered before the other producer's record and the marker (an abort drops what is still queued).
    tx.flush(20)
    if between:
        send_plain(between)
    if commit:
        tx.commit_transaction(30)
    else:
        tx.abort_transaction(30)
send_plain(b'plain-0')
transaction([b'aborted-1'], False, b'plain-1')
transaction([b'committed-1', b'committed-2'], True, b'plain-2')
for i in range(2, 5):
    transaction([b'aborted-%d' % i], False)
transaction([b'committed-3'], True)
send_plain(b'plain-3')

reader = Consumer({'bootstrap.servers': bootstrap, 'group.id': 'py-txn-reader', 'isolation.level': 'read_committed',
                   'enable.auto.commit': False})
reader.assign([TopicPartition('py-txn-read', 0, 0)])
values = []
deadline = time.time() + 30
while 'plain-3' not in values and time.time() < deadline:
    msg = reader.poll(0.5)
    if msg is not None and not msg.error():
        values.append(msg.value().decode())
reader.close()
print(json.dumps({'committedOffset': committed[0].offset, 'values': values}))
`;

/** What read_committed readers of py-txn-read must see, in order. */
const COMMITTED_READ = [
  'plain-0',
  'plain-1',
  'committed-1',
  'committed-2',
  'plain-2',
  'committed-3',
  'plain-3',
];

const kcat = requirePeer('kcat', {
  probe: ['kcat', '-V'],
  hint: 'apt-get install -y kcat (Debian: kcat 1.7.1 with librdkafka 2.0.2)',
});

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
    const output = JSON.parse(result.stdout.trim().split('\n').pop()!);
    expect(output.committedOffset).toBe(5);
    expect(output.values).toEqual(COMMITTED_READ);
    expect(await describeTransaction(raw, 'py-txn')).toMatchObject({
      errorCode: 0,
      transactionState: 'CompleteAbort',
      producerEpoch: 0,
    });
    const markers = (await Promise.all([0, 1].map((p) => markersIn(raw, 'py-txn-out', p)))).flat();
    expect(markers.filter((m) => m.type === 'COMMIT')).toHaveLength(2);
    expect(markers.filter((m) => m.type === 'ABORT')).toHaveLength(1);
  });

  kcat.describe('kcat on the log confluent-kafka wrote', () => {
    it('reads it with isolation.level=read_committed, and everything without it', async () => {
      const read = async (isolation: string) => {
        const args = [
          '-C',
          '-b',
          broker.bootstrap.join(','),
          '-t',
          'py-txn-read',
          '-p',
          '0',
          '-o',
          'beginning',
        ];
        args.push('-e', '-q', '-X', `isolation.level=${isolation}`, '-f', '%s\n');
        const result = await run('kcat', args, { timeoutMs: 60_000 });
        expect(result.code, result.stderr).toBe(0);
        return result.stdout.split('\n').filter(Boolean);
      };
      expect(await read('read_committed')).toEqual(COMMITTED_READ);
      const everything = await read('read_uncommitted');
      expect(everything).toEqual(
        expect.arrayContaining(['aborted-1', 'aborted-2', 'aborted-3', 'aborted-4']),
      );
      expect(everything.filter((v) => !v.startsWith('aborted'))).toEqual(COMMITTED_READ);
    });
  });
});
