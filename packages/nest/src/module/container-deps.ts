import type { LoggerService } from '@nestjs/common';
import type { KafkaLike } from '../client/kafka-like.js';
import type { ContainerDeps } from '../consume/subscription-container.js';
import { defaultTransactionalIdPrefix } from '../consume/transactions/transactional-producers.js';
import type { SamsaProducer } from '../produce/samsa.producer.js';
import type { ValueCodec } from '../serde/value-codec.js';
import { consumerConfig } from './kafka-client.js';
import type { ResolvedSamsaOptions } from './samsa-module-options.js';

/** What every subscription container of a module (or of a `SamsaServer`) is built with. */
export function containerDeps(
  options: ResolvedSamsaOptions,
  kafka: KafkaLike,
  codec: ValueCodec,
  producer: SamsaProducer,
  logger: LoggerService,
): ContainerDeps {
  return {
    kafka,
    consumerConfig: consumerConfig(options),
    codec,
    producer: () => producer.connected(),
    logger,
    shutdownTimeoutMs: options.shutdownTimeoutMs,
    transactions: {
      producerConfig: transactionalProducerConfig(options),
      idPrefix: options.transactionalIdPrefix ?? defaultTransactionalIdPrefix(options.clientId),
    },
  };
}

/**
 * Settings of a transactional subscription's producers: the module's `producer` settings (the
 * transactional id is added per producer). A client brought along (KafkaJS) also needs idempotence
 * and, per KafkaJS's docs, one request in flight, unless the settings say otherwise.
 */
function transactionalProducerConfig(options: ResolvedSamsaOptions): Record<string, unknown> {
  const own = options.producer ?? {};
  if (!options.client) return { ...own };
  const chosen = (...keys: string[]) => keys.some((key) => key in own);
  return {
    ...(chosen('idempotent', 'enableIdempotence') ? {} : { idempotent: true }),
    ...(chosen('maxInFlightRequests', 'maxInFlightRequestsPerConnection') ? {} : { maxInFlightRequests: 1 }),
    ...own,
  };
}
