import { describe, expect, it } from 'vitest';
import { Assignment, addPartitions, type ConsumerRun } from '../../src/consumer/assignment.js';
import type { RebalanceCallback } from '../../src/consumer/config.js';
import type { PartitionState } from '../../src/consumer/partition-state.js';
import { nullLogger } from '../../src/logger.js';

const noPauses = { isPaused: () => false };

describe('addPartitions', () => {
  it('adds only partitions not held yet, paused as pause() said', () => {
    const assigned = new Map<string, PartitionState>();
    const first = addPartitions(assigned, [{ topic: 't', partitions: [0, 1] }], noPauses);
    const second = addPartitions(
      assigned,
      [
        { topic: 't', partitions: [1, 2] },
        { topic: 'u', partitions: [0] },
      ],
      { isPaused: (topic, partition) => topic === 't' && partition === 2 },
    );
    expect(first.map((p) => `${p.topic}-${p.partition}`)).toEqual(['t-0', 't-1']);
    expect(second.map((p) => `${p.topic}-${p.partition}:${p.paused}`)).toEqual(['t-2:true', 'u-0:false']);
    expect(assigned.size).toBe(4);
    // The partition held since the first call keeps its state object.
    expect(assigned.get(first[1].key)).toBe(first[1]);
  });
});

/** An assignment with recording fakes around it, and one run whose handlers are idle. */
function setup(options: { autoCommit?: boolean; inGroup?: boolean; failCommit?: Error } = {}) {
  const events: string[] = [];
  const record =
    (name: string): RebalanceCallback =>
    (tps) => {
      events.push(`${name} ${JSON.stringify(tps)}`);
    };
  const committer = {
    autoCommit: options.autoCommit ?? true,
    commitFinished: async (partitions: PartitionState[]) => {
      events.push(`commit ${partitions.map((p) => `${p.topic}-${p.partition}@${p.finished}`).join(',')}`);
      if (options.failCommit) throw options.failCommit;
    },
    reportError: (err: unknown) => events.push(`commit failed: ${(err as Error).message}`),
  };
  const assigned = new Map<string, PartitionState>();
  const assignment = new Assignment(
    assigned,
    noPauses,
    committer,
    { inGroup: options.inGroup ?? true },
    {
      groupId: 'g',
      onPartitionsAssigned: record('assigned'),
      onPartitionsRevoked: record('revoked'),
      onPartitionsLost: null,
    },
    nullLogger,
  );
  const run: ConsumerRun = {
    signal: new AbortController().signal,
    runner: {
      waitIdle: async () => {
        events.push('handlers idle');
      },
      longestHandlerMs: () => 0,
    },
    fetcher: { recount: () => events.push('recount') },
    started: { resolve: () => {}, reject: () => {}, settled: true },
  };
  return { assignment, assigned, events, run };
}

describe('Assignment', () => {
  it('revokes in order: delivery stops, handlers finish, offsets commit, then the callback', async () => {
    const { assignment, assigned, events, run } = setup();
    const [p0, p1] = assignment.add([{ topic: 't', partitions: [0, 1] }]);
    p0.finished = 10n;
    await assignment.revoke(run, [p0], 'revoked');
    expect(events).toEqual([
      'handlers idle',
      'commit t-0@10',
      'revoked [{"topic":"t","partitions":[0]}]',
      'recount',
    ]);
    expect(p0.revoked).toBe(true);
    expect(p1.revoked).toBe(false);
    expect([...assigned.values()]).toEqual([p1]);
  });

  it('a lost partition is not committed, and falls back to onPartitionsRevoked', async () => {
    const { assignment, events, run } = setup();
    const added = assignment.add([{ topic: 't', partitions: [0] }]);
    await assignment.revoke(run, added, 'lost');
    expect(events).toEqual(['handlers idle', 'revoked [{"topic":"t","partitions":[0]}]', 'recount']);
  });

  it('a failed commit is reported and the callback still runs', async () => {
    const { assignment, events, run } = setup({ failCommit: new Error('gone') });
    await assignment.revoke(run, assignment.add([{ topic: 't', partitions: [0] }]), 'revoked');
    expect(events.slice(1, 4)).toEqual([
      'commit t-0@null',
      'commit failed: gone',
      'revoked [{"topic":"t","partitions":[0]}]',
    ]);
  });

  it('commits only with auto-commit and while in the group', async () => {
    for (const options of [{ autoCommit: false }, { inGroup: false }]) {
      const { assignment, events, run } = setup(options);
      await assignment.revoke(run, assignment.add([{ topic: 't', partitions: [0] }]), 'revoked');
      expect(events.some((e) => e.startsWith('commit'))).toBe(false);
    }
  });

  it('drops partitions assign() no longer names without commits or callbacks', async () => {
    const { assignment, events, run } = setup();
    assignment.add([{ topic: 't', partitions: [0, 1, 2] }]);
    const dropped = assignment.notIn([{ topic: 't', partitions: [1] }]);
    expect(dropped.map((p) => p.partition)).toEqual([0, 2]);
    await assignment.drop(run, dropped);
    expect(events).toEqual(['handlers idle']);
    expect(assignment.owned().map((p) => p.partition)).toEqual([1]);
  });

  it('on stop, commits and revokes everything held while in the group', async () => {
    const { assignment, events } = setup();
    assignment.add([{ topic: 't', partitions: [0] }]);
    await assignment.stopping();
    expect(events).toEqual(['commit t-0@null', 'revoked [{"topic":"t","partitions":[0]}]']);
    const outside = setup({ inGroup: false });
    outside.assignment.add([{ topic: 't', partitions: [0] }]);
    await outside.assignment.stopping();
    expect(outside.events).toEqual([]);
  });

  it('runs onPartitionsAssigned with the new partitions', async () => {
    const { assignment, events } = setup();
    await assignment.runAssignedCallback(assignment.add([{ topic: 't', partitions: [3, 1] }]));
    expect(events).toEqual(['assigned [{"topic":"t","partitions":[1,3]}]']);
  });
});
