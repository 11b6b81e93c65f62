/**
 * Waiting for the metadata of topics a send names before its records can be partitioned (Java's
 * `waitOnMetadata`): refreshes until every topic has partitions, the broker gives an answer about
 * one that retrying cannot change (INVALID_TOPIC_EXCEPTION, TOPIC_AUTHORIZATION_FAILED), `maxBlockMs`
 * passes, the send's signal aborts, or the producer is disconnected without waiting for its sends.
 */
import { raceAbort } from '../abort.js';
import type { MetadataCache } from '../cluster/metadata.js';
import { describeMissingTopic } from '../cluster/missing-topic.js';
import type { ResolvedRetry } from '../config/client-options.js';
import { KafkaTimeoutError, RequestAbortedError } from '../errors.js';
import type { Logger } from '../logger.js';
import { backoffMs, sleep } from '../retry.js';

export interface TopicMetadataWait {
  maxBlockMs: number;
  retry: ResolvedRetry;
  log: Logger;
  /** The send's own signal. */
  signal?: AbortSignal;
  /** Aborts (with the error the send fails with) when the producer stops waiting for pending sends. */
  closed: AbortSignal;
  /** Topics already warned about as missing (one warning per topic until it appears). */
  warned: Set<string>;
}

export async function waitForTopicMetadata(
  metadata: MetadataCache,
  topics: string[],
  options: TopicMetadataWait,
): Promise<void> {
  const { signal, closed } = options;
  const deadline = Date.now() + options.maxBlockMs;
  const wakeOn = signal ? AbortSignal.any([signal, closed]) : closed;
  const stopIfAborted = () => {
    if (closed.aborted) throw closed.reason;
    if (signal?.aborted) throw new RequestAbortedError('send', signal.reason);
  };
  let lastError: Error | null = null;
  for (let attempt = 0; ; attempt++) {
    stopIfAborted();
    try {
      await raceAbort(metadata.refresh(topics), wakeOn, 'send');
      lastError = null;
    } catch (err) {
      stopIfAborted();
      lastError = err as Error;
      options.log.debug('metadata refresh failed while waiting for topics', {
        topics,
        error: lastError.message,
      });
    }
    const missing = topics.filter((t) => metadata.partitionCount(t) === 0);
    for (const topic of topics) if (!missing.includes(topic)) options.warned.delete(topic);
    if (missing.length === 0) return;
    for (const topic of missing) {
      const answer = metadata.topicError(topic);
      if (answer !== undefined && !answer.retriable) {
        // Nothing will change the answer: stop asking for the topic on every refresh.
        metadata.untrack([topic]);
        throw answer;
      }
      if (answer !== undefined && !options.warned.has(topic)) {
        options.warned.add(topic);
        options.log.warn(
          `${describeMissingTopic(metadata, topic)}; send() waits up to maxBlockMs=${options.maxBlockMs} for it ` +
            'to be created, then fails',
          { topic },
        );
      }
    }
    if (Date.now() >= deadline) throw timeout(metadata, missing, options.maxBlockMs, lastError);
    try {
      await sleep(Math.min(deadline - Date.now(), backoffMs(options.retry, Math.min(attempt, 10))), wakeOn);
    } catch (err) {
      stopIfAborted();
      throw err;
    }
  }
}

function timeout(
  metadata: MetadataCache,
  missing: string[],
  maxBlockMs: number,
  lastError: Error | null,
): KafkaTimeoutError {
  const topics = missing.join(', ');
  const answered = missing.filter((t) => metadata.topicError(t) !== undefined);
  if (answered.length > 0) {
    return new KafkaTimeoutError(
      `Gave up waiting for topic ${topics} after maxBlockMs=${maxBlockMs}: ` +
        `${answered.map((t) => describeMissingTopic(metadata, t)).join('; ')}. Create it (admin.createTopics(), ` +
        '`samsa topics create`), or enable auto-creation on the broker',
      { cause: metadata.topicError(answered[0]) },
    );
  }
  if (lastError !== null) {
    return new KafkaTimeoutError(
      `Topic ${topics} not present in metadata after maxBlockMs=${maxBlockMs}: the last metadata request ` +
        `failed (${lastError.message}). Check that the brokers are reachable.`,
      { cause: lastError },
    );
  }
  return new KafkaTimeoutError(
    `Topic ${topics} not present in metadata after maxBlockMs=${maxBlockMs}: create it ` +
      '(or enable auto-creation on the broker and allowAutoTopicCreation here)',
  );
}
