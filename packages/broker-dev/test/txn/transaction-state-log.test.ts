/** The transaction state log: appends survive a reopen, tombstones remove ids, compaction keeps the latest. */

import path from 'node:path';
import { RecordBatchBuilder } from '@samsa/protocol';
import { describe, expect, it } from 'vitest';
import { CLUSTER_STATE_DIR } from '../../src/storage/cluster-state.js';
import { silentStorageLogger } from '../../src/storage/index.js';
import { PartitionLog } from '../../src/storage/partition-log.js';
import type { TransactionLogValue } from '../../src/txn/transaction-log-records.js';
import { TRANSACTION_STATE_TOPIC, TransactionStateLog } from '../../src/txn/transaction-state-log.js';
import { tempDir } from './harness.js';

const value = (
  producerEpoch: number,
  state: TransactionLogValue['state'] = 'Empty',
): TransactionLogValue => ({
  producerId: 9,
  previousProducerId: 9,
  nextProducerId: -1,
  producerEpoch,
  timeoutMs: 60_000,
  state,
  partitions: state === 'Empty' ? [] : [{ topic: 't', partitions: [0] }],
  lastUpdateTimestamp: 1000 + producerEpoch,
  startTimestamp: state === 'Empty' ? -1 : 1000,
});

const open = (dataDir?: string) => TransactionStateLog.open({ dataDir, logger: silentStorageLogger });

describe('TransactionStateLog', () => {
  it('keeps the latest state of each id, forgets tombstoned ids, and in memory starts at epoch 0', () => {
    const log = open();
    log.write('a', value(0));
    log.write('b', value(0));
    log.write('a', value(1, 'Ongoing'));
    log.writeTombstone('b');
    expect(log.coordinatorEpoch).toBe(0);
    expect([...log.load()]).toEqual([['a', value(1, 'Ongoing')]]);
    log.close();
  });

  it('reloads from the data dir with a higher coordinator epoch each time', () => {
    const dataDir = tempDir();
    const first = open(dataDir);
    first.write('a', value(3, 'PrepareCommit'));
    first.close();
    const second = open(dataDir);
    expect(second.coordinatorEpoch).toBe(1);
    expect(second.load().get('a')).toEqual(value(3, 'PrepareCommit'));
    second.close();
    const third = open(dataDir);
    expect(third.coordinatorEpoch).toBe(2);
    third.close();
  });

  it('skips records it cannot read instead of refusing to start', () => {
    const dataDir = tempDir();
    const first = open(dataDir);
    first.write('a', value(1));
    first.close();
    // A record with a future key version appended behind the coordinator's back.
    const raw = PartitionLog.open({
      topic: TRANSACTION_STATE_TOPIC,
      partition: 0,
      dataDir: path.join(dataDir, CLUSTER_STATE_DIR),
      logger: silentStorageLogger,
    });
    const builder = new RecordBatchBuilder();
    builder.append({ key: Buffer.from([0, 9, 0, 0]), value: Buffer.from('?') });
    raw.append(builder.build(), { leaderEpoch: 0 });
    raw.close();
    const lines: string[] = [];
    const second = TransactionStateLog.open({
      dataDir,
      logger: { info: () => {}, warn: (m) => lines.push(m) },
    });
    expect([...second.load().keys()]).toEqual(['a']);
    expect(lines.some((l) => l.includes('skipping the unreadable record'))).toBe(true);
    second.close();
  });

  it('compacts sealed segments down to the latest record per id', () => {
    const dataDir = tempDir();
    const log = open(dataDir);
    for (let epoch = 0; epoch < 200; epoch++) log.write('a', value(epoch));
    log.write('b', value(0));
    log.close();
    const dir = path.join(dataDir, CLUSTER_STATE_DIR);
    const raw = PartitionLog.open({
      topic: TRANSACTION_STATE_TOPIC,
      partition: 0,
      dataDir: dir,
      logger: silentStorageLogger,
      config: { cleanupPolicy: { compact: true, delete: false } },
    });
    const before = raw.sizeInBytes;
    raw.roll();
    raw.close();
    const reopened = open(dataDir);
    reopened.compact(Date.now() + 1);
    reopened.close();
    const after = PartitionLog.open({
      topic: TRANSACTION_STATE_TOPIC,
      partition: 0,
      dataDir: dir,
      logger: silentStorageLogger,
    });
    expect(after.sizeInBytes).toBeLessThan(before / 10);
    after.close();
    const last = open(dataDir);
    expect(last.load().get('a')).toEqual(value(199));
    expect(last.load().get('b')).toEqual(value(0));
    last.close();
  });
});
