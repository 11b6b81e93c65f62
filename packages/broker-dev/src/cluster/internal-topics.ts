/**
 * Kafka's internal topics (its Topic.isInternal): the group, transaction and share-group coordinators
 * keep their state in them, and only those coordinators write them. The dev broker keeps that state
 * elsewhere, but clients see the same rules: Produce and DeleteRecords on them are refused, and
 * Metadata flags them internal.
 */
const INTERNAL_TOPICS: ReadonlySet<string> = new Set([
  '__consumer_offsets',
  '__transaction_state',
  '__share_group_state',
]);

/**
 * The client id Kafka's own admin tools use; Kafka lets Produce requests carrying it append to internal
 * topics (KafkaApis' internalTopicsAllowed), so the dev broker does too.
 */
const ADMIN_CLIENT_ID = '__admin_client';

export function isInternalTopic(name: string): boolean {
  return INTERNAL_TOPICS.has(name);
}

/** Whether a Produce request from `clientId` may append to `topic`. */
export function mayProduceTo(topic: string, clientId: string | null): boolean {
  return !isInternalTopic(topic) || clientId === ADMIN_CLIENT_ID;
}
