import type { ConsumedMessage } from '../../client/kafka-like.js';
import type { PartitionRecords } from '../delivery.js';
import type { RecordProcessor } from '../record-processor.js';
import type { DispatchServices, DispatchStrategy } from './dispatch-strategy.js';

/** Strict offset order: one record at a time (no promise hop at all while handlers are synchronous). */
export class OrderedDispatch implements DispatchStrategy {
  constructor(
    private readonly services: DispatchServices,
    private readonly records: RecordProcessor,
  ) {}

  async dispatch(source: PartitionRecords): Promise<void> {
    const { gate, offsets } = this.services;
    let last: ConsumedMessage | undefined;
    try {
      for (const message of source.messages) {
        if (!gate.canStart(source.fetch)) break;
        let finished = this.records.process(source, message);
        if (typeof finished !== 'boolean') finished = await finished;
        if (!finished) break;
        last = message;
      }
    } finally {
      if (last) {
        source.fetch.resolveOffset(last.offset);
        offsets.commit(source, last.offset);
      }
    }
  }
}
