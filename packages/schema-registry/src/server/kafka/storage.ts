/** `startRegistryServer({ kafka })`: the Kafka log and the group election on one client configuration. */
import { Kafka, type KafkaConfig, LogLevel } from '@samsa/core-client';
import { KafkaLeaderElection } from './kafka-election.js';
import { KafkaRegistryLog } from './kafka-log.js';

export interface KafkaStorageOptions {
  /** Bootstrap brokers: `['host:port', ...]` or `'host:port,host:port'`. */
  brokers: string | string[];
  /**
   * Other client options (`ssl`, `sasl`, `clientId`, timeouts, `logLevel`...). The client logs warnings and errors
   * through the server's `logger` unless `logLevel`/`logCreator`/`logger` say otherwise.
   */
  client?: Omit<KafkaConfig, 'brokers'>;
  /** Default `_schemas`. */
  topic?: string;
  /**
   * The transactional id the leader writes the topic with; taking it over fences a previous leader's writes.
   * Default `<topic>-writer` (`_schemas-writer`); every instance of one registry must use the same. `false`: a plain
   * idempotent producer, without the fencing (where the registry may not use transactions).
   */
  transactionalId?: string | false;
  /** Leader election group. Default `schema-registry`. */
  groupId?: string;
  /** Whether this instance may become the leader. Default true. */
  leaderEligibility?: boolean;
  /** For a topic the registry creates: default 3, capped at the number of brokers. */
  replicationFactor?: number;
  /** Bound on start-up: topic checks, reading the topic, the first election. Default 60000. */
  initTimeoutMs?: number;
  /** Bound on a write read back, or a catch-up before a write (50002 past it). Default 10000. */
  timeoutMs?: number;
  /** Election group timings (Confluent's defaults: 10000, 3000, 300000). */
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  rebalanceTimeoutMs?: number;
}

export function parseBrokers(brokers: string | string[]): string[] {
  const list = (Array.isArray(brokers) ? brokers : brokers.split(','))
    .map((broker) => broker.trim())
    .filter((broker) => broker !== '');
  if (list.length === 0) throw new TypeError('Kafka storage needs at least one broker (host:port)');
  return list;
}

export function createKafkaStorage(
  options: KafkaStorageOptions,
  log: (line: string) => void,
): { kafka: Kafka; log: KafkaRegistryLog; election: KafkaLeaderElection } {
  const { transactionalId } = options;
  if (transactionalId !== undefined && transactionalId !== false) {
    if (typeof transactionalId !== 'string' || transactionalId.trim() === '') {
      throw new TypeError(
        `Kafka storage's transactionalId must be a non-empty string (the same for every instance), or false for ` +
          `no transactions; got ${JSON.stringify(transactionalId)}`,
      );
    }
  }
  const client = options.client ?? {};
  const ownLogging =
    client.logLevel !== undefined || client.logCreator !== undefined || client.logger !== undefined;
  const kafka = new Kafka({
    clientId: 'samsa-schema-registry',
    ...(ownLogging
      ? {}
      : {
          logLevel: LogLevel.WARN,
          logCreator: () => (entry) => {
            const { timestamp: _t, logger: _l, message, ...extra } = entry.log;
            const details = Object.keys(extra).length > 0 ? ` ${JSON.stringify(extra)}` : '';
            log(`kafka ${entry.label.toLowerCase()} [${entry.namespace}]: ${message}${details}`);
          },
        }),
    ...client,
    brokers: parseBrokers(options.brokers),
  });
  const election = new KafkaLeaderElection({
    kafka,
    groupId: options.groupId,
    leaderEligibility: options.leaderEligibility,
    initTimeoutMs: options.initTimeoutMs,
    sessionTimeoutMs: options.sessionTimeoutMs,
    heartbeatIntervalMs: options.heartbeatIntervalMs,
    rebalanceTimeoutMs: options.rebalanceTimeoutMs,
    log,
  });
  return {
    kafka,
    log: new KafkaRegistryLog({
      kafka,
      topic: options.topic,
      replicationFactor: options.replicationFactor,
      initTimeoutMs: options.initTimeoutMs,
      timeoutMs: options.timeoutMs,
      transactionalId: options.transactionalId,
      // Fenced as the writer: another instance leads now, whatever the last election said here.
      onWriterFenced: () => election.stepDown('another instance took over writing the schemas topic'),
      log,
    }),
    election,
  };
}
