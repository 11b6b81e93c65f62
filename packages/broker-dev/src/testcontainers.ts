/**
 * Real Apache Kafka for tests that need the production engine: the official `apache/kafka` image
 * in single-node KRaft mode via testcontainers, with the same shape startBroker() resolves to.
 * `testcontainers` (12.0.1, the newest that runs on Node 20) is an optional peer dependency,
 * loaded only when this is called. Fault injection needs the dev broker: those control methods
 * throw on a container.
 */
import { createServer } from 'node:net';
import { SamsaError } from '@samsa/protocol';
import type { RunningBroker } from './broker.js';
import type { BrokerControl } from './control/control.js';

export interface KafkaContainerOptions {
  /** Image to run (default KAFKA_IMAGE, apache/kafka:3.9.1). */
  image?: string;
  /** Partitions of auto-created topics (num.partitions, default 1). */
  partitions?: number;
  autoCreateTopics?: boolean;
  /** Extra broker settings as KAFKA_* environment variables, e.g. { KAFKA_LOG_RETENTION_MS: '60000' }. */
  environment?: Record<string, string>;
  /** How long to wait for the broker to start (default 120 s). */
  startupTimeoutMs?: number;
}

/** No container runtime, or the container failed to start. */
export class ContainerUnavailableError extends SamsaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CONTAINER_UNAVAILABLE', message, options);
  }
}

/** The Apache Kafka image tests run, and compose.yaml at the repository root too. */
export const KAFKA_IMAGE = 'apache/kafka:3.9.1';

/**
 * The settings of a single KRaft node that is broker and controller, advertised at `advertised` (host:port), as
 * KAFKA_* variables of the apache/kafka image. compose.yaml's three nodes use the same settings (a test holds them
 * to it), with their own node ids, voters and replication factors.
 */
export function kraftEnvironment(
  advertised: string,
  options: Pick<KafkaContainerOptions, 'partitions' | 'autoCreateTopics'> = {},
): Record<string, string> {
  return {
    KAFKA_NODE_ID: '1',
    KAFKA_PROCESS_ROLES: 'broker,controller',
    KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093',
    KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://${advertised}`,
    KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
    KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
    KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
    KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
    KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
    KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
    KAFKA_NUM_PARTITIONS: String(options.partitions ?? 1),
    KAFKA_AUTO_CREATE_TOPICS_ENABLE: String(options.autoCreateTopics ?? true),
  };
}

/** A free port on 127.0.0.1, so the advertised listener can name the mapped port up front. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

function unsupported(what: string): never {
  throw new SamsaError(
    'UNSUPPORTED_ON_CONTAINER',
    `${what} needs the Samsa dev broker; a real Kafka container has no fault injection. Use startBroker() for this test.`,
  );
}

/** Starts Apache Kafka in a container and resolves with its bootstrap address, stop() and restart(). */
export async function startKafkaContainer(options: KafkaContainerOptions = {}): Promise<RunningBroker> {
  let testcontainers: typeof import('testcontainers');
  try {
    testcontainers = await import('testcontainers');
  } catch (err) {
    throw new ContainerUnavailableError(
      'startKafkaContainer needs the testcontainers package: npm i -D testcontainers@12.0.1 (newer 12.x needs Node 22).',
      { cause: err },
    );
  }
  const { GenericContainer, Wait } = testcontainers;
  const port = await freePort();
  const container = new GenericContainer(options.image ?? KAFKA_IMAGE)
    .withExposedPorts({ container: 9092, host: port })
    .withEnvironment({
      ...kraftEnvironment(`127.0.0.1:${port}`, options),
      ...options.environment,
    })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .withStartupTimeout(options.startupTimeoutMs ?? 120_000);
  let started: Awaited<ReturnType<typeof container.start>>;
  try {
    started = await container.start();
  } catch (err) {
    throw new ContainerUnavailableError(
      `Could not start ${options.image ?? KAFKA_IMAGE}: ${(err as Error).message}. ` +
        'A Docker-compatible container runtime must be running (testcontainers could not find one).',
      { cause: err },
    );
  }
  const bootstrap = [`127.0.0.1:${port}`];
  const control: BrokerControl = {
    failNextRequests: () => unsupported('failNextRequests'),
    addLatency: () => unsupported('addLatency'),
    dropConnectionOnNext: () => unsupported('dropConnectionOnNext'),
    dropResponseOnNext: () => unsupported('dropResponseOnNext'),
    dropNextRequests: () => unsupported('dropNextRequests'),
    dropConnections: () => unsupported('dropConnections'),
    clearFaults: () => {},
    stopBroker: () => unsupported('stopBroker'),
    startBroker: () => unsupported('startBroker'),
    movePartitionLeader: () => unsupported('movePartitionLeader'),
    leaderOf: () => unsupported('leaderOf'),
    coordinatorOf: () => unsupported('coordinatorOf'),
    moveCoordinator: () => unsupported('moveCoordinator'),
    runLogCleanup: () => unsupported('runLogCleanup'),
    fetchSessionCount: () => unsupported('fetchSessionCount'),
    evictFetchSessions: () => unsupported('evictFetchSessions'),
    recordRequests: () => unsupported('recordRequests'),
    requests: () => unsupported('requests'),
  };
  return {
    bootstrap,
    listeners: [{ name: 'PLAINTEXT', securityProtocol: 'PLAINTEXT', bootstrap }],
    bootstrapFor(name) {
      if (name.toUpperCase() !== 'PLAINTEXT')
        throw new RangeError(`No listener ${name}; the container has PLAINTEXT.`);
      return bootstrap;
    },
    tls: undefined,
    brokers: [{ nodeId: 1, host: '127.0.0.1', port }],
    clusterId: '',
    control,
    async stop() {
      await started.stop();
    },
    async restart() {
      await started.restart();
    },
  };
}
