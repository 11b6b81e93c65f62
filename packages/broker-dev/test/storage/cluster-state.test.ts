import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { CLUSTER_STATE_DIR, ClusterState, type CommittedOffset } from '../../src/storage/cluster-state.js';
import { decodeFrames, encodeFrames } from '../../src/storage/framed-log.js';
import { recordingLogger, tempDir } from './helpers.js';

const commit = (
  topic: string,
  partition: number,
  offset: number,
  metadata: string | null = null,
): CommittedOffset => ({
  topic,
  partition,
  offset,
  leaderEpoch: 3,
  metadata,
  commitTimestamp: 1_700_000_000_000 + offset,
});

const offsetsFile = (dataDir: string) => path.join(dataDir, CLUSTER_STATE_DIR, 'offsets.log');

describe('framed log encoding', () => {
  test('decodes what it encodes and stops at a torn or corrupt frame', () => {
    const payloads = [Buffer.from('one'), Buffer.alloc(0), Buffer.from('three')];
    const data = encodeFrames(payloads);
    expect(decodeFrames(data).payloads.map(String)).toEqual(['one', '', 'three']);
    expect(decodeFrames(data.subarray(0, data.length - 1)).payloads.map(String)).toEqual(['one', '']);
    const corrupt = Buffer.from(data);
    corrupt[corrupt.length - 1] ^= 1;
    const decoded = decodeFrames(corrupt);
    expect(decoded.payloads).toHaveLength(2);
    expect(decoded.validBytes).toBe(8 + 3 + 8);
  });
});

describe.each(['memory', 'disk'] as const)('ClusterState (%s)', (mode) => {
  test('keeps topics and committed offsets; commits replace, deletes remove', () => {
    const state = ClusterState.open({ dataDir: mode === 'disk' ? tempDir() : undefined });
    const orders = state.createTopic('orders', 3, { 'cleanup.policy': 'compact' });
    expect(orders.topicId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    state.createTopic('audit', 1);
    state.commitOffsets('g1', [commit('orders', 0, 10, 'meta'), commit('orders', 1, 20)]);
    state.commitOffsets('g1', [commit('orders', 0, 11)]);
    state.commitOffsets('g2', [commit('audit', 0, 5)]);
    state.deleteOffsets('g1', [{ topic: 'orders', partition: 1 }]);
    expect(state.committedOffsets('g1')).toEqual([commit('orders', 0, 11)]);
    state.deleteGroup('g2');
    expect(state.groupIds()).toEqual(['g1']);
    state.deleteTopic('orders');
    expect(state.topics().map((t) => t.name)).toEqual(['audit']);
    expect(state.committedOffsets('g1')).toEqual([]);
    expect(state.durable).toBe(mode === 'disk');
    state.close();
  });
});

describe('ClusterState on disk', () => {
  test('reloads cluster id, topics and offsets after a restart', () => {
    const dataDir = tempDir();
    const state = ClusterState.open({ dataDir });
    const topic = state.createTopic('orders', 6, { 'retention.ms': '1000' });
    state.putTopic({ ...topic, partitions: 8 });
    state.commitOffsets('g', [commit('orders', 0, 1, 'm'), commit('orders', 7, 9)]);
    state.commitOffsets('h', [commit('orders', 2, 4)]);
    state.deleteGroup('h');
    const clusterId = state.clusterId;
    // No close(): a kill must not lose acknowledged commits.
    const reloaded = ClusterState.open({ dataDir }).loadAll();
    expect(reloaded.clusterId).toBe(clusterId);
    expect(clusterId).toHaveLength(22);
    expect(reloaded.topics).toEqual([{ ...topic, partitions: 8 }]);
    expect([...reloaded.offsets]).toEqual([['g', [commit('orders', 0, 1, 'm'), commit('orders', 7, 9)]]]);
  });

  test('a torn tail of the offsets log is dropped and reported; earlier commits survive', () => {
    const dataDir = tempDir();
    const state = ClusterState.open({ dataDir });
    state.commitOffsets('g', [commit('t', 0, 1)]);
    state.commitOffsets('g', [commit('t', 0, 2)]);
    state.close();
    const file = offsetsFile(dataDir);
    const intact = statSync(file).size;
    const whole = readFileSync(file);
    appendFileSync(file, whole.subarray(0, whole.length / 2 - 3));
    const logger = recordingLogger();
    const reopened = ClusterState.open({ dataDir, logger });
    expect(reopened.committedOffsets('g')).toEqual([commit('t', 0, 2)]);
    expect(logger.lines.join()).toMatch(/torn or corrupt tail/);
    expect(statSync(file).size).toBe(intact);
    reopened.commitOffsets('g', [commit('t', 0, 3)]);
    reopened.close();
    expect(ClusterState.open({ dataDir }).committedOffsets('g')).toEqual([commit('t', 0, 3)]);
  });

  test('a corrupt frame in the middle ends loading there (the CRC catches it)', () => {
    const dataDir = tempDir();
    const state = ClusterState.open({ dataDir, logger: recordingLogger() });
    for (let i = 0; i < 3; i++) state.commitOffsets('g', [commit('t', i, i)]);
    state.close();
    const data = readFileSync(offsetsFile(dataDir));
    data[20] ^= 0xff;
    writeFileSync(offsetsFile(dataDir), data);
    expect(ClusterState.open({ dataDir, logger: recordingLogger() }).committedOffsets('g')).toEqual([]);
  });

  test('the offsets log is compacted once mostly superseded, keeping exactly the live offsets', () => {
    const dataDir = tempDir();
    const state = ClusterState.open({ dataDir, compactAfterEntries: 100 });
    for (let i = 0; i < 1000; i++) state.commitOffsets('g', [commit('t', i % 4, i)]);
    state.commitOffsets('other', [commit('t', 0, 7, 'x')]);
    const size = statSync(offsetsFile(dataDir)).size;
    expect(size).toBeLessThan(100 * 150);
    const live = state.loadAll().offsets;
    state.close();
    expect([...ClusterState.open({ dataDir }).loadAll().offsets]).toEqual([...live]);
  });
});

describe('ClusterState transactional offsets', () => {
  test('stages offsets per producer, commits or drops them, and reloads what is still pending', () => {
    const dataDir = tempDir();
    const state = ClusterState.open({ dataDir });
    state.stageTransactionalOffsets('g', 7, [commit('orders', 0, 10)]);
    state.stageTransactionalOffsets('g', 8, [commit('orders', 1, 20)]);
    state.stageTransactionalOffsets('h', 7, [commit('orders', 0, 30)]);
    expect(state.committedOffsets('g')).toEqual([]);
    expect(state.completeTransactionalOffsets('g', 7, true)).toEqual([commit('orders', 0, 10)]);
    expect(state.completeTransactionalOffsets('h', 7, false)).toEqual([]);
    expect(state.completeTransactionalOffsets('nobody', 7, true)).toEqual([]);
    expect(state.committedOffsets('g')).toEqual([commit('orders', 0, 10)]);
    state.close();

    const reopened = ClusterState.open({ dataDir });
    expect(reopened.committedOffsets('g')).toEqual([commit('orders', 0, 10)]);
    expect(reopened.committedOffsets('h')).toEqual([]);
    expect(reopened.pendingTransactionalOffsets('g')).toEqual([
      { producerId: 8, offsets: [commit('orders', 1, 20)] },
    ]);
    expect(reopened.groupsWithPendingOffsets()).toEqual(['g']);
    reopened.close();
  });

  test('a plain commit after staging wins, also after a reload; deleting a topic drops pending offsets', () => {
    const dataDir = tempDir();
    const state = ClusterState.open({ dataDir });
    state.createTopic('orders', 2);
    state.stageTransactionalOffsets('g', 7, [commit('orders', 0, 10), commit('orders', 1, 11)]);
    state.commitOffsets('g', [commit('orders', 0, 50)]);
    state.close();
    const reopened = ClusterState.open({ dataDir });
    expect(reopened.pendingTransactionalOffsets('g')).toEqual([
      { producerId: 7, offsets: [commit('orders', 1, 11)] },
    ]);
    reopened.deleteTopic('orders');
    expect(reopened.groupsWithPendingOffsets()).toEqual([]);
    reopened.close();
  });

  test('keeps pending offsets through the rewrite that compacts offsets.log', () => {
    const dataDir = tempDir();
    const state = ClusterState.open({ dataDir, compactAfterEntries: 10 });
    state.stageTransactionalOffsets('g', 7, [commit('orders', 0, 1)]);
    for (let i = 0; i < 40; i++) state.commitOffsets('g', [commit('orders', 1, i)]);
    state.close();
    // 41 entries were written; the rewrites left a handful.
    expect(decodeFrames(readFileSync(offsetsFile(dataDir))).payloads.length).toBeLessThanOrEqual(10);
    const reopened = ClusterState.open({ dataDir });
    expect(reopened.pendingTransactionalOffsets('g')).toEqual([
      { producerId: 7, offsets: [commit('orders', 0, 1)] },
    ]);
    expect(reopened.committedOffsets('g')).toEqual([commit('orders', 1, 39)]);
    reopened.close();
  });
});
