/**
 * The Debian Python clients against the dev broker, run with /usr/bin/python3:
 * kafka-python 2.0.2 and confluent-kafka 1.7.0 (librdkafka 2.0.2). Each creates a topic with its
 * admin client, round-trips keyed messages, and runs a two-member consumer group that splits
 * the partitions, receives every message once and commits.
 */
import { PYTHON, requirePeer, run } from '@samsa/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RunningBroker, startBroker } from '../../src/index.js';

const kafkaPython = requirePeer('kafka-python', {
  probe: [PYTHON, '-c', 'import kafka'],
  hint: `apt-get install -y python3-kafka (run with ${PYTHON})`,
});
const confluentKafka = requirePeer('confluent-kafka (Python)', {
  probe: [PYTHON, '-c', 'import confluent_kafka'],
  hint: `apt-get install -y python3-confluent-kafka (run with ${PYTHON})`,
});

let broker: RunningBroker;

beforeAll(async () => {
  broker = await startBroker();
});
afterAll(async () => {
  await broker?.stop();
});

interface GroupResult {
  roundTrip: number;
  roundTripUnique: number;
  groupCount: number;
  groupUnique: number;
  membersWithPartitions: number;
  committed: number;
  errors: string[];
}

async function runPython(script: string): Promise<GroupResult> {
  const result = await run(PYTHON, ['-c', script, broker.bootstrap.join(',')], { timeoutMs: 90_000 });
  expect(result.code, `python failed:\n${result.stderr}`).toBe(0);
  const last = result.stdout.trim().split('\n').pop()!;
  return JSON.parse(last) as GroupResult;
}

const KAFKA_PYTHON = `
import sys, json, time
from kafka import KafkaProducer, KafkaConsumer, KafkaAdminClient, TopicPartition
from kafka.admin import NewTopic
bootstrap = sys.argv[1].split(',')
admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10000)
admin.create_topics([NewTopic('kafka-python-topic', num_partitions=4, replication_factor=1)])
producer = KafkaProducer(bootstrap_servers=bootstrap, acks='all', compression_type='gzip')
def produce(start, n):
    for i in range(start, start + n):
        producer.send('kafka-python-topic', key=b'key-%d' % (i % 13), value=b'value-%d' % i)
    producer.flush()

# Round trip with a standalone consumer.
produce(0, 200)
reader = KafkaConsumer(bootstrap_servers=bootstrap, auto_offset_reset='earliest', consumer_timeout_ms=15000, enable_auto_commit=False)
reader.assign([TopicPartition('kafka-python-topic', p) for p in range(4)])
reader.seek_to_beginning()
trip = []
for m in reader:
    trip.append(m.value.decode())
    if len(trip) >= 200: break
reader.close()

# A two-member group, one thread per member (kafka-python joins block inside poll): wait until
# both own partitions, then consume new messages exactly once.
import threading
got = [[], []]
assigned = [0, 0]
stop = threading.Event()
def member(i):
    consumer = KafkaConsumer('kafka-python-topic', bootstrap_servers=bootstrap, group_id='kafka-python-group',
                             auto_offset_reset='latest', enable_auto_commit=False, session_timeout_ms=10000,
                             heartbeat_interval_ms=500, max_poll_interval_ms=30000)
    while not stop.is_set():
        for tp, records in consumer.poll(timeout_ms=100).items():
            got[i].extend(r.value.decode() for r in records)
        assigned[i] = len(consumer.assignment())
        for tp in consumer.assignment(): consumer.position(tp)
    consumer.commit()
    consumer.close()
threads = [threading.Thread(target=member, args=(i,)) for i in range(2)]
for t in threads: t.start()
deadline = time.time() + 60
while (min(assigned) == 0 or sum(assigned) != 4) and time.time() < deadline: time.sleep(0.05)
time.sleep(0.5)
produce(1000, 300)
deadline = time.time() + 60
while sum(len(g) for g in got) < 300 and time.time() < deadline: time.sleep(0.05)
time.sleep(0.3)
stop.set()
threads[1].join(30)
threads[0].join(30)
checker = KafkaConsumer(bootstrap_servers=bootstrap, group_id='kafka-python-group', enable_auto_commit=False)
committed = sum(checker.committed(TopicPartition('kafka-python-topic', p)) or 0 for p in range(4))
checker.close()
flat = got[0] + got[1]
print(json.dumps({'roundTrip': len(trip), 'roundTripUnique': len(set(trip)), 'groupCount': len(flat), 'groupUnique': len(set(flat)),
                  'membersWithPartitions': sum(1 for g in got if g), 'committed': committed, 'errors': []}))
`;

const CONFLUENT_KAFKA = `
import sys, json, time
from confluent_kafka import Producer, Consumer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic
bootstrap = sys.argv[1]
admin = AdminClient({'bootstrap.servers': bootstrap})
for f in admin.create_topics([NewTopic('confluent-topic', num_partitions=4, replication_factor=1)]).values(): f.result(10)
errors = []
def delivered(err, msg):
    if err: errors.append(str(err))
producer = Producer({'bootstrap.servers': bootstrap, 'acks': 'all', 'compression.type': 'zstd', 'linger.ms': 5})
def produce(start, n):
    for i in range(start, start + n):
        producer.produce('confluent-topic', key=b'key-%d' % (i % 13), value=b'value-%d' % i, on_delivery=delivered)
    producer.flush(30)

produce(0, 200)
reader = Consumer({'bootstrap.servers': bootstrap, 'group.id': 'unused', 'enable.auto.commit': False})
reader.assign([TopicPartition('confluent-topic', p, 0) for p in range(4)])
trip = []
deadline = time.time() + 30
while len(trip) < 200 and time.time() < deadline:
    m = reader.poll(0.2)
    if m is None: continue
    if m.error(): errors.append(str(m.error())); continue
    trip.append(m.value().decode())
reader.close()

assigned = [0, 0]
def tracker(i):
    def on_assign(consumer, partitions):
        assigned[i] = len(partitions)
    return on_assign
members = [Consumer({'bootstrap.servers': bootstrap, 'group.id': 'confluent-group', 'auto.offset.reset': 'latest',
                     'enable.auto.commit': False, 'session.timeout.ms': 10000}) for _ in range(2)]
for i, m in enumerate(members): m.subscribe(['confluent-topic'], on_assign=tracker(i))
deadline = time.time() + 60
while (min(assigned) == 0 or sum(assigned) != 4) and time.time() < deadline:
    for m in members: m.poll(0.1)
# Let the assigned positions resolve before producing.
for _ in range(10):
    for m in members: m.poll(0.05)
produce(1000, 300)
got = [[], []]
deadline = time.time() + 60
while sum(len(g) for g in got) < 300 and time.time() < deadline:
    for i, m in enumerate(members):
        msg = m.poll(0.1)
        if msg is None: continue
        if msg.error(): errors.append(str(msg.error())); continue
        got[i].append(msg.value().decode())
for m in members: m.commit(asynchronous=False)
committed = members[0].committed([TopicPartition('confluent-topic', p) for p in range(4)], timeout=10)
for m in members: m.close()
flat = got[0] + got[1]
print(json.dumps({'roundTrip': len(trip), 'roundTripUnique': len(set(trip)), 'groupCount': len(flat), 'groupUnique': len(set(flat)),
                  'membersWithPartitions': sum(1 for g in got if g), 'committed': sum(max(tp.offset, 0) for tp in committed), 'errors': errors}))
`;

for (const [peer, title, script] of [
  [kafkaPython, 'kafka-python 2.0.2', KAFKA_PYTHON],
  [confluentKafka, 'confluent-kafka (Python, librdkafka 2.0.2)', CONFLUENT_KAFKA],
] as const) {
  peer.describe(title, () => {
    it('round-trips messages and runs a two-member consumer group', { timeout: 120_000 }, async () => {
      const result = await runPython(script);
      expect(result).toMatchObject({
        roundTrip: 200,
        roundTripUnique: 200,
        groupCount: 300,
        groupUnique: 300,
        membersWithPartitions: 2,
        errors: [],
      });
      expect(result.committed).toBe(500);
    });
  });
}
