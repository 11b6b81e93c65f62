/**
 * A TCP proxy in front of a one-broker cluster that counts Fetch requests and the bytes of them and
 * of their responses, as they cross the wire (size prefix included). Metadata answers are rewritten
 * so that clients talk to the broker only through the proxy; everything else passes byte for byte.
 */
import net from 'node:net';
import {
  ApiKey,
  decodeRequestHeader,
  decodeResponse,
  encodeResponse,
  FrameSplitter,
  readCorrelationId,
} from '@samsa/protocol';

export interface FetchCounts {
  requests: number;
  requestBytes: number;
  responses: number;
  responseBytes: number;
}

export interface FetchCountingProxy {
  readonly bootstrap: string;
  /** Counts since the last reset. */
  counts(): FetchCounts;
  reset(): void;
  stop(): Promise<void>;
}

const SIZE_PREFIX = 4;

export async function startFetchCountingProxy(upstream: string): Promise<FetchCountingProxy> {
  const host = upstream.slice(0, upstream.lastIndexOf(':'));
  const port = Number(upstream.slice(upstream.lastIndexOf(':') + 1));
  const sockets = new Set<net.Socket>();
  let counts: FetchCounts = { requests: 0, requestBytes: 0, responses: 0, responseBytes: 0 };
  const server = net.createServer((client) => {
    const broker = net.connect(port, host);
    sockets.add(client).add(broker);
    const close = () => {
      client.destroy();
      broker.destroy();
    };
    for (const s of [client, broker]) {
      s.on('error', close);
      s.on('close', () => {
        sockets.delete(s);
        close();
      });
    }
    const requests = new Map<number, { apiKey: number; apiVersion: number }>();
    const fromClient = new FrameSplitter();
    client.on('data', (chunk) =>
      fromClient.push(chunk, (frame) => {
        const { header } = decodeRequestHeader(frame);
        requests.set(header.correlationId, { apiKey: header.apiKey, apiVersion: header.apiVersion });
        if (header.apiKey === ApiKey.Fetch) {
          counts.requests++;
          counts.requestBytes += SIZE_PREFIX + frame.length;
        }
        broker.write(withSize(frame));
      }),
    );
    const fromBroker = new FrameSplitter();
    broker.on('data', (chunk) =>
      fromBroker.push(chunk, (frame) => {
        const correlationId = readCorrelationId(frame);
        const request = requests.get(correlationId);
        requests.delete(correlationId);
        if (request?.apiKey === ApiKey.Metadata) {
          const { body } = decodeResponse(ApiKey.Metadata, request.apiVersion, frame);
          for (const b of body.brokers) {
            b.host = '127.0.0.1';
            b.port = proxyPort;
          }
          for (const c of encodeResponse(ApiKey.Metadata, request.apiVersion, correlationId, body))
            client.write(c);
          return;
        }
        if (request?.apiKey === ApiKey.Fetch) {
          counts.responses++;
          counts.responseBytes += SIZE_PREFIX + frame.length;
        }
        client.write(withSize(frame));
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxyPort = (server.address() as net.AddressInfo).port;
  return {
    bootstrap: `127.0.0.1:${proxyPort}`,
    counts: () => ({ ...counts }),
    reset() {
      counts = { requests: 0, requestBytes: 0, responses: 0, responseBytes: 0 };
    },
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function withSize(frame: Buffer): Buffer {
  const out = Buffer.allocUnsafe(SIZE_PREFIX + frame.length);
  out.writeInt32BE(frame.length, 0);
  frame.copy(out, SIZE_PREFIX);
  return out;
}
