import { ApiKey, type OffsetCommitRequest } from '@samsa/protocol';
import { describe, expect, it } from 'vitest';
import { CommitFailedError, FencedInstanceIdError } from '../../src/cluster/group-errors.js';
import { ConsumerStateError } from '../../src/consumer/errors.js';
import { type ConsumerEvent, ConsumerEvents } from '../../src/consumer/events.js';
import { OffsetCommitter } from '../../src/consumer/offset-committer.js';
import { PartitionState } from '../../src/consumer/partition-state.js';
import { consumerDiagnostics } from '../../src/diagnostics/consumer-diagnostics.js';
import { ConfigurationError, ErrorCode } from '../../src/errors.js';
import { nullLogger } from '../../src/logger.js';
import { FakeCluster } from '../helpers/fake-cluster.js';
import { fakeMembership } from '../helpers/fake-membership.js';

type Committed = { topic: string; partition: number; offset: bigint }[];

/** Lets every pending promise callback run (the fake coordinator answers without timers). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A committer over a fake coordinator that answers every OffsetCommit with `errorCode`. */
function setup(options: { errorCode?: number; manual?: boolean; answer?: () => Promise<void> } = {}) {
  const commits: Committed[] = [];
  const cluster = new FakeCluster().on(
    ApiKey.OffsetCommit,
    async (req: OffsetCommitRequest) => {
      commits.push(
        req.topics.flatMap((t) =>
          t.partitions.map((p) => ({
            topic: t.name,
            partition: p.partitionIndex,
            offset: p.committedOffset,
          })),
        ),
      );
      await options.answer?.();
      return {
        throttleTimeMs: 0,
        topics: req.topics.map((t) => ({
          name: t.name,
          partitions: t.partitions.map((p) => ({
            partitionIndex: p.partitionIndex,
            errorCode: options.errorCode ?? 0,
          })),
        })),
      };
    },
    8,
  );
  const hooks: string[] = [];
  const assigned = new Map<string, PartitionState>();
  const hold = (topic: string, partition: number, finished: bigint | null, committed: bigint | null) => {
    const p = new PartitionState(topic, partition);
    p.finished = finished;
    p.committed = committed;
    assigned.set(p.key, p);
    return p;
  };
  const diagnostics = consumerDiagnostics('c', 'g');
  const events: ConsumerEvent[] = [];
  diagnostics.events.on(ConsumerEvents.COMMIT_OFFSETS, (e) => events.push(e));
  const committer = new OffsetCommitter(
    fakeMembership(cluster),
    assigned,
    { groupId: 'g', groupInstanceId: null, defaultApiTimeoutMs: 5000, retryBackoffMs: 1 },
    diagnostics,
    nullLogger,
    {
      mayAutoCommit: () => true,
      assignedManually: () => options.manual ?? false,
      generationLost: () => hooks.push('generation lost'),
      rebalanceInProgress: () => hooks.push('rebalance'),
      fenced: (err) => hooks.push(`fenced ${err.name}`),
    },
  );
  return { committer, commits, hooks, hold, events };
}

describe('OffsetCommitter', () => {
  it('commits only finished, uncommitted offsets and records them as committed', async () => {
    const { committer, commits, hold, events } = setup();
    const dirty = hold('t', 0, 10n, 4n);
    const clean = hold('t', 1, 7n, 7n);
    const fresh = hold('t', 2, null, null);
    dirty.uncommittedCount = 6;
    await committer.commitFinished([dirty, clean, fresh]);
    expect(commits).toEqual([[{ topic: 't', partition: 0, offset: 10n }]]);
    expect([dirty.committed, dirty.uncommittedCount, dirty.dirty]).toEqual([10n, 0, false]);
    expect(events.map((e) => e.payload)).toEqual([
      {
        groupId: 'g',
        memberId: 'm',
        groupGenerationId: 5,
        topics: [{ topic: 't', partitions: [{ partition: '0', offset: '10' }] }],
      },
    ]);
    await committer.commitFinished([dirty, clean]);
    expect(commits).toHaveLength(1);
  });

  it('sends commits one at a time, in order', async () => {
    let releaseFirst!: () => void;
    const firstAnswered = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    let answers = 0;
    const { committer, commits, hold } = setup({
      answer: () => (answers++ === 0 ? firstAnswered : Promise.resolve()),
    });
    const first = committer.commitFinished([hold('t', 0, 1n, null)]);
    const second = committer.commitOffsets([{ topic: 't', partition: 1, offset: '2' }]);
    await settle();
    expect(commits).toHaveLength(1);
    releaseFirst();
    await Promise.all([first, second]);
    expect(commits.map((c) => c[0].partition)).toEqual([0, 1]);
  });

  it('auto-commits once autoCommitThreshold records finished, only while a run auto-commits', async () => {
    const { committer, commits, hold } = setup();
    hold('t', 0, 3n, null);
    committer.onFinished(5);
    committer.setRun({ autoCommit: true, intervalMs: 0, threshold: 3 });
    committer.onFinished(2);
    await settle();
    expect(commits).toHaveLength(0);
    committer.onFinished(1);
    await settle();
    expect(commits).toEqual([[{ topic: 't', partition: 0, offset: 3n }]]);
    committer.setRun(null);
    expect(committer.autoCommit).toBe(false);
  });

  it('passes on what a failed commit means for the membership', async () => {
    const lost = setup({ errorCode: ErrorCode.ILLEGAL_GENERATION });
    await expect(
      lost.committer.commitOffsets([{ topic: 't', partition: 0, offset: 1 }]),
    ).rejects.toBeInstanceOf(CommitFailedError);
    expect(lost.hooks).toEqual(['generation lost']);

    const busy = setup({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS });
    await busy.committer
      .commitFinished([busy.hold('t', 0, 1n, null)])
      .catch((e) => busy.committer.reportError(e));
    expect(busy.hooks).toEqual(['rebalance']);

    const fenced = setup();
    fenced.committer.reportError(new FencedInstanceIdError('g', 'i'));
    expect(fenced.hooks).toEqual(['fenced FencedInstanceIdError']);
  });

  it('checks commitOffsets() input, and refuses it for an assign() consumer', async () => {
    const { committer, commits } = setup();
    await expect(committer.commitOffsets([{ topic: 't', partition: 0, offset: -1 }])).rejects.toBeInstanceOf(
      ConfigurationError,
    );
    await expect(committer.commitOffsets('t' as never)).rejects.toBeInstanceOf(ConfigurationError);
    const manual = setup({ manual: true });
    await expect(
      manual.committer.commitOffsets([{ topic: 't', partition: 0, offset: 1 }]),
    ).rejects.toBeInstanceOf(ConsumerStateError);
    expect([...commits, ...manual.commits]).toEqual([]);
  });

  it('commitOffsets() moves finished forward, never back', async () => {
    const { committer, hold } = setup();
    const ahead = hold('t', 0, 50n, null);
    const behind = hold('t', 1, 5n, null);
    await committer.commitOffsets([
      { topic: 't', partition: 0, offset: 20 },
      { topic: 't', partition: 1, offset: 30 },
    ]);
    expect([ahead.committed, ahead.finished]).toEqual([20n, 50n]);
    expect([behind.committed, behind.finished]).toEqual([30n, 30n]);
  });

  it("serves eachBatch's uncommittedOffsets and commitOffsetsIfNecessary", async () => {
    const { committer, commits, hold } = setup();
    hold('t', 0, 9n, 2n);
    hold('t', 1, 4n, 4n);
    expect(committer.uncommittedOffsets()).toEqual({
      topics: [{ topic: 't', partitions: [{ partition: 0, offset: '9' }] }],
    });
    // No run that auto-commits: nothing is due.
    await committer.commitOffsetsIfNecessary();
    expect(commits).toEqual([]);
    committer.setRun({ autoCommit: true, intervalMs: 0, threshold: null });
    await committer.commitOffsetsIfNecessary();
    expect(commits).toEqual([[{ topic: 't', partition: 0, offset: 9n }]]);
    await committer.commitOffsetsIfNecessary({
      topics: [{ topic: 'u', partitions: [{ partition: 3, offset: '8' }] }],
    });
    expect(commits[1]).toEqual([{ topic: 'u', partition: 3, offset: 8n }]);
  });
});
