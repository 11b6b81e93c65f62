/**
 * A bare Kafka protocol client for handler tests: sends any request at any version with
 * @samsa/protocol's codecs and matches responses by correlation id.
 */
import { connect, type Socket } from 'node:net';
import { type ConnectionOptions, connect as connectTls } from 'node:tls';
import {
  decodeResponse,
  encodeRequest,
  FrameSplitter,
  type RequestBodies,
  type ResponseBodies,
  readCorrelationId,
} from '@samsa/protocol';

type Key = keyof RequestBodies & keyof ResponseBodies;

interface Pending {
  apiKey: number;
  version: number;
  resolve: (frame: Buffer) => void;
  reject: (err: Error) => void;
}

export class RawClient {
  private correlationId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly splitter = new FrameSplitter(1 << 30);
  readonly closed: Promise<void>;
  private isClosed = false;
  /** Waiting for a raw SASL token (after SaslHandshake v0), which has no correlation id. */
  private rawWaiter: ((frame: Buffer) => void) | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk) =>
      this.splitter.push(chunk, (frame) => {
        if (this.rawWaiter) {
          const waiter = this.rawWaiter;
          this.rawWaiter = undefined;
          waiter(Buffer.from(frame));
          return;
        }
        const id = readCorrelationId(frame);
        const waiting = this.pending.get(id);
        if (!waiting) return;
        this.pending.delete(id);
        waiting.resolve(frame);
      }),
    );
    this.closed = new Promise((resolve) => {
      socket.on('close', () => {
        this.isClosed = true;
        for (const p of this.pending.values()) p.reject(new Error('connection closed'));
        this.pending.clear();
        resolve();
      });
    });
    socket.on('error', () => {});
  }

  /** Connects over TCP, or over TLS with `tls` (resolving once the handshake is done). */
  static connect(address: string, tls?: ConnectionOptions): Promise<RawClient> {
    const [host, port] = address.split(':');
    return new Promise((resolve, reject) => {
      const socket = tls
        ? connectTls({ host, port: Number(port), ...tls }, () => {
            socket.off('error', reject);
            resolve(new RawClient(socket));
          })
        : connect({ host, port: Number(port) }, () => {
            socket.off('error', reject);
            resolve(new RawClient(socket));
          });
      socket.once('error', reject);
    });
  }

  /** Sends a raw SASL token (size-prefixed, no header) and resolves with the raw token answered. */
  rawToken(token: Buffer): Promise<Buffer> {
    const size = Buffer.alloc(4);
    size.writeInt32BE(token.length);
    return new Promise((resolve, reject) => {
      this.rawWaiter = resolve;
      this.closed.then(() => reject(new Error('connection closed')));
      this.socket.write(Buffer.concat([size, token]));
    });
  }

  get isOpen(): boolean {
    return !this.isClosed;
  }

  /** Sends a request and resolves with the decoded response. */
  async request<K extends Key>(
    apiKey: K,
    version: number,
    body: RequestBodies[K],
    clientId = 'raw-client',
  ): Promise<ResponseBodies[K]> {
    const frame = await this.requestFrame(apiKey, version, body, clientId);
    return decodeResponse(apiKey, version, frame).body;
  }

  /** Sends a request and resolves with the raw response frame (without the size prefix). */
  requestFrame<K extends Key>(
    apiKey: K,
    version: number,
    body: RequestBodies[K],
    clientId = 'raw-client',
  ): Promise<Buffer> {
    const id = this.correlationId++;
    const chunks = encodeRequest(apiKey, version, id, clientId, body);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { apiKey, version, resolve, reject });
      for (const chunk of chunks) this.socket.write(chunk);
    });
  }

  /** Sends a request that gets no response (acks=0 produce). */
  send<K extends Key>(apiKey: K, version: number, body: RequestBodies[K]): void {
    for (const chunk of encodeRequest(apiKey, version, this.correlationId++, 'raw-client', body))
      this.socket.write(chunk);
  }

  /** Holds the requests sent until the matching uncork(), so they leave in one write. */
  cork(): void {
    this.socket.cork();
  }

  uncork(): void {
    this.socket.uncork();
  }

  /** Writes raw bytes (malformed frames for fuzzing). */
  sendRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Resolves true if the connection closes within `ms`, false if it stays open. */
export function closesWithin(client: RawClient, ms: number): Promise<boolean> {
  return Promise.race([
    client.closed.then(() => true),
    new Promise<boolean>((r) => setTimeout(() => r(false), ms)),
  ]);
}

/** Writes `frame` (with its size prefix) on a fresh connection and resolves with the first response frame. */
export function rawRoundTrip(address: string, frame: Buffer): Promise<Buffer> {
  const [host, port] = address.split(':');
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port: Number(port) });
    let data = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      data = Buffer.concat([data, chunk]);
      if (data.length >= 4 && data.length >= 4 + data.readInt32BE(0)) {
        socket.destroy();
        resolve(data.subarray(4, 4 + data.readInt32BE(0)));
      }
    });
    socket.on('close', () => reject(new Error('connection closed before a response')));
    socket.on('error', reject);
    socket.write(frame);
  });
}
