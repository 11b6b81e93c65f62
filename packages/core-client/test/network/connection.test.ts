import net from 'node:net';
import { decodeRequest, encodeResponse, FrameSplitter } from '@samsa/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { Cluster } from '../../src/cluster/cluster.js';
import {
  ConnectionError,
  RequestAbortedError,
  RequestTimeoutError,
  UnsupportedApiVersionError,
} from '../../src/errors.js';
import { nullLogger } from '../../src/logger.js';
import { Connection } from '../../src/network/connection.js';
import { type FakeCluster, startFakeCluster } from '../helpers/fake-broker.js';

let fake: FakeCluster | null = null;
afterEach(async () => {
  await fake?.stop();
  fake = null;
});

function connection(port: number, overrides: Partial<ConstructorParameters<typeof Connection>[0]> = {}) {
  return new Connection({
    host: '127.0.0.1',
    port,
    clientId: 'test',
    ssl: null,
    sasl: null,
    connectionTimeoutMs: 2000,
    requestTimeoutMs: 2000,
    maxResponseBytes: 1 << 20,
    logger: nullLogger,
    label: `test ${port}`,
    ...overrides,
  });
}

describe('Connection', () => {
  it('negotiates ApiVersions down to what the broker speaks (KIP-511) and picks the highest common version', async () => {
    fake = await startFakeCluster({ maxVersions: { 18: 2, 3: 2, 0: 7 } });
    const c = connection(fake.ports[0]);
    await c.connect();
    expect(fake.requests.filter((r) => r.apiKey === 18).map((r) => r.version)).toEqual([4, 2]);
    expect(c.versionFor(3)).toBe(2);
    expect(c.versionFor(0)).toBe(7);
    c.close();
  });

  it('throws UnsupportedApiVersionError when no version is common', async () => {
    fake = await startFakeCluster();
    const c = connection(fake.ports[0]);
    await c.connect();
    c.brokerVersions.set(3, { min: 50, max: 60 });
    expect(() => c.versionFor(3)).toThrow(UnsupportedApiVersionError);
    c.close();
  });

  it('pipelines requests and matches responses in order', async () => {
    fake = await startFakeCluster({ topics: { a: 3, b: 1 } });
    const c = connection(fake.ports[0]);
    await c.connect();
    const v = c.versionFor(3);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        c.request(3, v, { topics: [{ name: i % 2 ? 'a' : 'b' }], allowAutoTopicCreation: false }),
      ),
    );
    results.forEach((r, i) => {
      expect(r.topics[0].partitions.length).toBe(i % 2 ? 3 : 1);
    });
    expect(c.inFlight).toBe(0);
    c.close();
  });

  it('times out a request, then resets the connection failing the rest', async () => {
    fake = await startFakeCluster();
    const c = connection(fake.ports[0], { requestTimeoutMs: 100 });
    await c.connect();
    fake.delayMs = 1000;
    const v = c.versionFor(3);
    const first = c.request(3, v, { topics: [] });
    const second = c.request(3, v, { topics: [] }, { timeoutMs: 5000 });
    await expect(first).rejects.toBeInstanceOf(RequestTimeoutError);
    await expect(second).rejects.toBeInstanceOf(ConnectionError);
    expect(c.state).toBe('closed');
  });

  it('aborts a request with its AbortSignal without breaking the connection', async () => {
    fake = await startFakeCluster();
    const c = connection(fake.ports[0]);
    await c.connect();
    fake.delayMs = 200;
    const ac = new AbortController();
    const v = c.versionFor(3);
    const aborted = c.request(3, v, { topics: [] }, { signal: ac.signal });
    const next = c.request(3, v, { topics: [] });
    ac.abort(new Error('stop'));
    await expect(aborted).rejects.toBeInstanceOf(RequestAbortedError);
    await expect(next).resolves.toBeTruthy();
    expect(c.isReady).toBe(true);
    c.close();
  });

  it('fails waiting requests with a retriable ConnectionError when the broker drops the socket', async () => {
    fake = await startFakeCluster();
    const c = connection(fake.ports[0]);
    await c.connect();
    fake.dropNext(3);
    const err = await c.request(3, c.versionFor(3), { topics: [] }).catch((e) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err.retriable).toBe(true);
  });

  it('rejects a response whose correlation id does not match', async () => {
    const server = net.createServer((socket) => {
      const splitter = new FrameSplitter();
      socket.on('data', (chunk) =>
        splitter.push(chunk, (frame) => {
          const { header } = decodeRequest(frame);
          const wrong = header.apiKey === 18 ? header.correlationId : header.correlationId + 7;
          const body =
            header.apiKey === 18
              ? {
                  errorCode: 0,
                  apiKeys: [
                    { apiKey: 3, minVersion: 0, maxVersion: 1 },
                    { apiKey: 18, minVersion: 0, maxVersion: 4 },
                  ],
                  supportedFeatures: [],
                  finalizedFeatures: [],
                }
              : { brokers: [], topics: [], controllerId: 1 };
          for (const c of encodeResponse(header.apiKey as 3, header.apiVersion, wrong, body as never))
            socket.write(c);
        }),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    const c = connection(port);
    await c.connect();
    await expect(c.request(3, 1, { topics: [] })).rejects.toBeInstanceOf(ConnectionError);
    server.close();
  });

  it('reports a refused connection as a ConnectionError naming the broker', async () => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise((r) => server.close(r));
    const err = await connection(port)
      .connect()
      .catch((e) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err.message).toContain(`${port}`);
  });
});

describe('Cluster', () => {
  it('bootstraps, tracks leaders, negotiates versions per node and finds coordinators', async () => {
    fake = await startFakeCluster({ brokers: 3, topics: { t: 6 } });
    const cluster = new Cluster({ brokers: fake.bootstrap, logger: nullLogger });
    await cluster.connect();
    await cluster.metadata.refresh(['t']);
    expect(cluster.metadata.partitionCount('t')).toBe(6);
    expect(cluster.metadata.leaderFor('t', 1)).toBe(2);
    const { version, response } = await cluster.request(2, 3, () => ({ topics: [{ name: 't' }] }), {
      purpose: 'metadata',
    });
    expect(version).toBe(12);
    expect(response.topics[0].partitions.length).toBe(6);
    expect(cluster.apiVersion(2, 0)).toBe(11);
    expect(await cluster.findCoordinator('g', 'group')).toBe(1);
    await cluster.disconnect();
  });

  it('retries FindCoordinator on COORDINATOR_NOT_AVAILABLE', async () => {
    fake = await startFakeCluster({ brokers: 1 });
    const cluster = new Cluster({
      brokers: fake.bootstrap,
      logger: nullLogger,
      retry: { initialRetryTimeMs: 5 },
    });
    await cluster.connect();
    fake.failNext(10, 15, 2);
    expect(await cluster.findCoordinator('g', 'group')).toBe(1);
    expect(fake.requests.filter((r) => r.apiKey === 10).length).toBe(3);
    await cluster.disconnect();
  });

  it('does not roll a leader back when a response carries an older leader epoch', async () => {
    fake = await startFakeCluster({ brokers: 2, topics: { t: 1 } });
    const cluster = new Cluster({ brokers: fake.bootstrap, logger: nullLogger });
    await cluster.connect();
    await cluster.metadata.refresh(['t']);
    fake.moveLeader('t', 0, 2);
    await cluster.metadata.refresh(['t']);
    expect(cluster.metadata.leaderFor('t', 0)).toBe(2);
    cluster.metadata.apply({
      brokers: fake.ports.map((port, i) => ({ nodeId: i + 1, host: '127.0.0.1', port, rack: null })),
      topics: [
        {
          errorCode: 0,
          name: 't',
          partitions: [
            {
              errorCode: 0,
              partitionIndex: 0,
              leaderId: 1,
              leaderEpoch: 0,
              replicaNodes: [1],
              isrNodes: [1],
            },
          ],
        },
      ],
    } as never);
    expect(cluster.metadata.leaderFor('t', 0)).toBe(2);
    await cluster.disconnect();
  });

  it('reconnects after the broker drops connections', async () => {
    fake = await startFakeCluster({ brokers: 1, topics: { t: 1 } });
    const cluster = new Cluster({ brokers: fake.bootstrap, logger: nullLogger });
    await cluster.connect();
    fake.dropAllConnections();
    await new Promise((r) => setTimeout(r, 20));
    const { response } = await cluster.request(1, 3, () => ({ topics: [{ name: 't' }] }));
    expect(response.topics.length).toBe(1);
    await cluster.disconnect();
  });
});
