/**
 * @samsa/broker-dev: a Kafka-protocol broker for development and tests. Real clients (KafkaJS,
 * librdkafka, kafka-python, Java) use it unchanged; it starts in milliseconds, in-process or
 * from the `samsa-broker` command line, in memory or on disk.
 */

export { ErrorCode, errorCodeName as errorName } from '@samsa/protocol';
export {
  type AuthorizerOptions,
  type BrokerAddress,
  type BrokerOptions,
  type RunningBroker,
  startBroker,
} from './broker.js';
export type { ApiName, ApiSelector, BrokerControl, RequestRecord } from './control/control.js';
export { ADVERTISED_VERSIONS } from './handlers/index.js';
export { type Logger, type LogLevel, silentLogger, streamLogger } from './logger.js';
