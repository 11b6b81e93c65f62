/**
 * Listener settings as Kafka reads them, and what clients of each listener are told: Metadata,
 * FindCoordinator and DescribeCluster answer with the advertised addresses of the listener the request came
 * in on, for every broker of a multi-broker cluster.
 */
import { ApiKey } from '@samsa/protocol';
import { describe, expect, it } from 'vitest';
import { startBroker } from '../../src/index.js';
import {
  parseListenerAddress,
  parseSecurityProtocolMap,
  resolveListeners,
} from '../../src/security/listeners.js';
import { RawClient } from '../helpers/raw-client.js';

describe('listener settings', () => {
  it('parse NAME://host:port, IPv6 and wildcard hosts', () => {
    expect(parseListenerAddress('sasl_ssl://127.0.0.1:9093')).toEqual({
      name: 'SASL_SSL',
      host: '127.0.0.1',
      port: 9093,
    });
    expect(parseListenerAddress('EXTERNAL://[::1]:0')).toEqual({ name: 'EXTERNAL', host: '::1', port: 0 });
    expect(parseListenerAddress('PLAINTEXT://:9092')).toEqual({
      name: 'PLAINTEXT',
      host: '0.0.0.0',
      port: 9092,
    });
    expect(() => parseListenerAddress('PLAINTEXT://127.0.0.1')).toThrow(/NAME:\/\/host:port/);
    expect(() => parseListenerAddress('PLAINTEXT://127.0.0.1:70000')).toThrow(/out of range/);
  });

  it('map names to protocols, and refuse names without one', () => {
    expect(parseSecurityProtocolMap('INTERNAL:PLAINTEXT, external:sasl_ssl')).toEqual({
      INTERNAL: 'PLAINTEXT',
      EXTERNAL: 'SASL_SSL',
    });
    const base = { defaultHost: '127.0.0.1', defaultPort: 0, brokers: 3 };
    expect(() => resolveListeners({ ...base, listeners: ['EXTERNAL://127.0.0.1:0'] })).toThrow(
      /no security protocol/,
    );
    expect(() =>
      resolveListeners({ ...base, listeners: ['PLAINTEXT://127.0.0.1:9092', 'SSL://127.0.0.1:9093'] }),
    ).toThrow(/share port 9093/);
    expect(() =>
      resolveListeners({
        ...base,
        listeners: ['SSL://127.0.0.1:0'],
        advertisedListeners: ['PLAINTEXT://x:1'],
      }),
    ).toThrow(/not one of the listeners/);
    const [external] = resolveListeners({
      ...base,
      listeners: ['EXTERNAL://0.0.0.0:0'],
      securityProtocolMap: { EXTERNAL: 'SASL_SSL' },
    });
    expect(external).toMatchObject({ securityProtocol: 'SASL_SSL', advertisedHost: '127.0.0.1' });
  });

  it('default to one PLAINTEXT listener on host and port', () => {
    expect(resolveListeners({ defaultHost: '127.0.0.1', defaultPort: 9092, brokers: 1 })).toEqual([
      {
        name: 'PLAINTEXT',
        securityProtocol: 'PLAINTEXT',
        host: '127.0.0.1',
        port: 9092,
        advertisedHost: '127.0.0.1',
        advertisedPort: 0,
      },
    ]);
  });
});

describe('advertised listeners', () => {
  it('follow a fixed advertised port per broker, as a port mapping would', async () => {
    const broker = await startBroker({
      brokers: 3,
      listeners: ['INTERNAL://127.0.0.1:0', 'EXTERNAL://127.0.0.1:0'],
      listenerSecurityProtocolMap: { INTERNAL: 'PLAINTEXT', EXTERNAL: 'PLAINTEXT' },
      advertisedListeners: ['EXTERNAL://kafka.example.com:19092'],
    });
    try {
      expect(broker.bootstrapFor('external')).toEqual([
        'kafka.example.com:19092',
        'kafka.example.com:19093',
        'kafka.example.com:19094',
      ]);
      expect(broker.bootstrap).toEqual(broker.bootstrapFor('INTERNAL'));
      expect(() => broker.bootstrapFor('SSL')).toThrow(/No listener SSL/);
    } finally {
      await broker.stop();
    }
  });

  it('answer each listener with its own advertised addresses, for every broker', async () => {
    const broker = await startBroker({
      brokers: 3,
      listeners: ['INTERNAL://127.0.0.1:0', 'EXTERNAL://127.0.0.1:0'],
      listenerSecurityProtocolMap: { INTERNAL: 'PLAINTEXT', EXTERNAL: 'PLAINTEXT' },
      // Port 0: the bound port, under another name.
      advertisedListeners: ['EXTERNAL://localhost:0'],
    });
    try {
      const external = broker.bootstrapFor('EXTERNAL');
      const internal = broker.bootstrapFor('INTERNAL');
      expect(external.every((a) => a.startsWith('localhost:'))).toBe(true);
      for (const [addresses, dial] of [
        [internal, internal[1]],
        [external, external[1].replace('localhost', '127.0.0.1')],
      ] as const) {
        const client = await RawClient.connect(dial);
        const metadata = await client.request(ApiKey.Metadata, 12, {
          topics: [],
          allowAutoTopicCreation: false,
        });
        expect(metadata.brokers.map((b) => `${b.host}:${b.port}`)).toEqual(addresses);
        const cluster = await client.request(ApiKey.DescribeCluster, 0, {
          includeClusterAuthorizedOperations: false,
        });
        expect(cluster.brokers.map((b) => `${b.host}:${b.port}`)).toEqual(addresses);
        const coordinator = await client.request(ApiKey.FindCoordinator, 4, {
          keyType: 0,
          coordinatorKeys: ['g'],
        });
        const c = coordinator.coordinators![0];
        expect(`${c.host}:${c.port}`).toBe(addresses[c.nodeId - 1]);
        client.close();
      }
    } finally {
      await broker.stop();
    }
  });
});
