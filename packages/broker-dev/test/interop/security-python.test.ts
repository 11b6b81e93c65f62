/**
 * The Debian Python clients against the SASL listeners, run with /usr/bin/python3: kafka-python 2.0.2
 * (SaslHandshake v0 and raw SASL tokens) and confluent-kafka 1.7.0 (librdkafka 2.0.2, SaslAuthenticate)
 * produce and consume over SASL_PLAINTEXT with SCRAM; a wrong password and, over SASL_SSL, a broker
 * certificate from a CA they do not trust each make them fail, with the broker logging why.
 */
import { PYTHON, requirePeer, run } from '@samsa/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type SecureBroker, startSecureBroker, USERS } from '../helpers/security.js';

const kafkaPython = requirePeer('kafka-python', {
  probe: [PYTHON, '-c', 'import kafka'],
  hint: `apt-get install -y python3-kafka (run with ${PYTHON})`,
});
const confluentKafka = requirePeer('confluent-kafka (Python)', {
  probe: [PYTHON, '-c', 'import confluent_kafka'],
  hint: `apt-get install -y python3-confluent-kafka (run with ${PYTHON})`,
});

let secure: SecureBroker;

beforeAll(async () => {
  secure = await startSecureBroker();
});
afterAll(async () => {
  expect(secure.lines.filter((l) => l.startsWith('ERROR'))).toEqual([]);
  await secure?.stop();
});

interface Outcome {
  consumed?: string[];
  error?: string;
}

async function python(script: string, settings: Record<string, unknown>): Promise<Outcome> {
  const result = await run(PYTHON, ['-c', script, JSON.stringify(settings)], { timeoutMs: 90_000 });
  expect(result.code, `python failed:\n${result.stderr}`).toBe(0);
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as Outcome;
}

const KAFKA_PYTHON = `
import sys, json
from kafka import KafkaProducer, KafkaConsumer
from kafka.errors import KafkaError
s = json.loads(sys.argv[1])
common = dict(bootstrap_servers=s['bootstrap'], security_protocol=s['protocol'], sasl_mechanism=s['mechanism'],
              sasl_plain_username=s['username'], sasl_plain_password=s['password'],
              api_version_auto_timeout_ms=5000)
if s.get('cafile'): common['ssl_cafile'] = s['cafile']
try:
    producer = KafkaProducer(**common)
    for i in range(5): producer.send(s['topic'], value=('kp-%d' % i).encode())
    producer.flush(30)
    producer.close()
    consumer = KafkaConsumer(s['topic'], group_id='kafka-python-secure', auto_offset_reset='earliest',
                             consumer_timeout_ms=15000, **common)
    got = []
    for m in consumer:
        got.append(m.value.decode())
        if len(got) == 5: break
    consumer.close()
    print(json.dumps({'consumed': got}))
except Exception as e:
    print(json.dumps({'error': '%s: %s' % (type(e).__name__, e)}))
`;

const CONFLUENT_KAFKA = `
import sys, json, time
from confluent_kafka import Producer, Consumer, KafkaException
s = json.loads(sys.argv[1])
errors = []
common = {'bootstrap.servers': s['bootstrap'], 'security.protocol': s['protocol'], 'sasl.mechanisms': s['mechanism'],
          'sasl.username': s['username'], 'sasl.password': s['password'], 'error_cb': lambda e: errors.append(str(e))}
if s.get('cafile'): common['ssl.ca.location'] = s['cafile']
producer = Producer(dict(common, **{'message.timeout.ms': 8000}))
for i in range(5): producer.produce(s['topic'], value=('ck-%d' % i).encode())
left = producer.flush(10)
if left or errors:
    print(json.dumps({'error': '; '.join(errors) or '%d messages not delivered' % left}))
    sys.exit(0)
consumer = Consumer(dict(common, **{'group.id': 'confluent-secure', 'auto.offset.reset': 'earliest'}))
consumer.subscribe([s['topic']])
got = []
deadline = time.time() + 30
while len(got) < 5 and time.time() < deadline:
    m = consumer.poll(0.2)
    if m is None: continue
    if m.error(): errors.append(str(m.error())); continue
    got.append(m.value().decode())
consumer.close()
print(json.dumps({'consumed': got, 'error': '; '.join(errors) or None}))
`;

for (const [peer, name, script, prefix] of [
  [kafkaPython, 'kafka-python', KAFKA_PYTHON, 'kp'],
  [confluentKafka, 'confluent-kafka', CONFLUENT_KAFKA, 'ck'],
] as const) {
  peer.describe(`${name} on SASL listeners`, () => {
    for (const mechanism of ['SCRAM-SHA-256', 'SCRAM-SHA-512']) {
      it(`produces and consumes over SASL_PLAINTEXT with ${mechanism}`, async () => {
        const outcome = await python(script, {
          bootstrap: secure.broker.bootstrapFor('SASL_PLAINTEXT').join(','),
          protocol: 'SASL_PLAINTEXT',
          mechanism,
          username: 'bob',
          password: USERS.bob,
          topic: `${name}-${mechanism}`,
        });
        expect(outcome.consumed, outcome.error).toEqual([0, 1, 2, 3, 4].map((i) => `${prefix}-${i}`));
        expect(secure.lines.some((l) => l.includes(`authenticated as User:bob with ${mechanism}`))).toBe(
          true,
        );
      });
    }

    it('fails with a wrong password', async () => {
      const before = secure.lines.length;
      const outcome = await python(script, {
        bootstrap: secure.broker.bootstrapFor('SASL_PLAINTEXT').join(','),
        protocol: 'SASL_PLAINTEXT',
        mechanism: 'SCRAM-SHA-256',
        username: 'bob',
        password: 'not-bobs',
        topic: `${name}-refused`,
      });
      expect(outcome.consumed ?? []).toEqual([]);
      expect(outcome.error).toBeTruthy();
      expect(
        secure.lines
          .slice(before)
          .some((l) => l.includes('SASL authentication failed') && l.includes('invalid credentials')),
      ).toBe(true);
    });

    it('fails against a broker certificate it does not trust', async () => {
      const before = secure.lines.length;
      const outcome = await python(script, {
        bootstrap: secure.broker.bootstrapFor('SASL_SSL').join(','),
        protocol: 'SASL_SSL',
        mechanism: 'SCRAM-SHA-256',
        username: 'bob',
        password: USERS.bob,
        cafile: secure.stranger.caFile,
        topic: `${name}-untrusted`,
      });
      expect(outcome.consumed ?? []).toEqual([]);
      expect(outcome.error).toBeTruthy();
      expect(secure.lines.slice(before).some((l) => /TLS handshake with .* failed/.test(l))).toBe(true);
    });
  });
}
