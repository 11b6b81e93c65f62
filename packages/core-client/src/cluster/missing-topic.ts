/**
 * The words for a topic the cluster has no partitions for, shared by the producer (a send waiting for it) and
 * the consumer (a subscription waiting for it), so both say why and what to do in their first log line.
 */
import { ErrorCode } from '../errors.js';
import type { MetadataCache } from './metadata.js';

/** Why `topic` has no partitions, as far as the latest Metadata answer tells: `topic "x" does not exist ...`. */
export function describeMissingTopic(
  metadata: Pick<MetadataCache, 'topicError' | 'allowAutoTopicCreation'>,
  topic: string,
): string {
  const name = JSON.stringify(topic);
  const error = metadata.topicError(topic);
  if (error?.errorCode === ErrorCode.TOPIC_AUTHORIZATION_FAILED) {
    return `the broker refuses this client access to topic ${name} (TOPIC_AUTHORIZATION_FAILED): grant it Describe on the topic`;
  }
  if (error !== undefined && error.errorCode !== ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) {
    return `topic ${name} has no partitions yet: the broker answered ${error.type}`;
  }
  if (error === undefined) return `topic ${name} has no metadata yet`;
  return metadata.allowAutoTopicCreation
    ? `topic ${name} does not exist, and the broker did not create it (its auto.create.topics.enable is off)`
    : `topic ${name} does not exist (allowAutoTopicCreation is false, so it was not created)`;
}
