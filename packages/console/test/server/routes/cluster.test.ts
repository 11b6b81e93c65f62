/** Info, health and overview; a broker that goes away gets 503s (not a crash) and the console recovers with it. */
import { type RunningBroker, startBroker } from '@samsa/broker-dev';
import { waitFor } from '@samsa/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ApiErrorBody, HealthReport, Overview } from '../../../src/api/types.js';
import { type ConsoleServer, startConsoleServer } from '../../../src/index.js';
import { call } from '../../helpers/stack.js';

let broker: RunningBroker;
let server: ConsoleServer;

beforeAll(async () => {
  broker = await startBroker({ host: '127.0.0.1', port: 0, partitions: 2 });
  server = await startConsoleServer({ brokers: broker.bootstrap, registry: 'http://127.0.0.1:9', port: 0 });
});

afterAll(async () => {
  await server?.close();
  await broker?.stop();
});

it('summarises the cluster on the overview', async () => {
  await call(server.url, 'POST', '/api/topics', { name: 't1', partitions: 2 });
  const { status, body } = await call<Overview>(server.url, 'GET', '/api/overview');
  expect(status).toBe(200);
  expect(body).toMatchObject({
    clusterId: broker.clusterId,
    controller: 1,
    brokers: [
      { nodeId: 1, host: '127.0.0.1', port: broker.brokers[0]!.port, rack: null, isController: true },
    ],
    topics: 1,
    partitions: 2,
    underReplicated: [],
    offline: [],
    groups: 0,
    totalLag: '0',
    health: { status: 'ok', problems: [] },
  });
});

it('reports an unreachable registry in the health check without failing the Kafka pages', async () => {
  const { body } = await call<HealthReport>(server.url, 'GET', '/api/health');
  expect(body.kafka).toEqual({ ok: true });
  expect(body.registry?.ok).toBe(false);
  const schemas = await call<ApiErrorBody>(server.url, 'GET', '/api/schemas');
  expect([schemas.status, schemas.body.error.code]).toEqual([503, 'REGISTRY_UNAVAILABLE']);
});

it('answers 503 while the broker is away, keeps running, and recovers when it is back', async () => {
  await broker.stop();
  const overview = await call<ApiErrorBody>(server.url, 'GET', '/api/overview');
  expect([overview.status, overview.body.error.code]).toEqual([503, 'KAFKA_UNAVAILABLE']);
  const browse = await call<ApiErrorBody>(server.url, 'GET', '/api/topics/t1/messages');
  expect(browse.status).toBe(503);
  const health = await call<HealthReport>(server.url, 'GET', '/api/health');
  expect(health.body.kafka.ok).toBe(false);
  await broker.restart();
  await waitFor(
    'the overview to answer again',
    async () => (await call(server.url, 'GET', '/api/overview')).status === 200,
    { timeoutMs: 30_000, intervalMs: 250 },
  );
  expect((await call<HealthReport>(server.url, 'GET', '/api/health')).body.kafka).toEqual({ ok: true });
});
