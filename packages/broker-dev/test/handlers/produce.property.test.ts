/**
 * Produce over the wire against random damage (seeded, bounded): every refusal is one of Kafka's error
 * codes, every acknowledged batch is read back by @samsa/protocol's decoder at the offset acknowledged,
 * and the connection stays up throughout.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBroker } from '../../src/index.js';
import { applyMutations, mutatedBatchArbitrary } from '../helpers/batch-mutations.js';
import { fetchDecoded, PRODUCE_REFUSALS, produceBatch } from '../helpers/fuzz-produce.js';
import { brokerWithClient, createTopic } from '../helpers/kafka.js';
import type { RawClient } from '../helpers/raw-client.js';

let broker: RunningBroker;
let client: RawClient;

const TOPICS = {
  'fuzz-delete': {},
  'fuzz-compact': { 'cleanup.policy': 'compact' },
  'fuzz-append-time': { 'message.timestamp.type': 'LogAppendTime' },
};

beforeAll(async () => {
  ({ broker, client } = await brokerWithClient());
  for (const [topic, configs] of Object.entries(TOPICS)) await createTopic(client, topic, 1, configs);
});
afterAll(async () => {
  client.close();
  await broker.stop();
});

describe('Produce fuzzing', () => {
  it('acknowledges only batches the protocol decoder reads back, refuses the rest with Kafka codes', async () => {
    let acknowledged = 0;
    await fc.assert(
      fc.asyncProperty(
        mutatedBatchArbitrary,
        fc.constantFrom(...Object.keys(TOPICS)),
        async ({ batch, mutations }, topic) => {
          const damaged = applyMutations(batch.bytes, mutations);
          const result = await produceBatch(client, topic, damaged);
          if (result.errorCode !== 0) {
            expect(
              PRODUCE_REFUSALS.has(result.errorCode),
              `${result.errorCode}: ${result.errorMessage}`,
            ).toBe(true);
            return;
          }
          acknowledged++;
          const records = await fetchDecoded(client, topic, result.baseOffset);
          expect(records[0]?.offset).toBe(result.baseOffset);
        },
      ),
      { seed: 0x23b, numRuns: 400, interruptAfterTimeLimit: 60_000 },
    );
    expect(client.isOpen).toBe(true);
    // Not a threshold: a fuzzer that never gets anything accepted would test refusals only.
    expect(acknowledged).toBeGreaterThan(0);
  });
});
