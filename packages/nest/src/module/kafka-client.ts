import type { KafkaLike } from '../client/kafka-like.js';
import { resolveLogger } from './logger.js';
import type { ResolvedSamsaOptions } from './samsa-module-options.js';

/**
 * The default client: `@samsa/core-client`'s `Kafka`, loaded on first use, so apps that bring their
 * own client (`options.client`) never load it. Its log lines go to Nest's logger (warnings and errors,
 * unless `clientConfig` sets `logLevel`, `logCreator` or `logger`).
 */
export async function createKafkaClient(options: ResolvedSamsaOptions): Promise<KafkaLike> {
  const { Kafka, LogLevel } = await import('@samsa/core-client');
  const own = options.clientConfig ?? {};
  const chooses = 'logLevel' in own || 'logCreator' in own || 'logger' in own;
  const logger = resolveLogger(options.logger, 'Samsa client');
  const logging = chooses
    ? {}
    : {
        logLevel: LogLevel.WARN,
        logCreator: () => (entry: { label: string; namespace: string; log: { message: string } }) => {
          const line = `${entry.namespace}: ${entry.log.message}`;
          if (entry.label === 'ERROR') logger.error?.(line);
          else if (entry.label === 'WARN') logger.warn?.(line);
          else logger.log?.(line);
        },
      };
  return new Kafka({
    ...logging,
    ...own,
    clientId: options.clientId,
    brokers: options.brokers,
  } as ConstructorParameters<typeof Kafka>[0]) as unknown as KafkaLike;
}

/**
 * Consumer settings for every subscription: the user's, plus cooperative-sticky assignment (KIP-429)
 * on Samsa's own client when none is chosen, so a rebalance moves only the partitions that change
 * owner instead of stopping the whole group. (KafkaJS has no cooperative protocol.)
 */
export function consumerConfig(options: ResolvedSamsaOptions): Record<string, unknown> {
  const own = options.consumer ?? {};
  const chosen = 'partitionAssignors' in own || 'partitionAssigners' in own;
  return options.client || chosen ? { ...own } : { partitionAssignors: ['cooperative-sticky'], ...own };
}
