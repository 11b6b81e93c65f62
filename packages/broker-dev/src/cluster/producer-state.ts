/**
 * Idempotent-producer bookkeeping of one partition (Kafka's ProducerStateManager, without
 * transactions): per producer id the epoch and the last five batches, so a retried batch is
 * answered with its original offsets instead of being written twice, and a gap in sequence
 * numbers is refused. Kept in memory: after a restart a producer's next batch is accepted
 * whatever its sequence, as Kafka does once producer state has expired.
 */
import { ErrorCode } from '@samsa/protocol';

/** Kafka keeps the last five batches per producer (max.in.flight.requests for idempotence). */
const RETAINED_BATCHES = 5;

interface BatchMetadata {
  firstSeq: number;
  lastSeq: number;
  firstOffset: number;
  lastOffset: number;
}

interface ProducerEntry {
  epoch: number;
  batches: BatchMetadata[];
}

export type SequenceCheck =
  | { kind: 'append' }
  | { kind: 'duplicate'; firstOffset: number }
  | { kind: 'error'; errorCode: number; message: string };

const INT32_MAX = 0x7fffffff;

function nextSequence(lastSeq: number): number {
  return lastSeq === INT32_MAX ? 0 : lastSeq + 1;
}

export class ProducerStates {
  private readonly producers = new Map<number, ProducerEntry>();

  /** Checks a batch of `producerId` before it is appended. */
  check(producerId: number, epoch: number, firstSeq: number, recordCount: number): SequenceCheck {
    const entry = this.producers.get(producerId);
    if (!entry) return { kind: 'append' };
    if (epoch < entry.epoch) {
      return {
        kind: 'error',
        errorCode: ErrorCode.INVALID_PRODUCER_EPOCH,
        message: `Producer ${producerId} epoch ${epoch} is older than the current epoch ${entry.epoch}.`,
      };
    }
    if (epoch > entry.epoch) {
      if (firstSeq !== 0) {
        return {
          kind: 'error',
          errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
          message: `Producer ${producerId} started epoch ${epoch} at sequence ${firstSeq}; a new epoch starts at 0.`,
        };
      }
      return { kind: 'append' };
    }
    const lastSeq = (firstSeq + recordCount - 1) % (INT32_MAX + 1);
    const duplicate = entry.batches.find((b) => b.firstSeq === firstSeq && b.lastSeq === lastSeq);
    if (duplicate) return { kind: 'duplicate', firstOffset: duplicate.firstOffset };
    const last = entry.batches[entry.batches.length - 1];
    if (last && firstSeq !== nextSequence(last.lastSeq)) {
      return {
        kind: 'error',
        errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
        message: `Producer ${producerId} sent sequence ${firstSeq}, expected ${nextSequence(last.lastSeq)}.`,
      };
    }
    return { kind: 'append' };
  }

  /** Records an appended batch. */
  record(producerId: number, epoch: number, firstSeq: number, firstOffset: number, lastOffset: number): void {
    let entry = this.producers.get(producerId);
    if (!entry || epoch > entry.epoch) {
      entry = { epoch, batches: [] };
      this.producers.set(producerId, entry);
    }
    const count = lastOffset - firstOffset + 1;
    entry.batches.push({
      firstSeq,
      lastSeq: (firstSeq + count - 1) % (INT32_MAX + 1),
      firstOffset,
      lastOffset,
    });
    if (entry.batches.length > RETAINED_BATCHES) entry.batches.shift();
  }

  /** A producer re-initialised with a bumped epoch (InitProducerId v3+) starts over. */
  forget(producerId: number): void {
    this.producers.delete(producerId);
  }
}
