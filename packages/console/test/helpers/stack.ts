/**
 * A dev broker, an in-memory registry and a console server on them, for the API and browser tests; and a client
 * to make the records, groups and schemas the tests look at.
 */
import { type RunningBroker, startBroker } from '@samsa/broker-dev';
import { Kafka, LogLevel } from '@samsa/core-client';
import { type RegistryServer, startRegistryServer } from '@samsa/schema-registry';
import { type ConsoleServer, type ConsoleServerOptions, startConsoleServer } from '../../src/index.js';

export interface Stack {
  broker: RunningBroker;
  registry: RegistryServer;
  console: ConsoleServer;
  kafka: Kafka;
  /** A request to the console's API: the status and the parsed JSON body. */
  call<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
}

export async function startStack(options: Partial<ConsoleServerOptions> = {}): Promise<Stack> {
  const broker = await startBroker({ host: '127.0.0.1', port: 0, partitions: 3 });
  const registry = await startRegistryServer({ host: '127.0.0.1', port: 0 });
  const consoleServer = await startConsoleServer({
    brokers: broker.bootstrap,
    registry: registry.url,
    port: 0,
    ...options,
  });
  const kafka = new Kafka({
    clientId: 'console-test',
    brokers: broker.bootstrap,
    logLevel: LogLevel.NOTHING,
  });
  return {
    broker,
    registry,
    console: consoleServer,
    kafka,
    call: (method, path, body) => call(consoleServer.url, method, path, body),
    async stop() {
      await consoleServer.close();
      await registry.close();
      await broker.stop();
    },
  };
}

export async function call<T>(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: body !== undefined ? { 'content-type': 'application/json', ...headers } : headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // Not JSON (the front end's HTML): kept as text.
  }
  return { status: response.status, body: parsed as T };
}

/** Produces `count` keyed JSON records (`{"n": i}`, key `key-<i % keys>`); resolves with the count per partition. */
export async function produceJson(
  kafka: Kafka,
  topic: string,
  count: number,
  keys = 10,
): Promise<Map<number, number>> {
  const producer = kafka.producer({ lingerMs: 5 });
  await producer.connect();
  try {
    const result = await producer.send({
      topic,
      messages: Array.from({ length: count }, (_, i) => ({
        key: `key-${i % keys}`,
        value: JSON.stringify({ n: i }),
      })),
    });
    const counts = new Map<number, number>();
    for (const r of result.records) counts.set(r.partition, (counts.get(r.partition) ?? 0) + 1);
    return counts;
  } finally {
    await producer.disconnect();
  }
}

export const ORDER_SCHEMA = {
  type: 'record',
  name: 'Order',
  namespace: 'samsa.console.test',
  fields: [
    { name: 'orderId', type: 'string' },
    { name: 'customerId', type: 'string' },
    { name: 'total', type: 'double' },
  ],
};
