import type { LoggerService } from '@nestjs/common';
import type { KafkaLike } from '../client/kafka-like.js';
import type { SubscriptionSpec } from '../consume/subscription-spec.js';
import type { EnsureTopicsOptions } from './samsa-module-options.js';

/** Creates the topics that do not exist yet; existing topics are left as they are. */
export async function ensureTopics(
  kafka: KafkaLike,
  topics: string[],
  options: boolean | EnsureTopicsOptions,
  logger: LoggerService,
): Promise<void> {
  if (topics.length === 0) return;
  const settings = typeof options === 'object' ? options : {};
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(admin.listTopics ? await admin.listTopics() : []);
    const missing = topics.filter((topic) => !existing.has(topic));
    if (missing.length === 0) return;
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({
        topic,
        ...(settings.numPartitions !== undefined ? { numPartitions: settings.numPartitions } : {}),
        ...(settings.replicationFactor !== undefined
          ? { replicationFactor: settings.replicationFactor }
          : {}),
      })),
    });
    logger.log?.(`created topic(s) ${missing.join(', ')}`);
  } finally {
    await admin.disconnect();
  }
}

/** The topics to create for `ensureTopics`: `published` ones, then each subscribed topic and its dead-letter topic. */
export function topicsToEnsure(
  specs: readonly SubscriptionSpec[],
  published: readonly string[] = [],
): string[] {
  const wanted = new Set(published);
  for (const spec of specs) {
    for (const topic of spec.topics) {
      if (typeof topic !== 'string') continue;
      wanted.add(topic);
      const deadLetter = spec.deadLetterTopic?.(topic);
      if (deadLetter) wanted.add(deadLetter);
    }
  }
  return [...wanted];
}
