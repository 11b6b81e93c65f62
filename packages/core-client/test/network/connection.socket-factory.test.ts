/** KafkaJS's `socketFactory`: every broker connection goes over the sockets it opens, TLS included. */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { type RunningBroker, startBroker } from '@samsa/broker-dev';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SocketFactory } from '../../src/config/client-options.js';
import { Kafka, LogLevel } from '../../src/index.js';
import { startFakeBroker } from '../helpers/fake-broker.js';

const fixtures = fileURLToPath(new URL('../fixtures/tls/', import.meta.url));
const key = readFileSync(`${fixtures}key.pem`);
const cert = readFileSync(`${fixtures}cert.pem`);

describe('socketFactory', () => {
  let broker: RunningBroker;

  beforeAll(async () => {
    broker = await startBroker({ brokers: 1, port: 0, partitions: 1 });
  });

  afterAll(async () => {
    await broker?.stop();
  });

  it('opens every connection, and produce and fetch run over its sockets', async () => {
    const opened: { host: string; port: number; ssl: unknown }[] = [];
    let bytesRead = 0;
    const socketFactory: SocketFactory = ({ host, port, ssl, onConnect }) => {
      opened.push({ host, port, ssl });
      const socket = net.connect({ host, port }, onConnect);
      socket.on('data', (chunk: Buffer) => {
        bytesRead += chunk.length;
      });
      return socket;
    };
    const kafka = new Kafka({ brokers: broker.bootstrap, socketFactory, logLevel: LogLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'through-factory', messages: [{ value: 'hello' }] });
    const consumer = kafka.consumer({ groupId: 'through-factory' });
    await consumer.subscribe({ topics: ['through-factory'], fromBeginning: true });
    const value = await new Promise<string>((resolve) => {
      void consumer.run({ eachMessage: async ({ message }) => resolve(message.value!.toString()) });
    });
    await Promise.all([producer.disconnect(), consumer.disconnect()]);
    expect(value).toBe('hello');
    const [host, port] = broker.bootstrap[0].split(':');
    expect(opened[0]).toEqual({ host, port: Number(port), ssl: undefined });
    // Metadata, produce, group and fetch connections, all from the factory.
    expect(opened.length).toBeGreaterThanOrEqual(4);
    expect(bytesRead).toBeGreaterThan(0);
  });

  it('gets the ssl options and may open the TLS socket itself', async () => {
    const fake = await startFakeBroker({ topics: { t: 1 }, tls: { key, cert } });
    try {
      const seen: unknown[] = [];
      const socketFactory: SocketFactory = ({ host, port, ssl, onConnect }) => {
        seen.push(ssl);
        return tls.connect({ host, port, ...ssl }, onConnect);
      };
      const producer = new Kafka({
        brokers: fake.bootstrap,
        ssl: { ca: [cert] },
        socketFactory,
        logLevel: LogLevel.NOTHING,
      }).producer({ lingerMs: 0 });
      await producer.connect();
      await producer.send({ topic: 't', messages: [{ value: 'over tls' }] });
      await producer.disconnect();
      expect(fake.records('t', 0).map((r) => r.value!.toString())).toEqual(['over tls']);
      expect(seen[0]).toEqual({ ca: [cert] });
    } finally {
      await fake.stop();
    }
  });
});
