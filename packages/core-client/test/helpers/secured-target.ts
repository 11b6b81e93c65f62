/**
 * A secured cluster for client tests, described the way a user configures one: brokers, `ssl`, `sasl`.
 * Tests written against it check only what the client sees (delivery, order, its log), so the same
 * test runs against the fake broker here or a real SASL listener by building another target.
 */
import type { KafkaConfig, LogEntry } from '../../src/index.js';
import { Kafka, LogLevel } from '../../src/index.js';

export interface SecuredTarget {
  brokers: string[];
  ssl?: KafkaConfig['ssl'];
  sasl: NonNullable<KafkaConfig['sasl']>;
  reauthenticationThreshold?: number;
}

/** A client for `target` whose debug log is kept, to see re-authentications and reconnections. */
export function recordingClient(target: SecuredTarget): { kafka: Kafka; logs: LogEntry[] } {
  const logs: LogEntry[] = [];
  const kafka = new Kafka({
    ...target,
    logLevel: LogLevel.DEBUG,
    logCreator: () => (entry) => logs.push(entry),
  });
  return { kafka, logs };
}

/** Re-authentications (KIP-368) the client logged, by connection label. */
export function reauthentications(logs: LogEntry[]): string[] {
  return logs.filter((e) => e.log.message === 'SASL re-authenticated').map((e) => String(e.log.broker));
}

/** Connections the client set up (connected, and authenticated where SASL is on), by label. */
export function connectionsOpened(logs: LogEntry[]): string[] {
  return logs.filter((e) => e.log.message === 'connected').map((e) => String(e.log.broker));
}

/** Connections that closed, with why. */
export function connectionsClosed(logs: LogEntry[]): string[] {
  return logs
    .filter((e) => e.log.message === 'connection closed')
    .map((e) => `${e.log.broker}: ${e.log.error}`);
}
