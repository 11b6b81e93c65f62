/**
 * Kafka's topic name rules (`org.apache.kafka.common.internals.Topic.validate`), checked wherever a
 * caller names a topic: the broker answers INVALID_TOPIC_EXCEPTION for any other name, and a
 * producer would otherwise only find out when its metadata wait times out.
 */
import { describe } from './config/validate.js';
import { InvalidTopicNameError } from './errors.js';

/** Kafka's limit: 249, so that `<topic>-<partition>` directory names stay within 255 bytes. */
export const MAX_TOPIC_NAME_LENGTH = 249;

const LEGAL = /^[a-zA-Z0-9._-]+$/;
const FIRST_ILLEGAL = /[^a-zA-Z0-9._-]/;
const RULES = "Kafka topic names are 1 to 249 characters of ASCII letters, digits, '.', '_' and '-'";

/** Throws InvalidTopicNameError unless `topic` is a name Kafka accepts. */
export function validateTopicName(topic: unknown): asserts topic is string {
  if (typeof topic !== 'string') {
    throw new InvalidTopicNameError(
      String(topic),
      'type',
      `A topic name must be a string, got ${describe(topic)}. ${RULES}.`,
    );
  }
  if (topic.length > 0 && topic.length <= MAX_TOPIC_NAME_LENGTH && LEGAL.test(topic)) {
    if (topic !== '.' && topic !== '..') return;
    throw new InvalidTopicNameError(
      topic,
      'dots',
      `Topic name ${quote(topic)} is invalid: "." and ".." are not allowed as topic names. ${RULES}.`,
    );
  }
  if (topic.length === 0) {
    throw new InvalidTopicNameError(topic, 'empty', `A topic name must not be empty. ${RULES}.`);
  }
  if (topic.length > MAX_TOPIC_NAME_LENGTH) {
    throw new InvalidTopicNameError(
      topic,
      'length',
      `Topic name ${quote(topic)} is invalid: it is ${topic.length} characters long, the limit is ` +
        `${MAX_TOPIC_NAME_LENGTH}. Use a shorter name.`,
    );
  }
  const at = topic.search(FIRST_ILLEGAL);
  throw new InvalidTopicNameError(
    topic,
    'characters',
    `Topic name ${quote(topic)} is invalid: it contains ${JSON.stringify(String.fromCodePoint(topic.codePointAt(at)!))} at index ${at}. ` +
      `${RULES}; rename the topic.`,
  );
}

/** The name as JSON (control characters escaped), shortened when very long. */
function quote(topic: string): string {
  return JSON.stringify(topic.length > 80 ? `${topic.slice(0, 60)}…` : topic);
}
