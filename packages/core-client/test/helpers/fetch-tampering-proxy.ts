/**
 * A TCP proxy in front of a one-broker @samsa/broker-dev cluster that lets a test change the record
 * batches of Fetch responses on their way to the client: a broker that serves batches Kafka would
 * never store, or a network that damages them. Metadata answers are rewritten so that the client
 * talks to the broker only through the proxy. Everything else passes through byte for byte.
 */
import net from 'node:net';
import {
  ApiKey,
  decodeRequestHeader,
  decodeResponse,
  encodeResponse,
  FrameSplitter,
  type ResponseBodies,
  readCorrelationId,
} from '@samsa/protocol';

/** Returns the records to send instead (or the same buffer); `topic` is the name, also for Fetch v13+. */
export type FetchTamper = (topic: string, partition: number, records: Buffer) => Buffer;

export interface FetchTamperingProxy {
  readonly bootstrap: string;
  /** Fetch responses seen per `topic/partition` that carried records. */
  fetchesWithRecords(topic: string, partition: number): number;
  stop(): Promise<void>;
}

export async function startFetchTamperingProxy(
  upstream: string,
  tamper: FetchTamper,
): Promise<FetchTamperingProxy> {
  const [host, port] = [upstream.slice(0, upstream.lastIndexOf(':')), Number(upstream.split(':').pop())];
  const sockets = new Set<net.Socket>();
  const topicNames = new Map<string, string>();
  const fetches = new Map<string, number>();
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
          for (const t of body.topics) if (t.name && t.topicId) topicNames.set(t.topicId, t.name);
          for (const c of encodeResponse(ApiKey.Metadata, request.apiVersion, correlationId, body))
            client.write(c);
        } else if (request?.apiKey === ApiKey.Fetch) {
          const { body } = decodeResponse(ApiKey.Fetch, request.apiVersion, frame);
          rewriteFetch(body);
          for (const c of encodeResponse(ApiKey.Fetch, request.apiVersion, correlationId, body))
            client.write(c);
        } else {
          client.write(withSize(frame));
        }
      }),
    );
  });

  function rewriteFetch(body: ResponseBodies[typeof ApiKey.Fetch]): void {
    for (const t of body.responses) {
      const topic = t.topic || topicNames.get(t.topicId ?? '') || '';
      for (const p of t.partitions) {
        const records = p.records as Buffer | null;
        if (!records || records.length === 0) continue;
        const key = `${topic}/${p.partitionIndex}`;
        fetches.set(key, (fetches.get(key) ?? 0) + 1);
        p.records = tamper(topic, p.partitionIndex, Buffer.from(records));
      }
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxyPort = (server.address() as net.AddressInfo).port;
  return {
    bootstrap: `127.0.0.1:${proxyPort}`,
    fetchesWithRecords: (topic, partition) => fetches.get(`${topic}/${partition}`) ?? 0,
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function withSize(frame: Buffer): Buffer {
  const out = Buffer.allocUnsafe(4 + frame.length);
  out.writeInt32BE(frame.length, 0);
  frame.copy(out, 4);
  return out;
}
