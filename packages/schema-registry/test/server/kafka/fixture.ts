/** A dev broker and registry servers on it, for the Kafka storage tests. */
import { startBroker } from '@samsa/broker-dev';
import { onTestFailed } from 'vitest';
import {
  type RegistryServer,
  type RegistryServerOptions,
  startRegistryServer,
} from '../../../src/server/http.js';
import type { KafkaStorageOptions } from '../../../src/server/kafka/storage.js';
import { httpClient } from '../helpers.js';

export type Broker = Awaited<ReturnType<typeof startBroker>>;

export function startKafka(dataDir?: string): Promise<Broker> {
  // Short session timeouts so that a crashed instance leaves the election quickly.
  return startBroker({ brokers: 1, port: 0, dataDir, groupMinSessionTimeoutMs: 500 });
}

/** Election timings for tests: a crashed member is noticed within seconds. */
export const FAST_ELECTION = { sessionTimeoutMs: 3000, heartbeatIntervalMs: 200 } as const;

export interface TestRegistry {
  server: RegistryServer;
  url: string;
  lines: string[];
}

export async function startKafkaRegistry(
  broker: Broker,
  kafka: Partial<KafkaStorageOptions> = {},
  options: RegistryServerOptions = {},
): Promise<TestRegistry> {
  const lines: string[] = [];
  const server = await startRegistryServer({
    port: 0,
    kafka: { brokers: broker.bootstrap, ...FAST_ELECTION, ...kafka },
    logger: (line) => lines.push(line),
    ...options,
  });
  // When a test fails, what each registry logged (elections, storage warnings, Kafka client warnings) tells why.
  onTestFailed(() => console.log(`registry ${server.url} logged:\n  ${lines.join('\n  ')}`));
  return { server, url: server.url, lines };
}

const enc = encodeURIComponent;

/**
 * Everything a client can read from a registry, deleted things included: subjects, versions, schemas by id,
 * configs and modes. Two registries with the same state give equal snapshots.
 */
export async function snapshot(url: string, ids: number[]): Promise<Record<string, unknown>> {
  const call = httpClient(url);
  const out: Record<string, unknown> = {};
  const get = async (path: string) => {
    const reply = await call('GET', path);
    out[path] = [reply.status, reply.body];
    return reply.body;
  };
  const subjects = (await get('/subjects?deleted=true')) as string[];
  await get('/subjects');
  await get('/config');
  await get('/mode');
  await get('/schemas?deleted=true');
  await get('/schemas');
  for (const subject of subjects) {
    const versions = (await get(`/subjects/${enc(subject)}/versions?deleted=true`)) as number[];
    await get(`/subjects/${enc(subject)}/versions`);
    await get(`/subjects/${enc(subject)}/versions?deletedAsNegative=true`);
    await get(`/config/${enc(subject)}`);
    await get(`/mode/${enc(subject)}`);
    for (const version of versions) {
      await get(`/subjects/${enc(subject)}/versions/${version}?deleted=true`);
      await get(`/subjects/${enc(subject)}/versions/${version}`);
    }
  }
  for (const id of ids) {
    await get(`/schemas/ids/${id}?fetchMaxId=true`);
    await get(`/schemas/ids/${id}/versions?deleted=true`);
    await get(`/schemas/ids/${id}/subjects?deleted=true`);
  }
  return out;
}
