/**
 * Splitting a batch the broker refused as too large (MESSAGE_TOO_LARGE: the topic's
 * max.message.bytes is below what the batch grew to) into pieces it takes, as Java does. The pieces
 * cover exactly the original's records in order, so with idempotence they cover its sequence range
 * and the batches behind it keep their numbers; each send call's segments move to the pieces that
 * now hold their records.
 */
import { decodeRecords, RECORD_BATCH_OVERHEAD, type RecordInput } from '@samsa/protocol/on-demand';
import { ProducerBatchState } from './batch.js';
import { addSequence } from './idempotence.js';
import type { Segment } from './send-call.js';

/** Largest piece of a split `batch`: at most batchSize, and at most half the batch so every split makes progress. */
export function splitLimit(batch: ProducerBatchState, batchSize: number): number {
  return Math.max(RECORD_BATCH_OVERHEAD + 1, Math.min(batchSize, Math.ceil(batch.size / 2)));
}

/**
 * The records of built batch `b` in batches of at most `limit` bytes each (a record larger than
 * that gets a batch of its own). Each piece reserves what it holds; `b` itself is left as it was,
 * apart from its segments, which now point at the pieces.
 */
export function splitBatch(b: ProducerBatchState, limit: number): ProducerBatchState[] {
  const pieces: ProducerBatchState[] = [];
  /** Index (in `b`) of each piece's first record. */
  const firstIndex: number[] = [];
  let piece: ProducerBatchState | null = null;
  decodeRecords(b.bytes!).forEach((r, i) => {
    const input: RecordInput = { key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp };
    if (piece === null || !piece.builder.tryAppend(input)) {
      piece = new ProducerBatchState(
        b.topic,
        b.partition,
        limit,
        0,
        b.acks,
        b.compression,
        b.timeoutMs,
        limit,
        undefined,
        b.transactional,
      );
      piece.createdMs = b.createdMs;
      piece.builder.append(input);
      pieces.push(piece);
      firstIndex.push(i);
    }
  });
  for (let k = 0; k < pieces.length; k++) {
    const p = pieces[k];
    p.reserved = p.size;
    if (b.baseSequence >= 0) {
      p.producerId = b.producerId;
      p.producerEpoch = b.producerEpoch;
      p.baseSequence = addSequence(b.baseSequence, firstIndex[k]);
    }
  }
  moveSegments(b, pieces, firstIndex);
  return pieces;
}

/** Each segment (a run of one send call's records) moves to the piece(s) now holding its records. */
function moveSegments(b: ProducerBatchState, pieces: ProducerBatchState[], firstIndex: number[]): void {
  for (const s of b.segments) {
    let first = s.firstDelta;
    let left = s.count;
    let k = pieceAt(firstIndex, first);
    let segment: Segment | null = null;
    while (left > 0) {
      const p = pieces[k];
      const end = k + 1 < pieces.length ? firstIndex[k + 1] : b.count;
      const n = Math.min(left, end - first);
      if (segment === null) {
        s.batch = p;
        s.firstDelta = first - firstIndex[k];
        s.count = n;
        segment = s;
      } else {
        segment = s.call.insertSegmentAfter(segment, p, first - firstIndex[k], n);
      }
      p.segments.push(segment);
      p.lastSegment = segment;
      left -= n;
      first += n;
      k++;
    }
  }
}

/** The piece holding record `index`, given each piece's first record index (ascending). */
function pieceAt(firstIndex: number[], index: number): number {
  let k = firstIndex.length - 1;
  while (firstIndex[k] > index) k--;
  return k;
}
