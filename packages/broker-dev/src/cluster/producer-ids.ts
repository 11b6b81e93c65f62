/** Producer ids for idempotent producers, and their epochs. */
import type { PartitionState } from './topic.js';

/** Epochs are int16; at the top a producer gets a new id instead. */
const MAX_EPOCH = 32766;

export class ProducerIds {
  /** Starts from the clock so ids from before a restart are not handed out again. */
  private next = Date.now() * 16;
  private readonly epochs = new Map<number, number>();

  constructor(private readonly partitions: () => Iterable<PartitionState>) {}

  /** A new id at epoch 0, or (v3+) the same id with its epoch bumped when `producerId`/`epoch` are current. */
  initialize(producerId: number, epoch: number): { producerId: number; producerEpoch: number } {
    const current = this.epochs.get(producerId);
    if (producerId >= 0 && current !== undefined && current === epoch && epoch < MAX_EPOCH) {
      this.epochs.set(producerId, epoch + 1);
      for (const partition of this.partitions()) partition.producers.forget(producerId);
      return { producerId, producerEpoch: epoch + 1 };
    }
    const id = this.next++;
    this.epochs.set(id, 0);
    return { producerId: id, producerEpoch: 0 };
  }
}
