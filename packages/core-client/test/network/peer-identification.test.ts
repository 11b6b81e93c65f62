/**
 * A "broker" that is something else is named from its first bytes or one probe, at once, instead of
 * "frame of 1213486160 bytes exceeds maxResponseBytes" or a handshake retried until the retries run out.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { type RunningBroker, startBroker } from '@samsa/broker-dev';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, LogLevel, UnexpectedPeerError } from '../../src/index.js';
import { identifyFromFirstBytes } from '../../src/network/peer-identification.js';

const fixtures = fileURLToPath(new URL('../fixtures/tls/', import.meta.url));
const key = readFileSync(`${fixtures}key.pem`);
const cert = readFileSync(`${fixtures}cert.pem`);

describe('identifyFromFirstBytes', () => {
  it('knows an HTTP status line, a TLS record and a line of text, and leaves Kafka framing alone', () => {
    expect(identifyFromFirstBytes(Buffer.from('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n'))).toEqual({
      kind: 'http',
      evidence: 'it answered like an HTTP server ("HTTP/1.1 400 Bad Request")',
    });
    expect(identifyFromFirstBytes(Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x32]))?.kind).toBe('tls');
    expect(identifyFromFirstBytes(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00]))?.evidence).toBe(
      'it answered with a TLS handshake record',
    );
    expect(identifyFromFirstBytes(Buffer.from('SSH-2.0-OpenSSH_9.2p1\r\n'))).toEqual({
      kind: 'text',
      evidence: 'it answered with text ("SSH-2.0-OpenSSH_9.2p1")',
    });
    // A Kafka response: int32 size (small), then the correlation id.
    expect(identifyFromFirstBytes(Buffer.from([0, 0, 1, 0x2c, 0, 0, 0, 1]))).toBeNull();
    expect(identifyFromFirstBytes(Buffer.from('HT'))).toBeNull();
  });
});

describe('connecting to something that is not the Kafka listener it was configured as', () => {
  let broker: RunningBroker;
  const servers: { close(): void }[] = [];
  let httpPort: number;
  let tlsPort: number;
  let sshPort: number;

  const listen = (server: net.Server) =>
    new Promise<number>((resolve) => {
      servers.push(server);
      server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
    });

  beforeAll(async () => {
    broker = await startBroker({ brokers: 1, port: 0 });
    httpPort = await listen(http.createServer((_request, response) => response.end('not kafka')));
    tlsPort = await listen(tls.createServer({ key, cert }, (socket) => socket.end()));
    sshPort = await listen(net.createServer((socket) => socket.end('SSH-2.0-OpenSSH_9.2p1\r\n')));
  });

  afterAll(async () => {
    for (const server of servers) server.close();
    await broker?.stop();
  });

  /**
   * Connects a producer and returns the error. Timeouts and retries are set far beyond each test's own 15 s
   * timeout: waiting for an answer, or retrying the way the old client did, fails the test instead of passing late.
   */
  async function connectError(options: { brokers: string[]; ssl?: tls.ConnectionOptions }) {
    const producer = new Kafka({
      ...options,
      logLevel: LogLevel.NOTHING,
      connectionTimeout: 60_000,
      requestTimeout: 60_000,
      retry: { retries: 10, initialRetryTime: 10_000, maxRetryTime: 60_000 },
    }).producer();
    const error = await producer.connect().then(
      () => null,
      (e: unknown) => e,
    );
    await producer.disconnect();
    return error as UnexpectedPeerError;
  }

  const PROMPTLY = 15_000;

  it(
    'an HTTP server: "this is not a Kafka broker: it answered like an HTTP server"',
    async () => {
      const error = await connectError({ brokers: [`127.0.0.1:${httpPort}`] });
      expect(error).toBeInstanceOf(UnexpectedPeerError);
      expect(error).toMatchObject({ peer: 'http', retriable: false });
      expect(error.message).toBe(
        `Connection to seed 1 (127.0.0.1:${httpPort}, metadata): this is not a Kafka broker: it answered like an ` +
          'HTTP server ("HTTP/1.1 400 Bad Request"). Check the host and port in brokers (a Kafka listener, 9092 by default)',
      );
    },
    PROMPTLY,
  );

  it(
    'another server that talks first: quotes what it said',
    async () => {
      const error = await connectError({ brokers: [`127.0.0.1:${sshPort}`] });
      expect(error).toMatchObject({ peer: 'text' });
      expect(error.message).toMatch(
        /this is not a Kafka broker: it answered with text \("SSH-2.0-OpenSSH_9.2p1"\)/,
      );
    },
    PROMPTLY,
  );

  it(
    'a TLS listener reached without ssl: says so and says to set ssl',
    async () => {
      const error = await connectError({ brokers: [`127.0.0.1:${tlsPort}`] });
      expect(error).toBeInstanceOf(UnexpectedPeerError);
      expect(error).toMatchObject({ peer: 'tls', retriable: false });
      expect(error.message).toBe(
        `Connection to seed 1 (127.0.0.1:${tlsPort}, metadata): this is a TLS listener: it closed the connection ` +
          "without answering Samsa's first request, and it completes a TLS handshake. Set ssl: true (or ssl: { ca, " +
          '... }) to connect to it',
      );
    },
    PROMPTLY,
  );

  it(
    'a plaintext Kafka listener reached with ssl: says to remove ssl',
    async () => {
      const error = await connectError({ brokers: broker.bootstrap, ssl: { ca: [cert] } });
      expect(error).toBeInstanceOf(UnexpectedPeerError);
      expect(error).toMatchObject({ peer: 'plaintext-kafka', retriable: false });
      expect(error.message).toMatch(
        /this is a plaintext Kafka listener: it did not complete the TLS handshake, and answers Kafka requests without TLS\. Remove ssl, or use the broker's TLS port$/,
      );
    },
    PROMPTLY,
  );

  it(
    'a plaintext server that is not Kafka reached with ssl: not a TLS listener',
    async () => {
      const error = await connectError({ brokers: [`127.0.0.1:${httpPort}`], ssl: { ca: [cert] } });
      expect(error).toMatchObject({ peer: 'not-tls', retriable: false });
      expect(error.message).toMatch(
        /this is not a TLS listener: it answered the TLS handshake with something else/,
      );
    },
    PROMPTLY,
  );
});
