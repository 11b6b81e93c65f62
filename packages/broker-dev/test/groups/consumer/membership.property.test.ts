/**
 * Property test of the consumer group protocol: random interleavings of joins, heartbeats, leaves,
 * crashes (members that go silent), static restarts, partition increases and elapsed time never
 * give one partition to two members of the group, and once the members keep heartbeating the group
 * settles: Stable, every partition assigned exactly once, counts within one of each other.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { BrokerError } from '../../../src/broker-error.js';
import { FakeTopics, newCoordinator, SimulatedMember, settle } from './helpers.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

type Op =
  | { kind: 'join'; member: number }
  | { kind: 'heartbeat'; member: number }
  | { kind: 'leave'; member: number }
  | { kind: 'crash'; member: number }
  | { kind: 'static-restart'; member: number }
  | { kind: 'grow'; by: number }
  | { kind: 'tick'; ms: number };

const member = fc.integer({ min: 0, max: 4 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('join' as const), member }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('heartbeat' as const), member }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('leave' as const), member }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('crash' as const), member }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('static-restart' as const), member }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('grow' as const), by: fc.integer({ min: 1, max: 3 }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 100, max: 2500 }) }),
  },
);

it('never gives a partition to two live members, and settles balanced', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 12 }),
      fc.constantFrom('uniform', 'range'),
      fc.array(op, { minLength: 1, maxLength: 60 }),
      (partitions, assignor, ops) => {
        const topics = new FakeTopics({ t: partitions });
        const coordinator = newCoordinator(topics, {
          consumerHeartbeatIntervalMs: 500,
          consumerSessionTimeoutMs: 3000,
        });
        // Slot i: the member running there now (undefined when none); static members keep instance "i".
        const live: (SimulatedMember | undefined)[] = [];
        let incarnation = 0;
        const start = (i: number) => {
          const m = new SimulatedMember(coordinator, `m${i}-${incarnation++}`, {
            instanceId: i % 2 === 0 ? `instance-${i}` : null,
            serverAssignor: assignor,
          });
          live[i] = m;
          return m;
        };
        const call = (m: SimulatedMember, fn: () => void) => {
          try {
            fn();
          } catch (err) {
            if (!(err instanceof BrokerError)) throw err;
            // Fenced or unknown: this incarnation is gone; it drops its partitions.
            if (live.includes(m)) live[live.indexOf(m)] = undefined;
          }
        };
        try {
          for (const o of ops) {
            switch (o.kind) {
              case 'join':
                if (!live[o.member]) {
                  const m = start(o.member);
                  call(m, () => m.heartbeat());
                }
                break;
              case 'heartbeat': {
                const m = live[o.member];
                if (m) call(m, () => m.heartbeat());
                break;
              }
              case 'leave': {
                const m = live[o.member];
                if (m) call(m, () => m.leave());
                live[o.member] = undefined;
                break;
              }
              case 'crash':
                live[o.member] = undefined;
                break;
              case 'static-restart': {
                const m = live[o.member];
                if (!m || o.member % 2 !== 0) break;
                call(m, () => m.heartbeat({ memberEpoch: -2 }));
                const next = start(o.member);
                call(next, () => next.heartbeat());
                break;
              }
              case 'grow':
                partitions += o.by;
                topics.set('t', partitions);
                break;
              case 'tick':
                vi.advanceTimersByTime(o.ms);
                break;
            }
            // Members whose session ended without them knowing are zombies: the broker fences their
            // epoch (commits fail), so they do not count as owners.
            const group = coordinator.consumerGroup('g');
            const owners = new Map<string, string>();
            for (const m of live) {
              if (!m || !group?.members.has(m.memberId)) continue;
              for (const p of m.partitions) {
                expect(owners.get(p), `${p} owned by ${owners.get(p)} and ${m.memberId}`).toBeUndefined();
                owners.set(p, m.memberId);
              }
            }
          }
          // Silent members' sessions end; the rest keep heartbeating (a live one whose session
          // already ended during the ops learns it now and is gone).
          for (let i = 0; i < 8; i++) {
            vi.advanceTimersByTime(500);
            for (const m of live) if (m) call(m, () => m.heartbeat());
          }
          const running = live.filter((m): m is SimulatedMember => m !== undefined);
          if (running.length === 0) return;
          settle(running);
          const counts = running.map((m) => m.partitions.length);
          expect(running.flatMap((m) => m.partitions).sort()).toEqual(
            Array.from({ length: partitions }, (_, p) => `t:${p}`).sort(),
          );
          expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
          expect(coordinator.consumerGroup('g')?.state).toBe('Stable');
        } finally {
          coordinator.shutdown();
          vi.clearAllTimers();
        }
      },
    ),
    { seed: 848, numRuns: 150 },
  );
});
