/**
 * The OpenTelemetry semantic conventions for messaging (Kafka) this package writes, as constants: the
 * messaging conventions are still "development" status, so, as the conventions advise, their names
 * are copied here rather than imported from the unstable `incubating` entry point.
 */

export const ATTR_MESSAGING_SYSTEM = 'messaging.system';
export const MESSAGING_SYSTEM_KAFKA = 'kafka';
export const ATTR_MESSAGING_OPERATION_NAME = 'messaging.operation.name';
export const ATTR_MESSAGING_OPERATION_TYPE = 'messaging.operation.type';
export const ATTR_MESSAGING_DESTINATION_NAME = 'messaging.destination.name';
export const ATTR_MESSAGING_DESTINATION_PARTITION_ID = 'messaging.destination.partition.id';
export const ATTR_MESSAGING_CONSUMER_GROUP_NAME = 'messaging.consumer.group.name';
export const ATTR_MESSAGING_CLIENT_ID = 'messaging.client.id';
export const ATTR_MESSAGING_BATCH_MESSAGE_COUNT = 'messaging.batch.message_count';
export const ATTR_MESSAGING_MESSAGE_BODY_SIZE = 'messaging.message.body.size';
export const ATTR_MESSAGING_KAFKA_MESSAGE_KEY = 'messaging.kafka.message.key';
export const ATTR_MESSAGING_KAFKA_MESSAGE_TOMBSTONE = 'messaging.kafka.message.tombstone';
export const ATTR_MESSAGING_KAFKA_OFFSET = 'messaging.kafka.offset';
export const ATTR_ERROR_TYPE = 'error.type';
export const ATTR_SERVER_ADDRESS = 'server.address';
export const ATTR_SERVER_PORT = 'server.port';
/** Not a convention: how often the record was delivered to the handler (2 after one failure). */
export const ATTR_SAMSA_DELIVERY_ATTEMPT = 'samsa.delivery.attempt';

// HTTP and URL conventions, for the schema registry server's requests.
export const ATTR_HTTP_REQUEST_METHOD = 'http.request.method';
export const ATTR_HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code';
export const ATTR_HTTP_ROUTE = 'http.route';
export const ATTR_URL_PATH = 'url.path';
export const ATTR_URL_FULL = 'url.full';
// Not conventions: the serde's registry lookups.
export const ATTR_REGISTRY_OPERATION = 'samsa.schema_registry.operation';
export const ATTR_REGISTRY_SUBJECT = 'samsa.schema_registry.subject';
export const ATTR_REGISTRY_SCHEMA_ID = 'samsa.schema_registry.schema_id';
export const ATTR_REGISTRY_LOOKUP_MODE = 'samsa.schema_registry.lookup_mode';
export const ATTR_REGISTRY_CACHE_HIT = 'samsa.schema_registry.cache_hit';

/** messaging.operation.type values. */
export const OPERATION_TYPE = {
  send: 'send',
  receive: 'receive',
  process: 'process',
  settle: 'settle',
} as const;

export const METRIC_CLIENT_OPERATION_DURATION = 'messaging.client.operation.duration';
export const METRIC_CLIENT_SENT_MESSAGES = 'messaging.client.sent.messages';
export const METRIC_CLIENT_CONSUMED_MESSAGES = 'messaging.client.consumed.messages';
export const METRIC_PROCESS_DURATION = 'messaging.process.duration';
/** Not a messaging convention: the Java agent's name for the consumer's records-lag, per partition. */
export const METRIC_CONSUMER_RECORDS_LAG = 'kafka.consumer.records_lag';

export const METRIC_HTTP_SERVER_REQUEST_DURATION = 'http.server.request.duration';
/** Not a convention: serialize and deserialize calls' schema resolutions, by cache hit. */
export const METRIC_REGISTRY_SERDE_LOOKUPS = 'samsa.schema_registry.serde.lookups';

/** The conventions' advice for messaging duration histograms, in seconds. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
