/**
 * Records the frames real Kafka clients send, for golden-vector tests.
 *
 * A TCP proxy in front of one Kafka broker (any implementation): it stores every request frame
 * a client sends and every response the broker returns, and rewrites broker addresses in
 * Metadata and FindCoordinator responses so the client keeps talking through the proxy.
 *
 *   tsx scripts/capture.ts --upstream 127.0.0.1:9092 --out test/fixtures/golden/kafkajs [--port 0]
 *
 * Prints `PROXY=127.0.0.1:<port>` once listening. Each frame is written as
 * `<seq>-<ApiName>-v<version>-<request|response>.hex` (hex of the frame without its size prefix).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  ApiKey,
  apiCodecs,
  decodeRequestHeader,
  decodeResponse,
  encodeResponse,
  type FindCoordinatorResponse,
  FrameSplitter,
  type MetadataResponse,
} from '../src/index.js';

interface PendingRequest {
  apiKey: number;
  apiVersion: number;
}

export interface CaptureOptions {
  upstream: { host: string; port: number };
  outDir: string;
  port?: number;
  /** Only keep these API keys (all when omitted). */
  apiKeys?: number[];
}

export async function startCapture(
  options: CaptureOptions,
): Promise<{ port: number; close(): Promise<void> }> {
  mkdirSync(options.outDir, { recursive: true });
  let seq = 0;
  const sockets = new Set<Socket>();
  let proxyPort = 0;

  const save = (apiKey: number, apiVersion: number, kind: 'request' | 'response', frame: Buffer) => {
    if (options.apiKeys && !options.apiKeys.includes(apiKey)) return;
    const name = apiCodecs.get(apiKey)?.name ?? `Api${apiKey}`;
    const file = `${String(++seq).padStart(3, '0')}-${name}-v${apiVersion}-${kind}.hex`;
    writeFileSync(join(options.outDir, file), `${frame.toString('hex')}\n`);
  };

  const sizePrefixed = (frame: Buffer) => {
    const size = Buffer.alloc(4);
    size.writeInt32BE(frame.length);
    return Buffer.concat([size, frame]);
  };

  /** Points every advertised broker at this proxy so the client never bypasses it. */
  const rewrite = (req: PendingRequest, frame: Buffer): Buffer => {
    if (req.apiKey === ApiKey.Metadata) {
      const { correlationId, body } = decodeResponse(ApiKey.Metadata, req.apiVersion, frame);
      const metadata = body as MetadataResponse;
      for (const b of metadata.brokers) {
        b.host = '127.0.0.1';
        b.port = proxyPort;
      }
      return Buffer.concat(encodeResponse(ApiKey.Metadata, req.apiVersion, correlationId, metadata)).subarray(
        4,
      );
    }
    if (req.apiKey === ApiKey.FindCoordinator) {
      const { correlationId, body } = decodeResponse(ApiKey.FindCoordinator, req.apiVersion, frame);
      const found = body as FindCoordinatorResponse;
      found.host = '127.0.0.1';
      found.port = proxyPort;
      for (const c of found.coordinators ?? []) {
        c.host = '127.0.0.1';
        c.port = proxyPort;
      }
      return Buffer.concat(
        encodeResponse(ApiKey.FindCoordinator, req.apiVersion, correlationId, found),
      ).subarray(4);
    }
    return frame;
  };

  const server = createServer((client) => {
    sockets.add(client);
    const upstream = connect(options.upstream.port, options.upstream.host);
    sockets.add(upstream);
    const pending = new Map<number, PendingRequest>();
    const fromClient = new FrameSplitter();
    const fromBroker = new FrameSplitter();
    client.on('data', (chunk) =>
      fromClient.push(chunk, (frame) => {
        const { header } = decodeRequestHeader(frame);
        pending.set(header.correlationId, { apiKey: header.apiKey, apiVersion: header.apiVersion });
        save(header.apiKey, header.apiVersion, 'request', frame);
        upstream.write(sizePrefixed(frame));
      }),
    );
    upstream.on('data', (chunk) =>
      fromBroker.push(chunk, (frame) => {
        const correlationId = frame.readInt32BE(0);
        const req = pending.get(correlationId);
        pending.delete(correlationId);
        if (!req) {
          client.write(sizePrefixed(frame));
          return;
        }
        save(req.apiKey, req.apiVersion, 'response', frame);
        client.write(sizePrefixed(rewrite(req, frame)));
      }),
    );
    const closeBoth = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', closeBoth);
    upstream.on('close', closeBoth);
    client.on('error', closeBoth);
    upstream.on('error', closeBoth);
  });

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  proxyPort = (server.address() as { port: number }).port;
  return {
    port: proxyPort,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

if (process.argv[1]?.endsWith('capture.ts')) {
  const { values } = parseArgs({
    options: {
      upstream: { type: 'string' },
      out: { type: 'string' },
      port: { type: 'string', default: '0' },
    },
  });
  if (!values.upstream || !values.out) {
    console.error('usage: capture --upstream host:port --out DIR [--port N]');
    process.exit(2);
  }
  const [host, port] = values.upstream.split(':');
  const capture = await startCapture({
    upstream: { host, port: Number(port) },
    outDir: values.out,
    port: Number(values.port),
  });
  console.log(`PROXY=127.0.0.1:${capture.port}`);
  const stop = () => capture.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
