/** The __transaction_state record layout: Kafka's TransactionLogKey v0 and TransactionLogValue v0/v1. */
import { Writer } from '@samsa/protocol';
import { describe, expect, it } from 'vitest';
import {
  decodeTransactionLogKey,
  decodeTransactionLogValue,
  encodeTransactionLogKey,
  encodeTransactionLogValue,
  TransactionLogRecordError,
  type TransactionLogValue,
} from '../../src/txn/transaction-log-records.js';

const ongoing: TransactionLogValue = {
  producerId: 4_000_000_000_123,
  previousProducerId: 4_000_000_000_100,
  nextProducerId: -1,
  producerEpoch: 7,
  timeoutMs: 60_000,
  state: 'Ongoing',
  partitions: [
    { topic: 'orders', partitions: [0, 3] },
    { topic: '__consumer_offsets', partitions: [17] },
  ],
  lastUpdateTimestamp: 1_700_000_000_500,
  startTimestamp: 1_700_000_000_000,
};

describe('TransactionLogKey', () => {
  it('is version 0 followed by the id as a string', () => {
    const key = encodeTransactionLogKey('tx-é');
    expect(key.readInt16BE(0)).toBe(0);
    expect(key.readInt16BE(2)).toBe(Buffer.byteLength('tx-é'));
    expect(decodeTransactionLogKey(key)).toBe('tx-é');
  });

  it('refuses other versions', () => {
    const key = encodeTransactionLogKey('tx');
    key.writeInt16BE(1, 0);
    expect(() => decodeTransactionLogKey(key)).toThrow(TransactionLogRecordError);
  });
});

describe('TransactionLogValue', () => {
  it('round-trips as v1 with the previous producer id as tagged field 0', () => {
    const bytes = encodeTransactionLogValue(ongoing);
    expect(bytes.readInt16BE(0)).toBe(1);
    expect(decodeTransactionLogValue(bytes)).toEqual(ongoing);
  });

  it('writes Kafka’s layout: fixed fields, compact partitions, timestamps, tagged fields', () => {
    const bytes = encodeTransactionLogValue({ ...ongoing, partitions: [{ topic: 't', partitions: [2] }] });
    const expected = new Writer();
    expected.int16(1);
    expected.int64(ongoing.producerId);
    expected.int16(7);
    expected.int32(60_000);
    expected.int8(1); // Ongoing
    expected.uvarint(2); // one topic
    expected.compactString('t');
    expected.uvarint(2); // one partition
    expected.int32(2);
    expected.uvarint(0);
    expected.int64(ongoing.lastUpdateTimestamp);
    expected.int64(ongoing.startTimestamp);
    expected.uvarint(1); // one tagged field
    expected.uvarint(0); // PreviousProducerId
    expected.uvarint(8);
    expected.int64(ongoing.previousProducerId);
    expect(bytes).toEqual(expected.toBuffer());
  });

  it('writes a null partition list for Empty', () => {
    const empty = { ...ongoing, state: 'Empty' as const, partitions: [], startTimestamp: -1 };
    const bytes = encodeTransactionLogValue(empty);
    expect(bytes[2 + 8 + 2 + 4 + 1]).toBe(0); // compact null array
    expect(decodeTransactionLogValue(bytes)).toEqual(empty);
  });

  it('reads v0 values, as Kafka writes them before transaction.version 1', () => {
    const w = new Writer();
    w.int16(0);
    w.int64(55);
    w.int16(3);
    w.int32(15_000);
    w.int8(4); // CompleteCommit
    w.int32(1);
    w.string('t');
    w.int32(2);
    w.int32(0);
    w.int32(1);
    w.int64(2000);
    w.int64(1000);
    expect(decodeTransactionLogValue(w.toBuffer())).toEqual({
      producerId: 55,
      previousProducerId: -1,
      nextProducerId: -1,
      producerEpoch: 3,
      timeoutMs: 15_000,
      state: 'CompleteCommit',
      partitions: [{ topic: 't', partitions: [0, 1] }],
      lastUpdateTimestamp: 2000,
      startTimestamp: 1000,
    });
  });

  it('refuses unknown versions and state ids', () => {
    const bytes = encodeTransactionLogValue(ongoing);
    const future = Buffer.from(bytes);
    future.writeInt16BE(2, 0);
    expect(() => decodeTransactionLogValue(future)).toThrow(TransactionLogRecordError);
    const badState = Buffer.from(bytes);
    badState.writeInt8(9, 2 + 8 + 2 + 4);
    expect(() => decodeTransactionLogValue(badState)).toThrow(/state id 9/);
  });
});
