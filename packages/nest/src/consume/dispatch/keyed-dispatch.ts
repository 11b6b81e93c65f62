import type { PartitionRecords } from '../delivery.js';
import type { RecordProcessor } from '../record-processor.js';
import type { DispatchServices, DispatchStrategy } from './dispatch-strategy.js';

/**
 * Per-key lanes: up to `keysPerPartition` keys at once, each key's records in offset order. On stop,
 * records below the highest one already started still run, so what is committed is exactly a
 * finished prefix of the partition (nothing processed twice after a clean shutdown).
 */
export class KeyedDispatch implements DispatchStrategy {
  constructor(
    private readonly services: DispatchServices,
    private readonly records: RecordProcessor,
  ) {}

  async dispatch(source: PartitionRecords): Promise<void> {
    const { gate, offsets, spec } = this.services;
    const { messages, fetch } = source;
    const done = new Uint8Array(messages.length);
    const lanes = new Map<string, number[]>();
    messages.forEach((message, index) => {
      const key = message.key ? message.key.toString('latin1') : '\u0000null';
      const lane = lanes.get(key);
      if (lane) lane.push(index);
      else lanes.set(key, [index]);
    });
    const queue = [...lanes.values()];
    let highestStarted = -1;
    let limit = Number.POSITIVE_INFINITY;
    let failure: unknown;
    const allowed = (index: number): boolean => {
      if (failure !== undefined || gate.hardAborted) return false;
      if (!gate.canStart(fetch) && limit === Number.POSITIVE_INFINITY) limit = highestStarted;
      return index <= limit;
    };
    const worker = async (): Promise<void> => {
      for (let lane = queue.shift(); lane; lane = queue.shift()) {
        for (const index of lane) {
          if (!allowed(index)) break;
          highestStarted = Math.max(highestStarted, index);
          try {
            let finished = this.records.process(source, messages[index]!);
            if (typeof finished !== 'boolean') finished = await finished;
            if (!finished) return;
          } catch (error) {
            failure ??= error;
            return;
          }
          done[index] = 1;
        }
      }
    };
    const workers = Math.min(spec.keysPerPartition, queue.length);
    await Promise.all(Array.from({ length: workers }, worker));
    let prefix = 0;
    while (prefix < messages.length && done[prefix] === 1) prefix++;
    if (prefix > 0) {
      const last = messages[prefix - 1]!;
      fetch.resolveOffset(last.offset);
      offsets.commit(source, last.offset);
    }
    if (failure !== undefined) throw failure;
  }
}
