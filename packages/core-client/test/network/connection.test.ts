/**
 * Connection: ApiVersions negotiation, pipelining, timeouts, aborts and broken connections, against
 * @samsa/broker-dev and its fault injection. Two brokers of our own make what broker-dev will not: old
 * advertised versions (the fake broker) and a wrong correlation id (a raw socket).
 */
import net from 'node:net';
import { type RunningBroker, startBroker } from '@samsa/broker-dev';
import { ApiKey, decodeRequest, encodeResponse, FrameSplitter } from '@samsa/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ConnectionError,
  RequestAbortedError,
  RequestTimeoutError,
  UnsupportedApiVersionError,
} from '../../src/errors.js';
import { Kafka } from '../../src/index.js';
import { LogLevel } from '../../src/logger.js';
import { testConnection } from '../helpers/connection.js';
import { type FakeBroker, startFakeBroker } from '../helpers/fake-broker.js';

let broker: RunningBroker;
let port: number;
let fake: FakeBroker | null = null;

beforeAll(async () => {
  broker = await startBroker({ port: 0 });
  port = Number(broker.bootstrap[0]!.split(':')[1]);
  const admin = new Kafka({ brokers: broker.bootstrap, logLevel: LogLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({
    topics: [
      { topic: 'a', numPartitions: 3 },
      { topic: 'b', numPartitions: 1 },
    ],
  });
  await admin.disconnect();
});

afterEach(async () => {
  broker.control.clearFaults();
  await fake?.stop();
  fake = null;
});

afterAll(async () => {
  await broker?.stop();
});

describe('Connection', () => {
  it('negotiates ApiVersions down to what the broker speaks (KIP-511) and picks the highest common version', async () => {
    fake = await startFakeBroker({
      maxVersions: { [ApiKey.ApiVersions]: 2, [ApiKey.Metadata]: 2, [ApiKey.Produce]: 7 },
    });
    const c = testConnection(fake.ports[0]!);
    await c.connect();
    expect(fake.requests.filter((r) => r.apiKey === ApiKey.ApiVersions).map((r) => r.version)).toEqual([
      4, 2,
    ]);
    expect(c.versionFor(ApiKey.Metadata)).toBe(2);
    expect(c.versionFor(ApiKey.Produce)).toBe(7);
    c.close();
  });

  it('throws UnsupportedApiVersionError when no version is common', async () => {
    const c = testConnection(port);
    await c.connect();
    c.brokerVersions.set(ApiKey.Metadata, { min: 50, max: 60 });
    expect(() => c.versionFor(ApiKey.Metadata)).toThrow(UnsupportedApiVersionError);
    c.close();
  });

  it('pipelines requests and matches responses in order', async () => {
    const c = testConnection(port);
    await c.connect();
    const v = c.versionFor(ApiKey.Metadata);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        c.request(ApiKey.Metadata, v, {
          topics: [{ name: i % 2 ? 'a' : 'b' }],
          allowAutoTopicCreation: false,
        }),
      ),
    );
    results.forEach((r, i) => {
      expect(r.topics[0].partitions.length).toBe(i % 2 ? 3 : 1);
    });
    expect(c.inFlight).toBe(0);
    c.close();
  });

  it('times out a request, then resets the connection failing the rest', async () => {
    const c = testConnection(port, { requestTimeoutMs: 100 });
    await c.connect();
    broker.control.addLatency(1000, { api: 'Metadata' });
    const v = c.versionFor(ApiKey.Metadata);
    const first = c.request(ApiKey.Metadata, v, { topics: [] });
    const second = c.request(ApiKey.Metadata, v, { topics: [] }, { timeoutMs: 5000 });
    await expect(first).rejects.toBeInstanceOf(RequestTimeoutError);
    await expect(second).rejects.toBeInstanceOf(ConnectionError);
    expect(c.state).toBe('closed');
  });

  it('aborts a request with its AbortSignal without breaking the connection', async () => {
    const c = testConnection(port);
    await c.connect();
    broker.control.addLatency(200, { api: 'Metadata' });
    const ac = new AbortController();
    const v = c.versionFor(ApiKey.Metadata);
    const aborted = c.request(ApiKey.Metadata, v, { topics: [] }, { signal: ac.signal });
    const next = c.request(ApiKey.Metadata, v, { topics: [] });
    ac.abort(new Error('stop'));
    await expect(aborted).rejects.toBeInstanceOf(RequestAbortedError);
    await expect(next).resolves.toBeTruthy();
    expect(c.isReady).toBe(true);
    c.close();
  });

  it('fails waiting requests with a retriable ConnectionError when the broker drops the socket', async () => {
    const c = testConnection(port);
    await c.connect();
    broker.control.dropConnectionOnNext('Metadata');
    const err = await c
      .request(ApiKey.Metadata, c.versionFor(ApiKey.Metadata), { topics: [] })
      .catch((e) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err.retriable).toBe(true);
  });

  it('rejects a response whose correlation id does not match', async () => {
    const server = net.createServer((socket) => {
      const splitter = new FrameSplitter();
      socket.on('data', (chunk) =>
        splitter.push(chunk, (frame) => {
          const { header } = decodeRequest(frame);
          const wrong =
            header.apiKey === ApiKey.ApiVersions ? header.correlationId : header.correlationId + 7;
          const body =
            header.apiKey === ApiKey.ApiVersions
              ? {
                  errorCode: 0,
                  apiKeys: [
                    { apiKey: ApiKey.Metadata, minVersion: 0, maxVersion: 1 },
                    { apiKey: ApiKey.ApiVersions, minVersion: 0, maxVersion: 4 },
                  ],
                  supportedFeatures: [],
                  finalizedFeatures: [],
                }
              : { brokers: [], topics: [], controllerId: 1 };
          for (const c of encodeResponse(
            header.apiKey as typeof ApiKey.Metadata,
            header.apiVersion,
            wrong,
            body as never,
          ))
            socket.write(c);
        }),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    const c = testConnection(port);
    await c.connect();
    await expect(c.request(ApiKey.Metadata, 1, { topics: [] })).rejects.toBeInstanceOf(ConnectionError);
    server.close();
  });

  it('reports a refused connection as a ConnectionError naming the broker', async () => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise((r) => server.close(r));
    const err = await testConnection(port)
      .connect()
      .catch((e) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err.message).toContain(`${port}`);
  });
});
