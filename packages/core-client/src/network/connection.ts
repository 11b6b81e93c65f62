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
  apiInfo,
  decodeResponse,
  encodeRequest,
  FetchCrcScanner,
  type RequestBodies,
  type ResponseBodies,
  SamsaError,
} from '@samsa/protocol/on-demand';
import { authenticate, type SaslSession } from '../auth/sasl.js';
import type { ResolvedSasl } from '../auth/sasl-options.js';
import type { SocketFactory } from '../config/client-options.js';
import { channels, type RequestEvent } from '../diagnostics/channels.js';
import {
  type BrokerRequestStats,
  RequestMetrics,
  type RequestRecord,
} from '../diagnostics/metrics/request-metrics.js';
import { settled, started } from '../diagnostics/trace.js';
import {
  AuthenticationError,
  ConnectionError,
  KafkaTimeoutError,
  ProtocolDecodeError,
  RequestAbortedError,
  RequestTimeoutError,
  UnexpectedPeerError,
} from '../errors.js';
import type { Logger } from '../logger.js';
import { agreedVersion, negotiateApiVersions, type VersionRange } from './api-versions.js';
import { CodecGate } from './codec-gate.js';
import { FrameReader } from './frame-reader.js';
import {
  MALLOC_TUNING_FRAME_BYTES,
  mallocTuningAllowed,
  raiseMallocThresholds,
} from './malloc-thresholds.js';
import {
  describePeer,
  identifyFromFirstBytes,
  probeKafkaPlaintext,
  probeTls,
} from './peer-identification.js';
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
  /** Limit of the SASL exchange. Default 10000. */
  authenticationTimeoutMs?: number;
  /** Opens the socket instead of net/tls.connect (KafkaJS's `socketFactory`). */
  socketFactory?: SocketFactory | null;
  /** Raise glibc's malloc thresholds on the first large response frame (malloc-thresholds.ts). Default true. */
  tuneMalloc?: boolean;
  logger: Logger;
  /** For messages: e.g. `node 1 (127.0.0.1:9092, produce)`. */
  label: string;
  /** What the connection is for (events report it). Default 'admin'. */
  purpose?: RequestEvent['purpose'];
  /** Where requests are counted (the client's metrics and KafkaJS events); a private one by default. */
  stats?: BrokerRequestStats;
}

export interface ConnectionRequestOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * A Fetch whose answer's record batch CRCs are checked as the frame arrives (FetchCrcScanner), so
   * that the consumer need not check them again, from memory, when it delivers the records.
   */
  scanBatchCrcs?: boolean;
}

interface Pending extends RequestRecord {
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
  /** The samsa:request event, when the channel had subscribers as the request went out. */
  trace: RequestEvent | null;
  scanBatchCrcs: boolean;
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
  /** What came back so far, to tell a peer that is not a Kafka listener (peer-identification.ts). */
  private socketConnected = false;
  private bytesReceived = 0;
  private framesReceived = 0;
  private closeError: Error | null = null;
  private reauthTimer: NodeJS.Timeout | null = null;
  /** Set while a re-authentication runs: requests made meanwhile wait here. */
  private held: HeldRequests | null = null;
  /** Requests wait here while their API's codec loads, keeping their order. */
  private readonly codecs = new CodecGate();
  private readonly closeListeners: ((err: Error | null) => void)[] = [];
  private readonly uncork = () => {
    this.corked = false;
    this.socket?.uncork();
  };
  private readonly stats: BrokerRequestStats;

  constructor(readonly config: ConnectionConfig) {
    // Large response frames are malloc'ed and freed one by one: from the first of them on, keep their
    // memory (see malloc-thresholds.ts). The environment is checked here, so a bad value fails at once.
    const tuneMalloc = config.tuneMalloc !== false && mallocTuningAllowed();
    this.frames = new FrameReader(config.maxResponseBytes, this.onFrame, {
      onProgress: this.onFrameProgress,
      firstLargeFrame: tuneMalloc
        ? { bytes: MALLOC_TUNING_FRAME_BYTES, onFirst: raiseMallocThresholds }
        : undefined,
    });
    this.stats =
      config.stats ??
      new RequestMetrics({ type: 'admin', clientId: config.clientId }).broker(-1, config.host, config.port);
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
    const { connectionTimeoutMs, authenticationTimeoutMs = 10_000, label } = this.config;
    let deadline = setTimeout(() => {
      this.close(
        new KafkaTimeoutError(
          `Connecting to ${label} took longer than connectionTimeoutMs=${connectionTimeoutMs}; check ` +
            'that the broker is up and reachable and that ssl/sasl match its listener',
        ),
      );
    }, connectionTimeoutMs);
    try {
      await this.openSocket();
      if ((this.state as ConnectionState) === 'closed')
        throw this.closeError ?? new ConnectionError(label, 'closed');
      await this.negotiateApiVersions();
      let session: SaslSession | null = null;
      if (this.config.sasl) {
        clearTimeout(deadline);
        deadline = setTimeout(() => {
          this.close(
            new KafkaTimeoutError(
              `SASL authentication with ${label} took longer than authenticationTimeoutMs=${authenticationTimeoutMs}; ` +
                'check the mechanism and that this is a SASL listener',
            ),
          );
        }, authenticationTimeoutMs);
        session = await authenticate(this, this.config.sasl, label, this.config.logger);
      }
      if ((this.state as ConnectionState) === 'closed')
        throw this.closeError ?? new ConnectionError(label, 'closed');
      this.state = 'ready';
      this.config.logger.debug('connected', {
        broker: label,
        ...(session && { sessionLifetimeMs: session.sessionLifetimeMs }),
      });
      if (session) this.scheduleReauthentication(session);
    } catch (err) {
      clearTimeout(deadline);
      let error =
        this.closeError ??
        (err instanceof SamsaError
          ? err
          : new ConnectionError(label, (err as Error).message, { cause: err }));
      error = (await this.identifyPeer(err, error)) ?? error;
      this.close(error);
      throw error;
    } finally {
      clearTimeout(deadline);
    }
  }

  /** Opens the socket (through `socketFactory` when there is one) and resolves once it is connected. */
  private openSocket(): Promise<void> {
    const { host, port, ssl, socketFactory } = this.config;
    return new Promise<void>((resolve, reject) => {
      let socket: net.Socket;
      const onConnected = () => {
        this.socketConnected = true;
        socket.off('error', onConnectError);
        socket.on('error', (err) =>
          this.close(
            tlsAlertError(err, this.config.label) ??
              new ConnectionError(this.config.label, err.message, { cause: err }),
          ),
        );
        resolve();
      };
      const onConnectError = (err: Error & { code?: string }) => reject(err);
      if (socketFactory) {
        socket = socketFactory({ host, port, ssl: ssl ?? undefined, onConnect: onConnected });
        // A user's socket was not opened with `onread`: its bytes come as 'data' events.
        socket.on('data', (chunk: Buffer) => this.onData(chunk));
      } else {
        // Reads go straight into the frame reader's buffers (no 'data' events, see FrameReader).
        // tls.connect takes `onread` as net.connect does (its types leave it out).
        const onread: net.OnReadOpts = { buffer: this.nextReadBuffer, callback: this.onRead };
        socket = ssl
          ? tls.connect({
              host,
              port,
              servername: net.isIP(host) ? undefined : host,
              ...ssl,
              ...({ onread } as tls.ConnectionOptions),
            })
          : net.connect({ host, port, onread });
        socket.once(ssl ? 'secureConnect' : 'connect', onConnected);
      }
      this.socket = socket;
      socket.setNoDelay(true);
      socket.setKeepAlive(true, 60_000);
      socket.once('error', onConnectError);
      socket.on('close', () => this.close(null));
    });
  }

  /**
   * When setting up failed because the peer is not what `brokers` and `ssl` promised (an HTTP server, a TLS
   * listener without ssl, a plaintext listener with ssl), the error that says so; otherwise a clearer TLS
   * error, or null to keep `error`.
   */
  private async identifyPeer(raw: unknown, error: Error): Promise<Error | null> {
    if (error instanceof UnexpectedPeerError) return null;
    const { host, port, ssl, clientId, connectionTimeoutMs, label } = this.config;
    const code = (raw as { code?: string })?.code ?? '';
    if (ssl && !this.socketConnected) {
      // The TLS handshake failed: is the peer a plaintext Kafka listener, or does it not speak TLS at all?
      const notTls = code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG';
      const droppedHandshake =
        code === 'ECONNRESET' || /before secure TLS connection/.test((raw as Error)?.message);
      if (notTls || droppedHandshake) {
        if (await probeKafkaPlaintext(host, port, clientId, connectionTimeoutMs)) {
          return new UnexpectedPeerError(
            label,
            'plaintext-kafka',
            describePeer({
              kind: 'plaintext-kafka',
              evidence: 'it did not complete the TLS handshake, and answers Kafka requests without TLS',
            }),
            { cause: raw },
          );
        }
        if (notTls) {
          return new UnexpectedPeerError(
            label,
            'not-tls',
            describePeer({
              kind: 'not-tls',
              evidence: `it answered the TLS handshake with something else (${code})`,
            }),
            { cause: raw },
          );
        }
        return null;
      }
      // Certificate problems do not go away by retrying: report them as authentication failures.
      if (/CERT|TLS|SSL|SIGNATURE|ALTNAME/.test(code)) {
        return new AuthenticationError(
          `TLS handshake with ${label} failed: ${(raw as Error).message} (${code}). Check ssl.ca / ` +
            'ssl.servername, or the broker certificate.',
          { cause: raw },
        );
      }
      return null;
    }
    // Connected in plaintext, sent ApiVersions, and got not a byte back before the peer closed or time ran out:
    // a TLS listener does that with bytes it cannot read as a TLS record.
    if (!ssl && this.socketConnected && this.bytesReceived === 0 && !this.config.socketFactory) {
      if (await probeTls(host, port, connectionTimeoutMs)) {
        return new UnexpectedPeerError(
          label,
          'tls',
          describePeer({
            kind: 'tls',
            evidence:
              "it closed the connection without answering Samsa's first request, and it completes a TLS handshake",
          }),
          { cause: error },
        );
      }
    }
    return null;
  }

  private negotiateApiVersions(): Promise<void> {
    return negotiateApiVersions(
      (version, body) => this.requestInternal(ApiKey.ApiVersions, version, body, {}, true),
      this.config.label,
      this.brokerVersions,
    );
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
    return agreedVersion(apiKey, this.brokerVersions.get(apiKey), this.config.label);
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
    if (this.codecs.mustWait(apiKey))
      return this.codecs.defer(apiKey, () => this.sendNow(apiKey, version, body));
    return this.sendNow(apiKey, version, body);
  }

  private sendNow<K extends keyof RequestBodies>(
    apiKey: K,
    version: number,
    body: RequestBodies[K],
  ): Promise<void> {
    if (this.state !== 'ready') return Promise.reject(this.notReadyError());
    if (this.held)
      return this.held.hold(() => this.send(apiKey, version, body), undefined, `${apiName(apiKey)} request`);
    const correlationId = this.takeCorrelationId();
    const chunks = encodeRequest(apiKey, version, correlationId, this.config.clientId, body);
    const record: RequestRecord = {
      apiKey,
      version,
      correlationId,
      startedAt: performance.now(),
      createdAt: Date.now(),
      requestBytes: byteLength(chunks),
    };
    const trace = channels.request.hasSubscribers ? this.requestEvent(record, false) : null;
    this.stats.sent(record, this.inFlight);
    return new Promise<void>((resolve, reject) => {
      this.write(chunks, (err) => {
        const error = err ? new ConnectionError(this.config.label, err.message) : null;
        this.stats.settled(record, performance.now(), 0, error !== null);
        if (trace) settled(channels.request, trace, error ?? undefined);
        if (error) reject(error);
        else resolve();
      });
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
    if (this.codecs.mustWait(apiKey)) {
      return this.codecs.defer(apiKey, () => this.writeRequest(apiKey, version, body, options, raw));
    }
    return this.writeRequest(apiKey, version, body, options, raw);
  }

  private writeRequest(
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
    const createdAt = Date.now();
    return new Promise((resolve, reject) => {
      const p: Pending = {
        correlationId,
        apiKey,
        version,
        startedAt: performance.now(),
        createdAt,
        requestBytes: byteLength(chunks),
        deadline: createdAt + timeoutMs,
        timeoutMs,
        raw,
        settled: false,
        resolve,
        reject,
        signal,
        onAbort: undefined,
        trace: null,
        scanBatchCrcs: options.scanBatchCrcs === true && apiKey === ApiKey.Fetch,
      };
      if (signal) {
        p.onAbort = () => {
          if (p.settled) return;
          p.settled = true;
          const err = new RequestAbortedError(`${apiName(apiKey)} request`, signal.reason);
          this.observeSettled(p, 0, err);
          reject(err);
        };
        signal.addEventListener('abort', p.onAbort, { once: true });
      }
      this.pending.push(p);
      this.ensureSweep(timeoutMs);
      if (channels.request.hasSubscribers) p.trace = this.requestEvent(p, true);
      this.stats.sent(p, this.inFlight);
      this.write(chunks);
    });
  }

  /** The samsa:request event of a request going out (only built when the channel has subscribers). */
  private requestEvent(r: RequestRecord, expectResponse: boolean): RequestEvent {
    const event: RequestEvent = {
      client: this.stats.owner.client,
      broker: this.stats.address,
      purpose: this.config.purpose ?? 'admin',
      apiKey: r.apiKey,
      apiName: apiName(r.apiKey),
      apiVersion: r.version,
      correlationId: r.correlationId,
      requestBytes: r.requestBytes,
      expectResponse,
    };
    started(channels.request, event);
    return event;
  }

  /** Counts a settled request and publishes its outcome (`error` null: answered with `body`). */
  private observeSettled(p: Pending, responseBytes: number, error: Error | null, body?: unknown): void {
    this.stats.settled(p, performance.now(), responseBytes, error !== null);
    const trace = p.trace;
    if (trace === null) return;
    trace.responseBytes = responseBytes;
    if (error === null) trace.result = body;
    settled(channels.request, trace, error ?? undefined);
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
    this.bytesReceived += nread;
    try {
      this.frames.onRead(nread);
    } catch (err) {
      this.badStream(err);
    }
    return true;
  };

  private onData(chunk: Buffer): void {
    if (this.state === 'closed') return;
    this.bytesReceived += chunk.length;
    try {
      this.frames.push(chunk);
    } catch (err) {
      this.badStream(err);
    }
  }

  /** The bytes do not frame as Kafka responses. Before the first response, say what answered instead. */
  private badStream(err: unknown): void {
    const peer = this.framesReceived === 0 ? identifyFromFirstBytes(this.frames.peek(120)) : null;
    this.close(
      peer !== null
        ? new UnexpectedPeerError(this.config.label, peer.kind, describePeer(peer), { cause: err })
        : new ConnectionError(this.config.label, `bad response stream: ${(err as Error).message}`, {
            cause: err,
          }),
    );
  }

  /** The large frame the scanner is following, and the scanner (null: nothing to scan in it). */
  private scannedFrame: Buffer | null = null;
  private scanner: FetchCrcScanner | null = null;

  /** Part of a large frame arrived: the answer to the oldest request, as responses come in order. */
  private readonly onFrameProgress = (frame: Buffer, filled: number): void => {
    if (frame !== this.scannedFrame) {
      this.scannedFrame = frame;
      const p = this.pendingHead < this.pending.length ? this.pending[this.pendingHead] : undefined;
      this.scanner = p?.scanBatchCrcs === true ? FetchCrcScanner.forVersion(p.version, frame) : null;
    }
    const scanner = this.scanner;
    if (scanner === null) return;
    scanner.advance(filled);
    if (scanner.stopped) this.scanner = null;
  };

  private readonly onFrame = (frame: Buffer): void => {
    if (frame === this.scannedFrame) {
      this.scannedFrame = null;
      this.scanner = null;
    }
    this.framesReceived++;
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
      this.observeSettled(p, frame.length, null, frame);
      p.resolve(frame);
      return;
    }
    let body: unknown;
    try {
      body = decodeResponse(p.apiKey as keyof ResponseBodies, p.version, frame).body;
    } catch (err) {
      this.observeSettled(p, frame.length, err as Error);
      p.reject(err as Error);
      return;
    }
    this.observeSettled(p, frame.length, null, body);
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
        this.observeSettled(p, 0, err);
        this.stats.timedOut(p);
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
      this.closeError instanceof ConnectionError ||
      this.closeError instanceof KafkaTimeoutError ||
      this.closeError instanceof UnexpectedPeerError
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
      this.observeSettled(p, 0, failure);
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

function byteLength(chunks: Buffer[]): number {
  let n = 0;
  for (const c of chunks) n += c.length;
  return n;
}

export function apiName(apiKey: number): string {
  return apiInfo.get(apiKey)?.name ?? `API ${apiKey}`;
}
