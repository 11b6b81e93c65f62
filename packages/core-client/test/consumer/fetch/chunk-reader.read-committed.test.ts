/**
 * read_committed filtering of the ChunkReader against a model of a transactional log (property
 * tests): interleaved producers, several transactions (aborted and committed) of one producer per
 * fetch, non-transactional batches in between, transactions still open at the end, and the log
 * fetched in random pieces with the aborted-transaction list a Kafka broker would send for each
 * (firstOffset below the fetch's upper bound, abort marker at or after the fetch offset, data only
 * up to the last stable offset).
 */
import { buildControlBatch, RecordBatchBuilder } from '@samsa/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanBatches } from '../../../src/consumer/fetch/batch-scan.js';
import {
  type AbortedTransaction,
  ChunkReader,
  type FetchedChunk,
} from '../../../src/consumer/fetch/chunk-reader.js';

/** One batch of the modelled log. */
type Entry =
  | { kind: 'data'; producerId: bigint; transactional: boolean; records: number; txn: number }
  | { kind: 'marker'; producerId: bigint; commit: boolean; txn: number };

interface Placed {
  entry: Entry;
  baseOffset: bigint;
  /** Offset after the batch. */
  end: bigint;
  bytes: Buffer;
}

/** What a producer does next: a batch in its open transaction, end it, or a plain batch. */
type Step = { producer: number; action: 'data' | 'commit' | 'abort' | 'plain'; records: number };

const stepArb: fc.Arbitrary<Step> = fc.record({
  producer: fc.integer({ min: 1, max: 3 }),
  action: fc.constantFrom<Step['action']>('data', 'data', 'commit', 'abort', 'plain'),
  records: fc.integer({ min: 1, max: 4 }),
});

/**
 * Turns steps into a log: transactions open on their first batch and end with a marker. With
 * `finish`, transactions still open at the end are ended too (commit where `finish[i]`), so the LSO
 * is the log end; without, they stay open and hold the LSO back.
 */
function buildLog(
  steps: Step[],
  finish: boolean[] | null = null,
): { placed: Placed[]; outcome: Map<number, boolean | null> } {
  const open = new Map<number, number>();
  const outcome = new Map<number, boolean | null>();
  let nextTxn = 0;
  const entries: Entry[] = [];
  for (const s of steps) {
    const pid = BigInt(s.producer);
    if (s.action === 'plain') {
      entries.push({ kind: 'data', producerId: -1n, transactional: false, records: s.records, txn: -1 });
    } else if (s.action === 'data') {
      let txn = open.get(s.producer);
      if (txn === undefined) {
        txn = nextTxn++;
        open.set(s.producer, txn);
        outcome.set(txn, null);
      }
      entries.push({ kind: 'data', producerId: pid, transactional: true, records: s.records, txn });
    } else {
      const txn = open.get(s.producer);
      if (txn === undefined) continue; // Nothing to end (brokers write no marker for an empty txn).
      open.delete(s.producer);
      outcome.set(txn, s.action === 'commit');
      entries.push({ kind: 'marker', producerId: pid, commit: s.action === 'commit', txn });
    }
  }
  if (finish !== null) {
    let i = 0;
    for (const [producer, txn] of open) {
      const commit = finish[i++ % Math.max(1, finish.length)] ?? true;
      outcome.set(txn, commit);
      entries.push({ kind: 'marker', producerId: BigInt(producer), commit, txn });
    }
  }
  let offset = 0n;
  const placed = entries.map((entry) => {
    const baseOffset = offset;
    let bytes: Buffer;
    if (entry.kind === 'marker') {
      bytes = buildControlBatch({
        type: entry.commit ? 'COMMIT' : 'ABORT',
        producerId: entry.producerId,
        producerEpoch: 0,
        coordinatorEpoch: 0,
        baseOffset,
      });
      offset += 1n;
    } else {
      const builder = new RecordBatchBuilder({
        baseOffset,
        transactional: entry.transactional,
        producerId: entry.producerId,
        producerEpoch: entry.producerId >= 0n ? 0 : -1,
      });
      for (let i = 0; i < entry.records; i++)
        builder.append({ key: null, value: `${baseOffset + BigInt(i)}`, timestamp: 1 });
      bytes = builder.build();
      offset += BigInt(entry.records);
    }
    return { entry, baseOffset, end: offset, bytes };
  });
  return { placed, outcome };
}

/** The last stable offset: the first offset of the earliest transaction still open, else the log end. */
function lastStableOffset(placed: Placed[], outcome: Map<number, boolean | null>): bigint {
  for (const p of placed)
    if (p.entry.kind === 'data' && p.entry.txn >= 0 && outcome.get(p.entry.txn) === null) return p.baseOffset;
  return placed.length > 0 ? placed[placed.length - 1]!.end : 0n;
}

/** The aborted transactions a broker lists for a read_committed fetch of [fetchOffset, upperBound). */
function abortedFor(placed: Placed[], fetchOffset: bigint, upperBound: bigint): AbortedTransaction[] {
  const firstOffset = new Map<number, bigint>();
  const out: AbortedTransaction[] = [];
  for (const p of placed) {
    const e = p.entry;
    if (e.kind === 'data' && e.txn >= 0 && !firstOffset.has(e.txn)) firstOffset.set(e.txn, p.baseOffset);
    if (e.kind === 'marker' && !e.commit) {
      const first = firstOffset.get(e.txn)!;
      if (p.baseOffset >= fetchOffset && first < upperBound)
        out.push({ producerId: e.producerId, firstOffset: first });
    }
  }
  return out;
}

/** What read_committed must deliver from `from` on: committed and plain records below the LSO. */
function model(placed: Placed[], outcome: Map<number, boolean | null>, from: bigint, lso: bigint): string[] {
  const out: string[] = [];
  for (const p of placed) {
    const e = p.entry;
    if (e.kind !== 'data' || p.baseOffset >= lso) continue;
    if (e.transactional && outcome.get(e.txn) !== true) continue;
    for (let i = 0n; i < BigInt(e.records); i++)
      if (p.baseOffset + i >= from) out.push(`${p.baseOffset + i}`);
  }
  return out;
}

/** Reads the log from `from` in fetches of `sizes[i]` batches each (up to the LSO), as the fetcher chains them. */
function readInFetches(placed: Placed[], lso: bigint, from: bigint, sizes: number[], readCommitted: boolean) {
  const delivered: string[] = [];
  let fetchOffset = from;
  let fetches = 0;
  for (;;) {
    const visible = placed.filter((p) => p.end > fetchOffset && p.baseOffset < lso);
    if (visible.length === 0) break;
    const take = visible.slice(0, Math.max(1, sizes[fetches % sizes.length] ?? 1));
    const records = Buffer.concat(take.map((p) => p.bytes));
    const scan = scanBatches(records);
    const upper = take[take.length - 1]!.end;
    const chunk: FetchedChunk = {
      records,
      fetchOffset,
      nextOffset: scan.nextOffset,
      abortedTransactions: readCommitted ? abortedFor(placed, fetchOffset, upper) : null,
      highWatermark: lso,
      bytes: scan.bytes,
    };
    const reader = new ChunkReader(chunk, { readCommitted });
    for (let r = reader.next(); r !== null; r = reader.next()) delivered.push(r.value!.toString());
    fetchOffset = chunk.nextOffset;
    fetches++;
  }
  return { delivered, position: fetchOffset };
}

describe('ChunkReader read_committed (model)', () => {
  it('delivers exactly the committed and plain records below the LSO, however the log is fetched', () => {
    fc.assert(
      fc.property(
        fc.array(stepArb, { minLength: 1, maxLength: 40 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 5 }),
        fc.nat(),
        fc.option(fc.array(fc.boolean(), { minLength: 1, maxLength: 3 }), { freq: 4 }),
        (steps, sizes, startSeed, finish) => {
          const { placed, outcome } = buildLog(steps, finish);
          const lso = lastStableOffset(placed, outcome);
          const start = lso === 0n ? 0n : BigInt(startSeed) % (lso + 1n);
          const { delivered, position } = readInFetches(placed, lso, start, sizes, true);
          expect(delivered).toEqual(model(placed, outcome, start, lso));
          // The position ends on the LSO: past trailing markers and aborted data, so lag reaches 0.
          const lastBelowLso = placed.filter((p) => p.baseOffset < lso && p.end > start).at(-1);
          if (lastBelowLso) expect(position).toBe(lastBelowLso.end);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('read_uncommitted delivers every data record (never control records)', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 30 }), (steps) => {
        const { placed } = buildLog(steps);
        const end = placed.length > 0 ? placed[placed.length - 1]!.end : 0n;
        const { delivered } = readInFetches(placed, end, 0n, [3], false);
        const expected = placed.flatMap((p) =>
          p.entry.kind === 'data'
            ? Array.from({ length: p.entry.records }, (_, i) => `${p.baseOffset + BigInt(i)}`)
            : [],
        );
        expect(delivered).toEqual(expected);
      }),
      { numRuns: 100 },
    );
  });

  it('handles several aborted transactions of one producer in one fetch, interleaved with another producer', () => {
    const steps: Step[] = [
      { producer: 1, action: 'data', records: 2 }, // txn 0 (aborted)
      { producer: 2, action: 'data', records: 1 }, // txn 1 (committed)
      { producer: 1, action: 'abort', records: 1 },
      { producer: 1, action: 'data', records: 2 }, // txn 2 (committed)
      { producer: 1, action: 'commit', records: 1 },
      { producer: 1, action: 'data', records: 3 }, // txn 3 (aborted)
      { producer: 2, action: 'commit', records: 1 },
      { producer: 1, action: 'abort', records: 1 },
      { producer: 3, action: 'plain', records: 1 },
    ];
    const { placed, outcome } = buildLog(steps);
    const lso = lastStableOffset(placed, outcome);
    const { delivered, position } = readInFetches(placed, lso, 0n, [100], true);
    // Offsets: txn0 0-1, txn1 2, abort 3, txn2 4-5, commit 6, txn3 7-9, commit(p2) 10, abort 11, plain 12.
    expect(delivered).toEqual(['2', '4', '5', '12']);
    expect(position).toBe(13n);
    expect(abortedFor(placed, 0n, lso)).toEqual([
      { producerId: 1n, firstOffset: 0n },
      { producerId: 1n, firstOffset: 7n },
    ]);
  });
});
