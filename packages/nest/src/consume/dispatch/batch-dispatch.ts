import type { ConsumedMessage } from '../../client/kafka-like.js';
import { BatchRecordError, DeserializationError } from '../../errors.js';
import { SamsaBatchContext } from '../../subscribe/samsa.context.js';
import type { BatchDelivery, DecodedRecord, DeliverySource, PartitionRecords } from '../delivery.js';
import { ABORTED } from '../handler-runner.js';
import type { DispatchServices, DispatchStrategy } from './dispatch-strategy.js';

/** Marks a record finished: its offset may be committed. */
type Finished = (message: ConsumedMessage) => void;

/**
 * Batch handlers: the handler gets up to `maxSize` records of the partition at once. A record that
 * does not decode is dead-lettered on its own, in its place; a `BatchRecordError` says which record
 * failed, so the ones before it count as handled and only it is retried.
 */
export class BatchDispatch implements DispatchStrategy {
  constructor(
    private readonly services: DispatchServices,
    private readonly maxSize: number,
  ) {}

  async dispatch(source: PartitionRecords): Promise<void> {
    const { gate, offsets } = this.services;
    const { messages, fetch } = source;
    let last: ConsumedMessage | undefined;
    const finished: Finished = (message) => {
      fetch.resolveOffset(message.offset);
      last = message;
    };
    try {
      for (let start = 0; start < messages.length; start += this.maxSize) {
        if (!gate.canStart(fetch)) break;
        const chunk = messages.slice(start, start + this.maxSize);
        if (!(await this.dispatchChunk(source, chunk, finished))) break;
      }
    } finally {
      if (last) offsets.commit(source, last.offset);
    }
  }

  /** Decodes a chunk and delivers it; false when shutdown interrupted it. */
  private async dispatchChunk(
    source: PartitionRecords,
    chunk: ConsumedMessage[],
    finished: Finished,
  ): Promise<boolean> {
    const { codec, spec, failures } = this.services;
    const { topic, partition } = source;
    let decoded: DecodedRecord[] = [];
    const flush = async (): Promise<boolean> => {
      const ok = await this.deliver(source, decoded, finished);
      decoded = [];
      return ok;
    };
    for (const message of chunk) {
      let value: unknown;
      try {
        value = await codec.decode(
          message.value,
          topic,
          spec.value,
          spec.readerSchema,
          spec.definitions?.get(topic),
        );
      } catch (error) {
        if (!(error instanceof DeserializationError)) throw error;
        if (decoded.length > 0 && !(await flush())) return false;
        const failed = { topic, partition, fetch: source.fetch, messages: [message], error, attempts: 0 };
        if (!(await failures.giveUp(failed))) return false;
        finished(message);
        continue;
      }
      decoded.push({ message, value });
    }
    return decoded.length === 0 || flush();
  }

  /** Delivers decoded records, retrying and giving up per the policy; false when shutdown interrupted it. */
  private async deliver(
    source: PartitionRecords,
    records: DecodedRecord[],
    finished: Finished,
  ): Promise<boolean> {
    const { handler, failures, stats, spec } = this.services;
    const { topic, partition, fetch } = source;
    let rest: readonly DecodedRecord[] = records;
    let attempt = 1;
    while (rest.length > 0) {
      const delivery = this.delivery(source, rest, attempt);
      const { messages } = delivery.context;
      let error: unknown;
      try {
        const outcome = await handler.call(delivery);
        if (outcome === ABORTED) return false;
        stats.processed += messages.length;
        for (const message of messages) finished(message);
        return true;
      } catch (caught) {
        error = caught;
      }
      stats.failures++;
      if (error instanceof BatchRecordError && error.index >= 0 && error.index < messages.length) {
        // The records before the failed one are handled; the failed one counts its own attempts.
        const cause = error.cause ?? error;
        if (error.index > 0) {
          const handled = rest.slice(0, error.index);
          if (spec.transactional) {
            // The call's transaction was aborted with all it published: they are delivered again, on their own.
            if (!(await this.deliver(source, handled, finished))) return false;
          } else {
            for (const { message } of handled) finished(message);
            stats.processed += error.index;
          }
          rest = rest.slice(error.index);
          attempt = 1;
        }
        if (!failures.retries(cause, attempt)) {
          const head = rest[0]!.message;
          const failed = { topic, partition, fetch, messages: [head], error: cause, attempts: attempt };
          if (!(await failures.giveUp(failed))) return false;
          finished(head);
          rest = rest.slice(1);
          attempt = 1;
          continue;
        }
      } else if (!failures.retries(error, attempt)) {
        if (!(await failures.giveUp({ topic, partition, fetch, messages, error, attempts: attempt })))
          return false;
        for (const message of messages) finished(message);
        return true;
      }
      if (!(await failures.backoff(attempt, fetch))) return false;
      attempt++;
    }
    return true;
  }

  private delivery(
    source: DeliverySource,
    records: readonly DecodedRecord[],
    attempt: number,
  ): BatchDelivery {
    const { topic, partition, fetch } = source;
    const { spec, consumer } = this.services;
    const messages = records.map((record) => record.message);
    const context = new SamsaBatchContext(
      topic,
      partition,
      messages,
      spec.groupId,
      attempt,
      consumer(),
      fetch,
    );
    const payload = records.map((record) => record.value);
    return { topic, partition, fetch, records, payload, attempt, context };
  }
}
