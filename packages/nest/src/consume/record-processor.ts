import type { ConsumedMessage } from '../client/kafka-like.js';
import { DeserializationError } from '../errors.js';
import { SamsaContext } from '../subscribe/samsa.context.js';
import type { DeliverySource, RecordDelivery } from './delivery.js';
import type { DispatchServices } from './dispatch/dispatch-strategy.js';
import { ABORTED } from './handler-runner.js';

/**
 * Decodes one record and delivers it to a per-record handler, again after a backoff while attempts
 * are left, until it is finished. Shared by the ordered and the keyed strategies.
 */
export class RecordProcessor {
  constructor(private readonly services: DispatchServices) {}

  /**
   * Gives true when the record is finished (handled, dead-lettered or skipped), false when shutdown
   * interrupted it (it stays uncommitted); synchronously when decoding and the handler are synchronous.
   */
  process(source: DeliverySource, message: ConsumedMessage): boolean | Promise<boolean> {
    const { codec, spec } = this.services;
    let value: unknown;
    try {
      value = codec.decode(
        message.value,
        source.topic,
        spec.value,
        spec.readerSchema,
        spec.definitions?.get(source.topic),
      );
    } catch (error) {
      return this.undecodable(source, message, error);
    }
    if (value instanceof Promise) {
      return value.then(
        (decoded) => this.attempt(this.delivery(source, message, decoded, 1)),
        (error) => this.undecodable(source, message, error),
      );
    }
    return this.attempt(this.delivery(source, message, value, 1));
  }

  private async undecodable(source: DeliverySource, message: ConsumedMessage, error: unknown) {
    if (!(error instanceof DeserializationError)) throw error;
    const { topic, partition, fetch } = source;
    return this.services.failures.giveUp({
      topic,
      partition,
      fetch,
      messages: [message],
      error,
      attempts: 0,
    });
  }

  private attempt(delivery: RecordDelivery): boolean | Promise<boolean> {
    const { handler, stats } = this.services;
    let result: unknown;
    try {
      result = handler.call(delivery);
    } catch (error) {
      return this.afterFailure(delivery, error);
    }
    if (result instanceof Promise) {
      return result.then(
        (outcome) => {
          if (outcome === ABORTED) return false;
          stats.processed++;
          return true;
        },
        (error) => this.afterFailure(delivery, error),
      );
    }
    stats.processed++;
    return true;
  }

  private async afterFailure(delivery: RecordDelivery, error: unknown): Promise<boolean> {
    const { failures, stats } = this.services;
    const { topic, partition, fetch, message, payload, attempt } = delivery;
    stats.failures++;
    if (!failures.retries(error, attempt)) {
      return failures.giveUp({ topic, partition, fetch, messages: [message], error, attempts: attempt });
    }
    if (!(await failures.backoff(attempt, fetch))) return false;
    return this.attempt(this.delivery(delivery, message, payload, attempt + 1));
  }

  private delivery(
    source: DeliverySource,
    message: ConsumedMessage,
    payload: unknown,
    attempt: number,
  ): RecordDelivery {
    const { topic, partition, fetch } = source;
    const { spec, consumer } = this.services;
    const context = new SamsaContext(topic, partition, message, spec.groupId, attempt, consumer(), fetch);
    return { topic, partition, fetch, message, payload, attempt, context };
  }
}
