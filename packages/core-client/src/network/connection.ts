/**
 * One TCP (or TLS) connection to one broker for one purpose. Requests are pipelined: each is
 * written at once, and since a broker answers a connection's requests in order, responses are
 * matched against a FIFO of pending requests and checked by correlation id. Writes made in the
 * same tick are corked into one syscall. Setup = connect, ApiVersions (with KIP-511 fallback),
 * then SASL when configured, repeated on the live connection before the session the broker granted
 * ends (KIP-368, reauthentication.ts).
 */
import net from 'node:net';
import tls from 'node:tls';
import {
  ApiKey,
  apiCodecs,
  decodeResponse,
  encodeRequest,
  type RequestBodies,
  type ResponseBodies,
  SamsaError,
} from '@samsa/protocol';
import { authenticate, type SaslSession } from '../auth/sasl.js';
import type { ResolvedSasl } from '../auth/sasl-options.js';
import {
  AuthenticationError,
  ConnectionError,
  ErrorCode,
  KafkaTimeoutError,
  ProtocolDecodeError,
  RequestAbortedError,
  RequestTimeoutError,
  UnsupportedApiVersionError,
} from '../errors.js';
import type { Logger } from '../logger.js';
import { CLIENT_SOFTWARE_NAME, CLIENT_SOFTWARE_VERSION } from './client-software.js';
import { FrameReader } from './frame-reader.js';
import { raiseMallocThresholds } from './malloc-thresholds.js';
import { HeldRequests, reauthenticationDelayMs } from './reauthentication.js';
import { tlsAlertError } from './tls-alerts.js';

export interface ConnectionConfig {
  host: string;
  port: number;
  clientId: string;
  ssl: tls.ConnectionOptions | null;
  sasl: ResolvedSasl | null;
  /** Re-authenticate this many ms before the SASL session ends (KIP-368). Default 10000. */
  reauthenticationThresholdMs?: number;
  connectionTimeoutMs: number;
  requestTimeoutMs: number;
  maxResponseBytes: number;
  /** Raise glibc's malloc thresholds on the first connection (malloc-thresholds.ts). Default true. */
  tuneMalloc?: boolean;
  logger: Logger;
  /** For messages: e.g. `node 1 (127.0.0.1:9092, produce)`. */
  label: string;
}

export interface VersionRange {
  min: number;
  max: number;
}

export interface ConnectionRequestOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

interface Pending {
  correlationId: number;
  apiKey: number;
  version: number;
  deadline: number;
  timeoutMs: number;
  /** Resolve with the frame undecoded (ApiVersions negotiation). */
  raw: boolean;
  /** Set when the caller gave up (abort): the response is read and dropped. */
  settled: boolean;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

export type ConnectionState = 'new' | 'connecting' | 'ready' | 'closed';

export class Connection {
  state: ConnectionState = 'new';
  /** Versions the broker advertised, by API key. */
  readonly brokerVersions = new Map<number, VersionRange>();
  private socket: net.Socket | null = null;
  private readonly frames: FrameReader;
  private pending: Pending[] = [];
  private pendingHead = 0;
  private nextCorrelationId = 1;
  private corked = false;
  private sweepTimer: NodeJS.Timeout | null = null;
  private connectPromise: Promise<void> | null = null;
  private closeError: Error | null = null;
  private reauthTimer: NodeJS.Timeout | null = null;
  /** Set while a re-authentication runs: requests made meanwhile wait here. */
  private held: HeldRequests | null = null;
  private readonly closeListeners: ((err: Error | null) => void)[] = [];
  private readonly uncork = () => {
    this.corked = false;
    this.socket?.uncork();
  };

  constructor(readonly config: ConnectionConfig) {
    // Frame buffers are malloc'ed and freed per large response: keep their memory (see malloc-thresholds.ts).
    if (config.tuneMalloc !== false) raiseMallocThresholds();
    this.frames = new FrameReader(config.maxResponseBytes, this.onFrame);
  }

  get address(): string {
    return `${this.config.host}:${this.config.port}`;
  }

  /** Requests written and not yet answered. */
  get inFlight(): number {
    return this.pending.length - this.pendingHead;
  }

  get isReady(): boolean {
    return this.state === 'ready';
  }

  onClose(listener: (err: Error | null) => void): void {
    this.closeListeners.push(listener);
  }

  connect(): Promise<void> {
    if (this.connectPromise) return this.connectPromise;
    this.connectPromise = this.doConnect();
    return this.connectPromise;
  }

  private async doConnect(): Promise<void> {
    this.state = 'connecting';
    const { host, port, ssl, connectionTimeoutMs } = this.config;
    const deadline = setTimeout(() => {
      this.close(
        new KafkaTimeoutError(
          `Connecting to ${this.config.label} took longer than connectionTimeoutMs=${connectionTimeoutMs}; check ` +
            'that the broker is up and reachable and that ssl/sasl match its listener',
        ),
      );
    }, connectionTimeoutMs);
    try {
      await new Promise<void>((resolve, reject) => {
        // Reads go straight into the frame reader's buffers (no 'data' events, see FrameReader).
        // tls.connect takes `onread` as net.connect does (its types leave it out).
        const onread: net.OnReadOpts = { buffer: this.nextReadBuffer, callback: this.onRead };
        const socket = ssl
          ? tls.connect({
              host,
              port,
              servername: net.isIP(host) ? undefined : host,
              ...ssl,
              ...({ onread } as tls.ConnectionOptions),
            })
          : net.connect({ host, port, onread });
        this.socket = socket;
        socket.setNoDelay(true);
        socket.setKeepAlive(true, 60_000);
        const onConnectError = (err: Error & { code?: string }) => {
          // Certificate problems do not go away by retrying: report them as authentication failures.
          if (ssl && /CERT|TLS|SSL|SIGNATURE|ALTNAME/.test(err.code ?? '')) {
            reject(
              new AuthenticationError(
                `TLS handshake with ${this.config.label} failed: ${err.message} (${err.code}). Check ssl.ca / ` +
                  'ssl.servername, or the broker certificate.',
                { cause: err },
              ),
            );
          } else reject(err);
        };
        socket.once('error', onConnectError);
        socket.once(ssl ? 'secureConnect' : 'connect', () => {
          socket.off('error', onConnectError);
          socket.on('error', (err) =>
            this.close(
              tlsAlertError(err, this.config.label) ??
                new ConnectionError(this.config.label, err.message, { cause: err }),
            ),
          );
          resolve();
        });
        socket.on('close', () => this.close(null));
      });
      if ((this.state as ConnectionState) === 'closed')
        throw this.closeError ?? new ConnectionError(this.config.label, 'closed');
      await this.negotiateApiVersions();
      const session = this.config.sasl
        ? await authenticate(this, this.config.sasl, this.config.label, this.config.logger)
        : null;
      if ((this.state as ConnectionState) === 'closed')
        throw this.closeError ?? new ConnectionError(this.config.label, 'closed');
      this.state = 'ready';
      this.config.logger.debug('connected', {
        broker: this.config.label,
        ...(session && { sessionLifetimeMs: session.sessionLifetimeMs }),
      });
      if (session) this.scheduleReauthentication(session);
    } catch (err) {
      const error =
        this.closeError ??
        (err instanceof SamsaError
          ? err
          : new ConnectionError(this.config.label, (err as Error).message, { cause: err }));
      this.close(error);
      throw error;
    } finally {
      clearTimeout(deadline);
    }
  }

  /**
   * ApiVersions at our highest version. A broker that does not know it answers UNSUPPORTED_VERSION
   * in the v0 format, with its own ApiVersions range (KIP-511): retry at that version.
   */
  private async negotiateApiVersions(): Promise<void> {
    let version = apiCodecs.get(ApiKey.ApiVersions)!.request.maxVersion;
    for (let attempt = 0; attempt < 3; attempt++) {
      const frame: Buffer = await this.requestInternal(
        ApiKey.ApiVersions,
        version,
        { clientSoftwareName: CLIENT_SOFTWARE_NAME, clientSoftwareVersion: CLIENT_SOFTWARE_VERSION },
        {},
        true,
      );
      // The error code is the first body field in every version (the response header is always v0).
      const errorCode = frame.length >= 6 ? frame.readInt16BE(4) : -1;
      if (errorCode === ErrorCode.UNSUPPORTED_VERSION) {
        let brokerMax = 0;
        try {
          const { body } = decodeResponse(ApiKey.ApiVersions, 0, frame);
          brokerMax = body.apiKeys.find((k) => k.apiKey === ApiKey.ApiVersions)?.maxVersion ?? 0;
        } catch {
          brokerMax = 0;
        }
        const next = Math.min(brokerMax, version - 1);
        if (next < 0 || next >= version) break;
        version = next;
        continue;
      }
      const { body } = decodeResponse(ApiKey.ApiVersions, version, frame);
      if (body.errorCode !== 0) {
        throw new ConnectionError(this.config.label, `ApiVersions failed with error code ${body.errorCode}`);
      }
      for (const k of body.apiKeys)
        this.brokerVersions.set(k.apiKey, { min: k.minVersion, max: k.maxVersion });
      return;
    }
    throw new ConnectionError(this.config.label, 'the broker rejected every ApiVersions version Samsa tried');
  }

  private scheduleReauthentication(session: SaslSession): void {
    const delay = reauthenticationDelayMs(
      session.sessionLifetimeMs,
      this.config.reauthenticationThresholdMs ?? 10_000,
    );
    if (delay === null) return;
    this.reauthTimer = setTimeout(() => void this.reauthenticate(), delay);
    this.reauthTimer.unref();
  }

  /** KIP-368: SASL again on the live connection; requests made meanwhile are held, then written in order. */
  private async reauthenticate(): Promise<void> {
    this.reauthTimer = null;
    if (this.state !== 'ready' || !this.config.sasl) return;
    const { label, logger } = this.config;
    this.held = new HeldRequests();
    let session: SaslSession;
    try {
      session = await authenticate(this, this.config.sasl, label, logger);
    } catch (err) {
      if (this.state !== 'ready') return; // closed meanwhile (disconnect, broker gone): nothing to report
      logger.error('SASL re-authentication failed; closing the connection', {
        broker: label,
        error: (err as Error).message,
      });
      this.close(
        new ConnectionError(label, `re-authentication failed: ${(err as Error).message}`, { cause: err }),
      );
      return;
    }
    const held = this.held;
    this.held = null;
    if (this.state !== 'ready') return;
    logger.debug('SASL re-authenticated', {
      broker: label,
      heldRequests: held.size,
      sessionLifetimeMs: session.sessionLifetimeMs,
    });
    held.release();
    this.scheduleReauthentication(session);
  }

  /** The highest version of `apiKey` both sides support; throws if there is none. */
  versionFor(apiKey: number): number {
    const codec = apiCodecs.get(apiKey);
    const broker = this.brokerVersions.get(apiKey);
    const name = codec?.name ?? `API ${apiKey}`;
    if (!codec || !broker) {
      throw new UnsupportedApiVersionError(
        name,
        apiKey,
        this.config.label,
        broker ? `v${broker.min}-v${broker.max}` : 'no version',
        codec ? `v${codec.request.minVersion}-v${codec.request.maxVersion}` : 'no version',
      );
    }
    const version = Math.min(broker.max, codec.request.maxVersion);
    if (version < Math.max(broker.min, codec.request.minVersion)) {
      throw new UnsupportedApiVersionError(
        name,
        apiKey,
        this.config.label,
        `v${broker.min}-v${broker.max}`,
        `v${codec.request.minVersion}-v${codec.request.maxVersion}`,
      );
    }
    return version;
  }

  /** Sends a request and resolves with the decoded response body. */
  request<K extends keyof RequestBodies>(
    apiKey: K,
    version: number,
    body: RequestBodies[K],
    options: ConnectionRequestOptions = {},
  ): Promise<ResponseBodies[K]> {
    if (this.state !== 'ready') return Promise.reject(this.notReadyError());
    if (this.held) {
      return this.held.hold(
        () => this.requestInternal(apiKey, version, body, options, false),
        options.signal,
        `${apiName(apiKey)} request`,
      );
    }
    return this.requestInternal(apiKey, version, body, options, false);
  }

  /** Writes a request that gets no response (Produce with acks=0); resolves once written. */
  send<K extends keyof RequestBodies>(apiKey: K, version: number, body: RequestBodies[K]): Promise<void> {
    if (this.state !== 'ready') return Promise.reject(this.notReadyError());
    if (this.held)
      return this.held.hold(() => this.send(apiKey, version, body), undefined, `${apiName(apiKey)} request`);
    const correlationId = this.takeCorrelationId();
    const chunks = encodeRequest(apiKey, version, correlationId, this.config.clientId, body);
    return new Promise<void>((resolve, reject) => {
      this.write(chunks, (err) =>
        err ? reject(new ConnectionError(this.config.label, err.message)) : resolve(),
      );
    });
  }

  /** Used during setup (ApiVersions, SASL) before the connection is ready. */
  requestInternal(
    apiKey: number,
    version: number,
    body: unknown,
    options: ConnectionRequestOptions,
    raw: boolean,
    // biome-ignore lint/suspicious/noExplicitAny: the body type depends on apiKey, known only at run time
  ): Promise<any> {
    if (this.state === 'closed') return Promise.reject(this.notReadyError());
    const { signal } = options;
    if (signal?.aborted) {
      return Promise.reject(new RequestAbortedError(`${apiName(apiKey)} request`, signal.reason));
    }
    const correlationId = this.takeCorrelationId();
    let chunks: Buffer[];
    try {
      chunks = encodeRequest(
        apiKey as keyof RequestBodies,
        version,
        correlationId,
        this.config.clientId,
        body as never,
      );
    } catch (err) {
      return Promise.reject(err);
    }
    const timeoutMs = options.timeoutMs ?? this.config.requestTimeoutMs;
    return new Promise((resolve, reject) => {
      const p: Pending = {
        correlationId,
        apiKey,
        version,
        deadline: Date.now() + timeoutMs,
        timeoutMs,
        raw,
        settled: false,
        resolve,
        reject,
        signal,
        onAbort: undefined,
      };
      if (signal) {
        p.onAbort = () => {
          if (p.settled) return;
          p.settled = true;
          reject(new RequestAbortedError(`${apiName(apiKey)} request`, signal.reason));
        };
        signal.addEventListener('abort', p.onAbort, { once: true });
      }
      this.pending.push(p);
      this.ensureSweep(timeoutMs);
      this.write(chunks);
    });
  }

  private takeCorrelationId(): number {
    const id = this.nextCorrelationId;
    this.nextCorrelationId = id === 0x7fffffff ? 1 : id + 1;
    return id;
  }

  private write(chunks: Buffer[], done?: (err?: Error | null) => void): void {
    const socket = this.socket!;
    if (!this.corked) {
      this.corked = true;
      socket.cork();
      process.nextTick(this.uncork);
    }
    const last = chunks.length - 1;
    for (let i = 0; i < last; i++) socket.write(chunks[i]);
    socket.write(chunks[last], done);
  }

  private readonly nextReadBuffer = (): Buffer => this.frames.nextBuffer();

  private readonly onRead = (nread: number): boolean => {
    if (this.state === 'closed') return true;
    try {
      this.frames.onRead(nread);
    } catch (err) {
      this.close(
        new ConnectionError(this.config.label, `bad response stream: ${(err as Error).message}`, {
          cause: err,
        }),
      );
    }
    return true;
  };

  private readonly onFrame = (frame: Buffer): void => {
    if (this.pendingHead >= this.pending.length) {
      throw new ProtocolDecodeError(
        `unexpected response frame with no request waiting (${frame.length} bytes)`,
      );
    }
    const p = this.pending[this.pendingHead];
    const correlationId = frame.length >= 4 ? frame.readInt32BE(0) : -1;
    if (correlationId !== p.correlationId) {
      throw new ProtocolDecodeError(
        `response correlation id ${correlationId} does not match the oldest request's ${p.correlationId}`,
      );
    }
    this.pending[this.pendingHead++] = undefined as never;
    if (this.pendingHead > 1024 && this.pendingHead * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.pendingHead);
      this.pendingHead = 0;
    }
    if (p.settled) return;
    p.settled = true;
    if (p.onAbort) p.signal!.removeEventListener('abort', p.onAbort);
    if (p.raw) {
      p.resolve(frame);
      return;
    }
    let body: unknown;
    try {
      body = decodeResponse(p.apiKey as keyof ResponseBodies, p.version, frame).body;
    } catch (err) {
      p.reject(err as Error);
      return;
    }
    p.resolve(body);
  };

  private ensureSweep(timeoutMs: number): void {
    if (this.sweepTimer) return;
    const period = Math.max(10, Math.min(250, Math.floor(timeoutMs / 4)));
    this.sweepTimer = setInterval(() => this.sweep(), period);
    this.sweepTimer.unref();
  }

  /** A request past its deadline breaks the in-order stream: fail it and reset the connection (as Java does). */
  private sweep(): void {
    if (this.inFlight === 0) {
      clearInterval(this.sweepTimer!);
      this.sweepTimer = null;
      return;
    }
    const now = Date.now();
    for (let i = this.pendingHead; i < this.pending.length; i++) {
      const p = this.pending[i];
      if (!p.settled && p.deadline <= now) {
        const err = new RequestTimeoutError(this.config.label, apiName(p.apiKey), p.timeoutMs);
        p.settled = true;
        if (p.onAbort) p.signal!.removeEventListener('abort', p.onAbort);
        p.reject(err);
        this.close(new ConnectionError(this.config.label, `reset after a request timed out`, { cause: err }));
        return;
      }
    }
  }

  private notReadyError(): Error {
    return (
      this.closeError ??
      new ConnectionError(
        this.config.label,
        this.state === 'closed' ? 'connection is closed' : 'not connected yet',
      )
    );
  }

  /** Closes the socket and fails every waiting request with `err` (a retriable ConnectionError by default). */
  close(err: Error | null = null): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.closeError = err ?? new ConnectionError(this.config.label, 'connection closed');
    if (this.sweepTimer) {
      clearInterval(this.sweepTimer);
      this.sweepTimer = null;
    }
    if (this.reauthTimer) {
      clearTimeout(this.reauthTimer);
      this.reauthTimer = null;
    }
    const failure =
      this.closeError instanceof ConnectionError || this.closeError instanceof KafkaTimeoutError
        ? this.closeError
        : new ConnectionError(this.config.label, this.closeError.message, { cause: this.closeError });
    const pending = this.pending;
    const head = this.pendingHead;
    this.pending = [];
    this.pendingHead = 0;
    for (let i = head; i < pending.length; i++) {
      const p = pending[i];
      if (p.settled) continue;
      p.settled = true;
      if (p.onAbort) p.signal!.removeEventListener('abort', p.onAbort);
      p.reject(failure);
    }
    this.held?.fail(failure);
    this.held = null;
    this.socket?.destroy();
    this.config.logger.debug('connection closed', {
      broker: this.config.label,
      error: err ? err.message : 'closed by the client or the broker',
    });
    for (const l of this.closeListeners) l(err);
  }
}

export function apiName(apiKey: number): string {
  return apiCodecs.get(apiKey)?.name ?? `API ${apiKey}`;
}
