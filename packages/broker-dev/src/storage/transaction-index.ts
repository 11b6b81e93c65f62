/**
 * The aborted transactions whose ABORT marker lies in one segment, as Kafka's `.txnindex`
 * (TransactionIndex.java, AbortedTxn.java): 34-byte entries `version int16 (0) | producerId int64 |
 * firstOffset int64 | lastOffset int64 | lastStableOffset int64`, in marker order. A read_committed
 * Fetch collects the entries overlapping the data it returns; the cleaner uses them to drop aborted
 * data. Entries are rare, so they are kept in memory and written with the segment's other indexes.
 */

/** One aborted transaction: its data spans [firstOffset, lastOffset], lastOffset being its ABORT marker. */
export interface AbortedTxn {
  readonly producerId: number;
  readonly firstOffset: number;
  readonly lastOffset: number;
  /**
   * The last stable offset when the marker was written: the first offset of another producer's
   * open transaction, else the marker's offset + 1. A search past it needs no later segment.
   */
  readonly lastStableOffset: number;
}

export const ABORTED_TXN_ENTRY_SIZE = 34;
const ENTRY_VERSION = 0;

export class TransactionIndex {
  private readonly entries: AbortedTxn[] = [];

  get size(): number {
    return this.entries.length;
  }

  get all(): readonly AbortedTxn[] {
    return this.entries;
  }

  /** Adds the entry of an ABORT marker; markers come in offset order, as Kafka requires. */
  append(txn: AbortedTxn): void {
    const last = this.entries[this.entries.length - 1];
    if (last && txn.lastOffset <= last.lastOffset) {
      throw new RangeError(
        `Aborted transaction ending at ${txn.lastOffset} does not follow the one ending at ${last.lastOffset}.`,
      );
    }
    const { producerId, firstOffset, lastOffset, lastStableOffset } = txn;
    this.entries.push({ producerId, firstOffset, lastOffset, lastStableOffset });
  }

  /**
   * Adds the entries with `lastOffset >= fetchOffset` and `firstOffset < upperBoundOffset` to `out`;
   * returns true once an entry's lastStableOffset reaches `upperBoundOffset` (no later segment can
   * hold another overlapping transaction), as Kafka's collectAbortedTxns.
   */
  collect(fetchOffset: number, upperBoundOffset: number, out: AbortedTxn[]): boolean {
    for (const txn of this.entries) {
      if (txn.lastOffset >= fetchOffset && txn.firstOffset < upperBoundOffset) out.push(txn);
      if (txn.lastStableOffset >= upperBoundOffset) return true;
    }
    return false;
  }

  /** Drops the entries whose marker is at or after `offset` (the log was truncated there). */
  truncateTo(offset: number): void {
    const keep = this.entries.findIndex((txn) => txn.lastOffset >= offset);
    if (keep >= 0) this.entries.length = keep;
  }

  serialize(): Buffer {
    const out = Buffer.alloc(this.entries.length * ABORTED_TXN_ENTRY_SIZE);
    this.entries.forEach((txn, i) => {
      const at = i * ABORTED_TXN_ENTRY_SIZE;
      out.writeInt16BE(ENTRY_VERSION, at);
      out.writeBigInt64BE(BigInt(txn.producerId), at + 2);
      out.writeBigInt64BE(BigInt(txn.firstOffset), at + 10);
      out.writeBigInt64BE(BigInt(txn.lastOffset), at + 18);
      out.writeBigInt64BE(BigInt(txn.lastStableOffset), at + 26);
    });
    return out;
  }

  /**
   * Reads a `.txnindex` file's bytes; undefined when they are not whole entries of a known version
   * in increasing order within [baseOffset, nextOffset) (the caller rebuilds the index instead).
   */
  static deserialize(bytes: Buffer, baseOffset: number, nextOffset: number): TransactionIndex | undefined {
    if (bytes.length % ABORTED_TXN_ENTRY_SIZE !== 0) return undefined;
    const index = new TransactionIndex();
    for (let at = 0; at < bytes.length; at += ABORTED_TXN_ENTRY_SIZE) {
      if (bytes.readInt16BE(at) !== ENTRY_VERSION) return undefined;
      const txn: AbortedTxn = {
        producerId: Number(bytes.readBigInt64BE(at + 2)),
        firstOffset: Number(bytes.readBigInt64BE(at + 10)),
        lastOffset: Number(bytes.readBigInt64BE(at + 18)),
        lastStableOffset: Number(bytes.readBigInt64BE(at + 26)),
      };
      const last = index.entries[index.entries.length - 1];
      if (
        txn.lastOffset < baseOffset ||
        txn.lastOffset >= nextOffset ||
        txn.firstOffset > txn.lastOffset ||
        (last && txn.lastOffset <= last.lastOffset)
      ) {
        return undefined;
      }
      index.entries.push(txn);
    }
    return index;
  }
}
