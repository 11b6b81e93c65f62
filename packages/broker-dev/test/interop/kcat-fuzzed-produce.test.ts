/**
 * kcat (librdkafka 2.0.2) reads back every batch the dev broker acknowledged out of a stream of randomly
 * damaged ones (seeded): what validation lets through is readable by a client no one here wrote, with the
 * same offsets, key and value sizes and timestamps @samsa/protocol decodes.
 */

import { requirePeer, run } from '@samsa/test-support';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RunningBroker, startBroker } from '../../src/index.js';
import { applyMutations, mutatedBatchArbitrary } from '../helpers/batch-mutations.js';
import { fetchDecoded, PRODUCE_REFUSALS, produceBatch } from '../helpers/fuzz-produce.js';
import { createTopic } from '../helpers/kafka.js';
import { RawClient } from '../helpers/raw-client.js';

const TOPICS = {
  'kcat-fuzz-delete': {},
  'kcat-fuzz-compact': { 'cleanup.policy': 'compact' },
  'kcat-fuzz-append-time': { 'message.timestamp.type': 'LogAppendTime' },
};
const BATCHES = 300;

let broker: RunningBroker;
let client: RawClient;

const kcat = requirePeer('kcat', {
  probe: ['kcat', '-V'],
  hint: 'apt-get install -y kcat',
});

kcat.describe('kcat reads what the broker acknowledged from fuzzed produces', () => {
  beforeAll(async () => {
    broker = await startBroker();
    client = await RawClient.connect(broker.bootstrap[0]);
    for (const [topic, configs] of Object.entries(TOPICS)) await createTopic(client, topic, 1, configs);
  });
  afterAll(async () => {
    client?.close();
    await broker?.stop();
  });

  it('every acknowledged record, and nothing else, comes back through librdkafka', async () => {
    const topics = Object.keys(TOPICS);
    const samples = fc.sample(fc.tuple(mutatedBatchArbitrary, fc.constantFrom(...topics)), {
      seed: 0x23c,
      numRuns: BATCHES,
    });
    let acknowledged = 0;
    for (const [{ batch, mutations }, topic] of samples) {
      const result = await produceBatch(client, topic, applyMutations(batch.bytes, mutations));
      if (result.errorCode === 0) acknowledged++;
      else expect(PRODUCE_REFUSALS.has(result.errorCode), `${result.errorCode}`).toBe(true);
    }
    expect(acknowledged).toBeGreaterThan(0);

    for (const topic of topics) {
      const expected = (await fetchDecoded(client, topic, 0n)).map(
        (r) => `${r.offset} ${r.key?.length ?? -1} ${r.value?.length ?? -1} ${r.timestamp}`,
      );
      const consumed = await run(
        'kcat',
        [
          ...['-C', '-b', broker.bootstrap[0], '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-q'],
          ...['-X', 'check.crcs=true', '-f', '%o %K %S %T\\n'],
        ],
        { timeoutMs: 60_000 },
      );
      expect(consumed.code, consumed.stderr).toBe(0);
      expect(consumed.stderr).not.toMatch(/error|fail/i);
      expect(consumed.stdout.split('\n').filter(Boolean)).toEqual(expected);
    }
  });
});
