/**
 * What a consumer group subscribes to: topic names, and server-side regular expressions
 * (SubscribedTopicRegex, ConsumerGroupHeartbeat v1+) resolved against the cluster's topics. Regexes
 * are RE2 (re2js, the JavaScript port of the RE2/J library Kafka uses), match whole topic names,
 * and run in linear time whatever a client sends.
 *
 * Kafka resolves regexes asynchronously and refreshes subscription metadata on metadata changes;
 * here both happen in the heartbeat that first sees a new regex or a changed topic set (the
 * cluster's topic version), so a topic created or grown is picked up by the next heartbeat.
 */
import { ErrorCode } from '@samsa/protocol';
import { RE2JS } from 're2js';
import { BrokerError } from '../../broker-error.js';
import type { ConsumerGroup, SubscribedTopic } from './consumer-group.js';

/** The cluster's topics as the consumer group coordinator sees them. */
export interface ClusterTopics {
  /** Changes whenever a topic is created or deleted or gains partitions. */
  version(): number;
  topic(name: string): SubscribedTopic | undefined;
  /** Name of a topic id (ConsumerGroupDescribe names assigned topics). */
  topicName(topicId: string): string | undefined;
  topicNames(): Iterable<string>;
}

const compiled = new Map<string, RE2JS>();
const MAX_CACHED_PATTERNS = 1000;

/** Compiles a subscription regex; a bad one is INVALID_REGULAR_EXPRESSION, as in Kafka. */
export function compileSubscriptionRegex(regex: string): RE2JS {
  let pattern = compiled.get(regex);
  if (pattern) return pattern;
  try {
    pattern = RE2JS.compile(regex);
  } catch (err) {
    throw new BrokerError(
      ErrorCode.INVALID_REGULAR_EXPRESSION,
      `SubscribedTopicRegex \`${regex}\` is not a valid regular expression: ${(err as Error).message}.`,
    );
  }
  if (compiled.size >= MAX_CACHED_PATTERNS) compiled.clear();
  compiled.set(regex, pattern);
  return pattern;
}

/** Topic names matching `regex` in full, sorted. */
export function resolveRegex(regex: string, topicNames: Iterable<string>): string[] {
  const pattern = compileSubscriptionRegex(regex);
  return [...topicNames].filter((name) => pattern.matches(name)).sort();
}

/**
 * Recomputes the group's regex resolutions and subscribed topic metadata when the cluster's topics
 * or the group's subscriptions changed. Returns whether the metadata differs from what the target
 * assignment was computed for (the group epoch must then move).
 */
export function refreshSubscriptions(group: ConsumerGroup, topics: ClusterTopics, force: boolean): boolean {
  if (!force && group.metadataVersion === topics.version()) return false;
  const regexes = new Set<string>();
  for (const member of group.members.values())
    if (member.subscribedTopicRegex !== null) regexes.add(member.subscribedTopicRegex);
  for (const regex of [...group.resolvedRegexes.keys()])
    if (!regexes.has(regex)) group.resolvedRegexes.delete(regex);
  const names = [...topics.topicNames()];
  for (const regex of regexes) group.resolvedRegexes.set(regex, resolveRegex(regex, names));

  const metadata = new Map<string, SubscribedTopic>();
  for (const member of group.members.values()) {
    for (const name of group.memberTopics(member)) {
      const topic = topics.topic(name);
      if (topic) metadata.set(name, { topicId: topic.topicId, partitions: topic.partitions });
    }
  }
  group.metadataVersion = topics.version();
  if (sameMetadata(metadata, group.subscriptionMetadata)) return false;
  group.subscriptionMetadata = metadata;
  return true;
}

function sameMetadata(a: Map<string, SubscribedTopic>, b: Map<string, SubscribedTopic>): boolean {
  if (a.size !== b.size) return false;
  for (const [name, topic] of a) {
    const other = b.get(name);
    if (!other || other.topicId !== topic.topicId || other.partitions !== topic.partitions) return false;
  }
  return true;
}
