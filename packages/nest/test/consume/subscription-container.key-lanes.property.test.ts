import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConsumedMessage, ConsumerLike, EachBatchPayload } from '../../src/client/kafka-like.js';
import { resolveRetryPolicy } from '../../src/consume/retry-policy.js';
import type { ShutdownGate } from '../../src/consume/shutdown-gate.js';
import { SubscriptionContainer } from '../../src/consume/subscription-container.js';
import { ValueCodec } from '../../src/serde/value-codec.js';
import type { SamsaContext } from '../../src/subscribe/samsa.context.js';

const silent = { log() {}, error() {}, warn() {} };

/** Yields to the event loop `n` times: a deterministic stand-in for handler work of varying length. */
async function work(n: number) {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('per-key lanes within a partition (property)', () => {
  it('keep each key in offset order, never overlap a key, and commit exactly a finished prefix, however shutdown lands', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 4 })), {
          minLength: 1,
          maxLength: 60,
        }),
        fc.integer({ min: 1, max: 6 }),
        fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined }),
        async (records, lanes, stopAfterStarts) => {
          const messages: ConsumedMessage[] = records.map(([key], i) => ({
            key: Buffer.from(`k${key}`),
            value: Buffer.from(JSON.stringify(i)),
            offset: String(i),
            timestamp: '0',
          }));
          const started: number[] = [];
          const finished = new Set<number>();
          const running = new Set<string>();
          let overlap = false;
          const commits: string[] = [];
          let container!: SubscriptionContainer;
          container = new SubscriptionContainer(
            {
              id: 'prop',
              topics: ['t'],
              groupId: 'g',
              fromBeginning: true,
              partitionsConcurrently: 1,
              keysPerPartition: lanes,
              batch: false,
              retry: resolveRetryPolicy(false),
              deadLetterTopic: undefined,
              transactional: false,
              value: 'json',
              invoke: async (payload, context) => {
                const offset = payload as number;
                const key = (context as SamsaContext).key!;
                if (running.has(key)) overlap = true;
                running.add(key);
                started.push(offset);
                if (stopAfterStarts !== undefined && started.length >= stopAfterStarts) {
                  (container as unknown as { gate: ShutdownGate }).gate.requestStop();
                }
                await work(records[offset]![1]);
                running.delete(key);
                finished.add(offset);
              },
            },
            {
              kafka: undefined as never,
              consumerConfig: {},
              codec: new ValueCodec(undefined),
              producer: () => Promise.reject(),
              logger: silent,
            },
          );
          container.consumer = {
            commitOffsets: async (offsets: { offset: string }[]) => {
              commits.push(offsets[0]!.offset);
            },
          } as unknown as ConsumerLike;
          const payload: EachBatchPayload = {
            batch: { topic: 't', partition: 0, messages },
            resolveOffset: () => {},
            heartbeat: async () => {},
            isRunning: () => true,
            isStale: () => false,
          };
          await (container as unknown as { eachBatch(p: EachBatchPayload): Promise<void> }).eachBatch(
            payload,
          );

          expect(overlap).toBe(false);
          for (let key = 0; key <= 5; key++) {
            const order = started.filter((offset) => records[offset]![0] === key);
            expect(order).toEqual([...order].sort((a, b) => a - b));
          }
          const committed = commits.length === 0 ? 0 : Number(commits[commits.length - 1]);
          // committed = next offset to read: everything below it finished, nothing at or above it ran
          expect([...finished].sort((a, b) => a - b)).toEqual(Array.from({ length: committed }, (_, i) => i));
          if (stopAfterStarts === undefined) expect(committed).toBe(records.length);
        },
      ),
      { numRuns: 200 },
    );
  });
});
