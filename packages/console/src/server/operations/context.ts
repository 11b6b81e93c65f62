/**
 * What every console operation works with: one Kafka client (an admin and a producer, opened once and kept), the
 * schema registry client when there is a registry, the record decoder, and the bounds that keep a page responsive
 * when Kafka or the registry stops answering.
 */
import { type Admin, Kafka, type LogCreator, LogLevel, type Producer } from '@samsa/core-client';
import { SchemaRegistryClient } from '@samsa/schema-registry';
import { RecordDisplay } from './record-display.js';

export interface OperationsOptions {
  brokers: string[];
  /** The schema registry's URL; without it, Avro shows as bytes and the schema pages say there is none. */
  registryUrl?: string;
  registryAuth?: { username: string; password: string };
  clientId?: string;
  /** How long one API call may wait for Kafka before it answers 503/504. Default 15000. */
  operationTimeoutMs?: number;
  logLevel?: LogLevel;
  logCreator?: LogCreator;
}

export class OperationsContext {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly producer: Producer;
  readonly registry: SchemaRegistryClient | null;
  /** The same registry without retries and with a short timeout, for the health check. */
  readonly registryProbe: SchemaRegistryClient | null;
  readonly display: RecordDisplay;
  readonly operationTimeoutMs: number;
  private producerConnected: Promise<void> | null = null;

  constructor(readonly options: OperationsOptions) {
    this.operationTimeoutMs = options.operationTimeoutMs ?? 15_000;
    this.kafka = new Kafka({
      clientId: options.clientId ?? 'samsa-console',
      brokers: options.brokers,
      // A page that waits long for a broker that went away is worse than one that says so and tries again.
      connectionTimeoutMs: 3000,
      requestTimeoutMs: 10_000,
      retry: { retries: 2, initialRetryTimeMs: 200, maxRetryTimeMs: 1000 },
      logLevel: options.logLevel ?? LogLevel.NOTHING,
      ...(options.logCreator ? { logCreator: options.logCreator } : {}),
    });
    this.admin = this.kafka.admin();
    this.producer = this.kafka.producer({ lingerMs: 0, deliveryTimeoutMs: 15_000, maxBlockMs: 10_000 });
    this.registry = options.registryUrl
      ? new SchemaRegistryClient({
          url: options.registryUrl,
          retries: 1,
          timeoutMs: 10_000,
          ...(options.registryAuth ? { auth: options.registryAuth } : {}),
        })
      : null;
    this.registryProbe = options.registryUrl
      ? new SchemaRegistryClient({
          url: options.registryUrl,
          retries: 0,
          timeoutMs: 3000,
          ...(options.registryAuth ? { auth: options.registryAuth } : {}),
        })
      : null;
    this.display = new RecordDisplay(this.registry);
  }

  /** A signal that aborts after the operation timeout, or with `outer` (the HTTP request going away). */
  signal(outer?: AbortSignal): AbortSignal {
    const timeout = AbortSignal.timeout(this.operationTimeoutMs);
    return outer ? AbortSignal.any([outer, timeout]) : timeout;
  }

  /** Connects the admin on first use (and again after a failed connect; it is a no-op once connected). */
  kafkaReady(): Promise<void> {
    return this.admin.connect();
  }

  /** The producer, connected on first use (and again after a failed connect). */
  async connectedProducer(): Promise<Producer> {
    this.producerConnected ??= this.producer.connect().catch((error) => {
      this.producerConnected = null;
      throw error;
    });
    await this.producerConnected;
    return this.producer;
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
  }
}
