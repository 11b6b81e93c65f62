/**
 * Random sequences of producer requests, timeouts, expiry and restarts against the coordinator:
 * no request ever hits an illegal transition, a producer id's epoch never goes back, and a
 * restarted coordinator knows exactly what the previous one did.
 */
import { ErrorCode } from '@samsa/protocol';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { createCoordinator, type Harness, tempDir, tp } from './harness.js';

type Op =
  | { kind: 'init'; id: number; kip360: boolean }
  | { kind: 'add'; id: number; partition: number; stale: boolean }
  | { kind: 'offsets'; id: number }
  | { kind: 'end'; id: number; commit: boolean }
  | { kind: 'tick'; ms: number }
  | { kind: 'settle' }
  | { kind: 'restart' };

const id = fc.integer({ min: 0, max: 2 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('init' as const), id, kip360: fc.boolean() }),
  fc.record({
    kind: fc.constant('add' as const),
    id,
    partition: fc.integer({ min: 0, max: 3 }),
    stale: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('offsets' as const), id }),
  fc.record({ kind: fc.constant('end' as const), id, commit: fc.boolean() }),
  fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 1, max: 40_000 }) }),
  fc.record({ kind: fc.constant('settle' as const) }),
  fc.record({ kind: fc.constant('restart' as const) }),
);

it('keeps the transaction state machine consistent under any sequence of requests', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 40 }), async (ops) => {
      let h: Harness = createCoordinator({
        dataDir: tempDir(),
        config: { transactionalIdExpirationMs: 100_000, markerRetryBackoffMs: 1 },
      });
      const producers = new Map<number, { producerId: number; producerEpoch: number }>();
      const highestEpoch = new Map<number, number>();
      const name = (n: number) => `tx-${n}`;
      const settle = async () => {
        for (let n = 0; n < 3; n++) await h.coordinator.completion(name(n));
      };
      for (const o of ops) {
        const c = h.coordinator;
        switch (o.kind) {
          case 'init': {
            const known = producers.get(o.id);
            const result = c.initProducerId(name(o.id), 30_000, o.kip360 ? known : undefined);
            if (result.errorCode === ErrorCode.NONE) producers.set(o.id, result);
            break;
          }
          case 'add': {
            const p = producers.get(o.id);
            if (p)
              c.addPartitions(name(o.id), p.producerId, p.producerEpoch - (o.stale ? 1 : 0), [
                tp('t', o.partition),
              ]);
            break;
          }
          case 'offsets': {
            const p = producers.get(o.id);
            if (p) c.addOffsets(name(o.id), p.producerId, p.producerEpoch, 'group');
            break;
          }
          case 'end': {
            const p = producers.get(o.id);
            if (p) c.endTransaction(name(o.id), p.producerId, p.producerEpoch, o.commit);
            break;
          }
          case 'tick':
            h.clock.now += o.ms;
            c.abortTimedOutTransactions();
            c.expireTransactionalIds();
            break;
          case 'settle':
            await settle();
            break;
          case 'restart': {
            await settle();
            const before = [0, 1, 2].map((n) => c.describe(name(n)));
            h = h.restart();
            expect([0, 1, 2].map((n) => h.coordinator.describe(name(n)))).toEqual(before);
            break;
          }
        }
        for (let n = 0; n < 3; n++) {
          const s = h.coordinator.snapshot(name(n));
          if (!s) continue;
          const highest = highestEpoch.get(s.producerId) ?? -1;
          expect(s.producerEpoch).toBeGreaterThanOrEqual(highest);
          highestEpoch.set(s.producerId, s.producerEpoch);
        }
      }
      await settle();
      for (let n = 0; n < 3; n++) {
        const state = h.coordinator.snapshot(name(n))?.state;
        expect(state === 'PrepareCommit' || state === 'PrepareAbort').toBe(false);
      }
    }),
    { numRuns: 40 },
  );
});
