/** The aborted-transaction index of a segment: Kafka's `.txnindex` bytes and its search. */
import { describe, expect, it } from 'vitest';
import {
  ABORTED_TXN_ENTRY_SIZE,
  type AbortedTxn,
  TransactionIndex,
} from '../../src/storage/transaction-index.js';

const txn = (
  producerId: number,
  firstOffset: number,
  lastOffset: number,
  lastStableOffset: number,
): AbortedTxn => ({
  producerId,
  firstOffset,
  lastOffset,
  lastStableOffset,
});

function indexOf(...entries: AbortedTxn[]): TransactionIndex {
  const index = new TransactionIndex();
  for (const entry of entries) index.append(entry);
  return index;
}

describe('TransactionIndex', () => {
  it("writes Kafka's 34-byte entries: version 0, producer id, first, last and last stable offset", () => {
    const bytes = indexOf(txn(0x0102030405, 7, 9, 10), txn(3, 11, 20, 12)).serialize();
    expect(bytes.length).toBe(2 * ABORTED_TXN_ENTRY_SIZE);
    expect(bytes.subarray(0, 34).toString('hex')).toBe(
      ['0000', '0000000102030405', '0000000000000007', '0000000000000009', '000000000000000a'].join(''),
    );
    expect(TransactionIndex.deserialize(bytes, 0, 21)?.all).toEqual([
      txn(0x0102030405, 7, 9, 10),
      txn(3, 11, 20, 12),
    ]);
  });

  it('refuses bytes that are not whole entries of version 0 in order within the segment', () => {
    const bytes = indexOf(txn(1, 0, 5, 6), txn(2, 3, 8, 9)).serialize();
    expect(TransactionIndex.deserialize(bytes.subarray(0, 40), 0, 10)).toBeUndefined();
    expect(TransactionIndex.deserialize(bytes, 6, 10)).toBeUndefined(); // a marker below the segment
    expect(TransactionIndex.deserialize(bytes, 0, 8)).toBeUndefined(); // a marker past its end
    const badVersion = Buffer.from(bytes);
    badVersion.writeInt16BE(1, 0);
    expect(TransactionIndex.deserialize(badVersion, 0, 10)).toBeUndefined();
    const swapped = Buffer.concat([bytes.subarray(34), bytes.subarray(0, 34)]);
    expect(TransactionIndex.deserialize(swapped, 0, 10)).toBeUndefined();
    expect(() => indexOf(txn(1, 0, 5, 6), txn(2, 1, 5, 6))).toThrow(RangeError);
  });

  it('collects the transactions overlapping [fetchOffset, upperBound) and stops at a last stable offset past it', () => {
    const index = indexOf(txn(1, 0, 4, 5), txn(2, 6, 10, 11), txn(3, 8, 15, 16));
    const out: AbortedTxn[] = [];
    expect(index.collect(5, 9, out)).toBe(true);
    expect(out.map((t) => t.producerId)).toEqual([2]);
    const all: AbortedTxn[] = [];
    expect(index.collect(0, 100, all)).toBe(false);
    expect(all.map((t) => t.producerId)).toEqual([1, 2, 3]);
    const late: AbortedTxn[] = [];
    index.collect(11, 16, late);
    expect(late.map((t) => t.producerId)).toEqual([3]);
  });

  it('truncates the entries whose marker is at or past an offset', () => {
    const index = indexOf(txn(1, 0, 4, 5), txn(2, 6, 10, 11));
    index.truncateTo(10);
    expect(index.all.map((t) => t.producerId)).toEqual([1]);
    index.truncateTo(0);
    expect(index.size).toBe(0);
  });
});
