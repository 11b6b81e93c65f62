import { describe, expect, it } from 'vitest';
import { SamsaError } from '../../src/errors/index.js';
import {
  buildControlBatch,
  decodeRecords,
  isControlBatch,
  isTransactional,
  RecordBatchBuilder,
  readBatchHeader,
  readControlRecord,
  validateRecordBatch,
} from '../../src/records/index.js';
import { kafkajsDecode } from './kafkajs-codecs.js';

describe('transaction markers', () => {
  it.each(['COMMIT', 'ABORT'] as const)('builds and reads a %s marker', async (type) => {
    const batch = buildControlBatch({
      type,
      producerId: 4242n,
      producerEpoch: 3,
      coordinatorEpoch: 9,
      timestamp: 1_700_000_000_000,
      baseOffset: 50n,
    });
    expect(readBatchHeader(batch)).toMatchObject({
      isControl: true,
      isTransactional: true,
      producerId: 4242n,
      producerEpoch: 3,
      baseSequence: -1,
      recordsCount: 1,
    });
    expect(isControlBatch(batch)).toBe(true);
    expect(isTransactional(batch)).toBe(true);
    expect(isControlBatch(readBatchHeader(batch))).toBe(true);
    validateRecordBatch(batch);
    expect(readControlRecord(batch)).toEqual({
      type,
      typeId: type === 'ABORT' ? 0 : 1,
      version: 0,
      coordinatorEpoch: 9,
      offset: 50n,
      timestamp: 1_700_000_000_000,
    });
    const [record] = decodeRecords(batch);
    expect(record.key?.toString('hex')).toBe(type === 'ABORT' ? '00000000' : '00000001');
    expect(record.value?.toString('hex')).toBe('000000000009');
    const kafkajs = await kafkajsDecode(batch);
    expect(kafkajs.isControlBatch).toBe(true);
    expect(kafkajs.inTransaction).toBe(true);
  });

  it('refuses to read a data batch as a control batch', () => {
    const builder = new RecordBatchBuilder({ transactional: true });
    builder.append({ value: 'x', timestamp: 1 });
    const batch = builder.build();
    expect(isControlBatch(batch)).toBe(false);
    expect(isTransactional(batch)).toBe(true);
    expect(() => readControlRecord(batch)).toThrow(SamsaError);
  });

  it('reports KRaft control types by name and unknown ones as UNKNOWN', () => {
    for (const [typeId, type] of [
      [2, 'LEADER_CHANGE'],
      [42, 'UNKNOWN'],
    ] as const) {
      const builder = new RecordBatchBuilder({ isControl: true });
      const key = Buffer.alloc(4);
      key.writeInt16BE(typeId, 2);
      builder.append({ key, value: Buffer.alloc(0), timestamp: 1 });
      expect(readControlRecord(builder.build())).toMatchObject({ type, typeId });
    }
  });
});
