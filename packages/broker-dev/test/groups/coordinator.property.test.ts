/**
 * Property test of the group state machine: random interleavings of joins, syncs, heartbeats,
 * leaves, commits and elapsed time for a few members never break Kafka's invariants.
 */

import { ErrorCode } from '@samsa/protocol';
import fc from 'fast-check';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { JoinResult, SyncResult } from '../../src/groups/classic/group.js';
import { GroupCoordinator } from '../../src/groups/coordinator.js';
import { DEFAULT_GROUP_CONFIG } from '../../src/groups/group-config.js';
import { MemoryOffsetStore } from '../../src/groups/offset-store.js';
import { silentLogger } from '../../src/logger.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

type Op =
  | { kind: 'join'; member: number; staticId: boolean }
  | { kind: 'sync'; member: number }
  | { kind: 'heartbeat'; member: number }
  | { kind: 'leave'; member: number }
  | { kind: 'commit'; member: number }
  | { kind: 'tick'; ms: number };

const member = fc.integer({ min: 0, max: 3 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('join' as const), member, staticId: fc.boolean() }),
  fc.record({ kind: fc.constant('sync' as const), member }),
  fc.record({ kind: fc.constant('heartbeat' as const), member }),
  fc.record({ kind: fc.constant('leave' as const), member }),
  fc.record({ kind: fc.constant('commit' as const), member }),
  fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 1, max: 8000 }) }),
);

const VALID_STATES = new Set(['Empty', 'PreparingRebalance', 'CompletingRebalance', 'Stable']);
const JOIN_ERRORS = new Set([
  0,
  ErrorCode.MEMBER_ID_REQUIRED,
  ErrorCode.UNKNOWN_MEMBER_ID,
  ErrorCode.REBALANCE_IN_PROGRESS,
  ErrorCode.FENCED_INSTANCE_ID,
  ErrorCode.NOT_COORDINATOR,
]);

it('keeps the group consistent under random operations', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 60 }), async (ops) => {
      const coordinator = new GroupCoordinator(new MemoryOffsetStore(), DEFAULT_GROUP_CONFIG, silentLogger);
      const ids: string[] = ['', '', '', ''];
      const generations = [-1, -1, -1, -1];
      const pending: Promise<unknown>[] = [];
      let lastGeneration = 0;
      const joinResults: JoinResult[] = [];
      const syncResults: SyncResult[] = [];
      try {
        for (const o of ops) {
          if (o.kind === 'tick') {
            await vi.advanceTimersByTimeAsync(o.ms);
          } else if (o.kind === 'join') {
            const instance = o.staticId ? `instance-${o.member}` : null;
            const result = coordinator.join({
              groupId: 'g',
              memberId: ids[o.member],
              groupInstanceId: instance,
              clientId: `c${o.member}`,
              clientHost: '/127.0.0.1',
              sessionTimeoutMs: 6000,
              rebalanceTimeoutMs: 5000,
              protocolType: 'consumer',
              protocols: [{ name: 'range', metadata: Buffer.from([o.member]) }],
              requireKnownMemberId: true,
            });
            pending.push(
              Promise.resolve(result).then((r) => {
                joinResults.push(r);
                expect(JOIN_ERRORS.has(r.errorCode), `join error ${r.errorCode}`).toBe(true);
                if (r.errorCode === 0 || r.errorCode === ErrorCode.MEMBER_ID_REQUIRED)
                  ids[o.member] = r.memberId;
                if (
                  r.errorCode === ErrorCode.UNKNOWN_MEMBER_ID ||
                  r.errorCode === ErrorCode.FENCED_INSTANCE_ID
                )
                  ids[o.member] = '';
                if (r.errorCode === 0) {
                  generations[o.member] = r.generationId;
                  // The leader alone gets the member list, and it includes itself.
                  if (r.members.length > 0) {
                    expect(r.leaderId).toBe(r.memberId);
                    expect(r.members.map((m) => m.memberId)).toContain(r.memberId);
                  }
                }
              }),
            );
          } else if (o.kind === 'sync') {
            const result = coordinator.sync({
              groupId: 'g',
              generationId: generations[o.member],
              memberId: ids[o.member],
              groupInstanceId: null,
              protocolType: null,
              protocolName: null,
              assignments: ids.filter(Boolean).map((id) => ({ memberId: id, assignment: Buffer.from(id) })),
            });
            pending.push(Promise.resolve(result).then((r) => syncResults.push(r)));
          } else if (o.kind === 'heartbeat') {
            coordinator.heartbeat('g', ids[o.member], null, generations[o.member]);
          } else if (o.kind === 'leave') {
            coordinator.leave('g', [{ memberId: ids[o.member], groupInstanceId: null }]);
          } else {
            const codes = coordinator.commitOffsets('g', ids[o.member], null, generations[o.member], [
              { topic: 't', partition: o.member, offset: 1, leaderEpoch: -1, metadata: null },
            ]);
            expect(codes).toHaveLength(1);
          }
          await vi.advanceTimersByTimeAsync(0);
          const group = coordinator.get('g');
          if (group) {
            expect(VALID_STATES.has(group.state)).toBe(true);
            expect(group.generationId).toBeGreaterThanOrEqual(lastGeneration);
            lastGeneration = group.generationId;
            if (group.size > 0) expect(group.members.has(group.leaderId!)).toBe(true);
            if (group.size === 0 && group.state !== 'PreparingRebalance') expect(group.state).toBe('Empty');
            for (const [instance, memberId] of group.staticMembers)
              expect(group.members.get(memberId)?.groupInstanceId).toBe(instance);
            if (group.state === 'Stable')
              for (const m of group.members.values()) expect(m.awaitingSync).toBeUndefined();
          }
        }
        // Every parked request is eventually answered once time passes.
        await vi.advanceTimersByTimeAsync(400_000);
        await Promise.all(pending);
        for (const r of syncResults) if (r.errorCode === 0) expect(r.assignment.length).toBeGreaterThan(0);
      } finally {
        coordinator.shutdown();
      }
    }),
    { numRuns: 150, seed: 7 },
  );
});
