import { describe, expect, it } from 'vitest';
import type { ConsumerLike } from '../../src/client/kafka-like.js';
import { OffsetCommitter } from '../../src/consume/offset-committer.js';

/** A consumer whose commits stay in flight until the test answers them. */
function heldCommits() {
  const calls: { topic: string; partition: number; offset: string; answer: (error?: Error) => void }[] = [];
  const consumer = {
    commitOffsets: (offsets: { topic: string; partition: number; offset: string }[]) =>
      new Promise<void>((resolve, reject) => {
        const [o] = offsets;
        calls.push({ ...o!, answer: (error) => (error ? reject(error) : resolve()) });
      }),
  } as unknown as ConsumerLike;
  return { consumer, calls };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));
const a0 = { topic: 'a', partition: 0 };
const a1 = { topic: 'a', partition: 1 };

describe('OffsetCommitter', () => {
  it('returns at once and keeps one commit in flight per partition, merging what finishes meanwhile', async () => {
    const { consumer, calls } = heldCommits();
    const committer = new OffsetCommitter('h', () => consumer, {} as never);
    committer.commit(a0, '4');
    committer.commit(a0, '9');
    committer.commit(a0, '12');
    committer.commit(a1, '0');
    await tick();
    expect(calls.map((c) => [c.partition, c.offset])).toEqual([
      [0, '5'],
      [1, '1'],
    ]);
    calls[0]!.answer();
    await tick();
    // 9 and 12 finished while 4's commit was in flight: one commit past 12.
    expect(calls.map((c) => [c.partition, c.offset])).toEqual([
      [0, '5'],
      [1, '1'],
      [0, '13'],
    ]);
  });

  it('flush waits for every commit asked for, failed ones included (they are logged)', async () => {
    const { consumer, calls } = heldCommits();
    const warnings: string[] = [];
    const committer = new OffsetCommitter('h', () => consumer, {
      warn: (m: string) => warnings.push(m),
    } as never);
    committer.commit(a0, '1');
    committer.commit(a0, '2');
    let flushed = false;
    const flush = committer.flush().then(() => (flushed = true));
    await tick();
    calls[0]!.answer(new Error('rebalance in progress'));
    await tick();
    expect(flushed).toBe(false);
    expect(calls.at(-1)!.offset).toBe('3');
    calls.at(-1)!.answer();
    await flush;
    expect(warnings).toEqual(['h: commit of a[0] up to 1 failed: rebalance in progress']);
    await expect(committer.flush()).resolves.toBeUndefined();
  });

  it('commits the latest offset asked for, not the highest (a partition that came back starts lower)', async () => {
    const { consumer, calls } = heldCommits();
    const committer = new OffsetCommitter('h', () => consumer, {} as never);
    committer.commit(a0, '50');
    committer.commit(a0, '60');
    committer.commit(a0, '40');
    await tick();
    calls[0]!.answer();
    await tick();
    expect(calls.map((c) => c.offset)).toEqual(['51', '41']);
  });
});
