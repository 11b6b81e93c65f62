import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import type { CompatibilityLevel } from '../compatibility/levels.js';
import { type RegistryRequestEvent, registryChannels } from '../diagnostics/channels.js';
import { AccessControl, type BasicAuthUser, type Principal } from './auth/access-control.js';
import { loadAuthorizationFile } from './auth/authorization-file.js';
import { readAccess, requiredPermission } from './auth/route-access.js';
import { createKafkaStorage, type KafkaStorageOptions } from './kafka/storage.js';
import { RegistryOperationError } from './registry/errors.js';
import { Registry } from './registry/registry.js';
import { Errors, RestError, restErrorOf } from './rest-errors.js';
import { matchRoute } from './routes.js';
import { type LeaderElection, MemoryRegistryLog, type RegistryLog, SoloLeaderElection } from './store.js';

const V1 = 'application/vnd.schemaregistry.v1+json';
const GENERIC = 'application/vnd.schemaregistry+json';
const JSON_TYPE = 'application/json';
const PRODUCED = [V1, GENERIC, JSON_TYPE];
const CONSUMED = new Set([V1, GENERIC, JSON_TYPE, 'application/octet-stream']);

export type { BasicAuthUser } from './auth/access-control.js';

/** HTTPS: the server's certificate chain and key (PEM), as `https.createServer` takes them. */
export interface RegistryTlsOptions {
  cert: string | Buffer;
  key: string | Buffer;
  passphrase?: string;
  /**
   * CAs (PEM) to trust when forwarding a write to the leader over HTTPS, instead of Node's bundled ones: the CA
   * that signed the instances' certificates.
   */
  ca?: string | Buffer;
}

export interface RegistryServerOptions {
  /**
   * Durable storage in Kafka: a compacted single-partition `_schemas` topic, with the leader elected through a
   * Kafka group, as Confluent's registry does. Without it (and without `log`), state is in memory: not durable.
   */
  kafka?: KafkaStorageOptions;
  /** Where state lives (default: a new in-memory log, which is not durable). Not with `kafka`. */
  log?: RegistryLog;
  /** Who writes (default: this instance alone). Not with `kafka`. */
  election?: LeaderElection;
  /**
   * The URL other instances forward writes to. Default `http://<hostName>:<port>`, where the host name is `host`,
   * or the machine's host name when binding every interface (0.0.0.0, ::).
   */
  advertisedUrl?: string;
  /** Host name in the default advertised URL (Confluent's `host.name`). */
  hostName?: string;
  /** How long a write waits for an election in progress before answering 50004 (default 10 s). */
  leaderWaitMs?: number;
  host?: string;
  /** 0 picks a free port. Default 8081. */
  port?: number;
  /** Serve HTTPS with this certificate and key (default: plain HTTP). */
  tls?: RegistryTlsOptions;
  /** Require HTTP basic auth from these users; each may do everything. */
  basicAuth?: BasicAuthUser[];
  /**
   * Require HTTP basic auth from the users of this authorization file (Karapace's format: users with hashed
   * passwords, permissions per `Subject:` pattern and `Config:`), each limited to what its permissions allow.
   * Read at start; `reloadAuthorization()` reads it again.
   */
  authorizationFile?: string;
  /** Largest request body accepted, in bytes (default 16 MiB; 413 above). */
  maxBodyBytes?: number;
  defaultCompatibility?: CompatibilityLevel;
  /**
   * `error_code` of an incompatible registration: 40901 as Confluent 8.x answers, or 409 as Confluent up to 7.9 and
   * Karapace do (the HTTP status is 409 either way). Default 40901.
   */
  incompatibleErrorCode?: 409 | 40901;
  /** How long close() waits for in-flight requests before cutting connections (default 10 s). */
  shutdownTimeoutMs?: number;
  /** Timeout for forwarding a write to the leader (default 30 s). */
  forwardTimeoutMs?: number;
  logger?: (line: string) => void;
}

/** Chooses the response media type from Accept, as Jersey does with Confluent's qs weights (v1 preferred). */
function negotiate(accept: string | undefined): string | undefined {
  if (!accept) return V1;
  const offered = accept.split(',').map((part) => {
    const [type, ...params] = part.trim().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return { type: (type ?? '').trim().toLowerCase(), q: q ? Number(q.slice(2)) : 1 };
  });
  let best: { type: string; score: number } | undefined;
  PRODUCED.forEach((type, index) => {
    const serverQs = [1, 0.9, 0.5][index]!;
    for (const offer of offered) {
      const matches =
        offer.type === type ||
        offer.type === '*/*' ||
        (offer.type === 'application/*' && type.startsWith('application/'));
      if (matches && offer.q > 0) {
        const score = offer.q * serverQs;
        if (!best || score > best.score) best = { type, score };
      }
    }
  });
  return best?.type;
}

/** The Confluent-compatible registry over HTTP (node:http). */
export class RegistryServer {
  readonly registry: Registry;
  private readonly log: RegistryLog;
  /** Who writes; `isLeader()` and `leaderUrl()` say where writes go. */
  readonly election: LeaderElection;
  private readonly server: Server;
  private readonly maxBodyBytes: number;
  /** Undefined when no authentication is asked for. */
  private readonly access: AccessControl | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private closing = false;
  private started = false;

  constructor(private readonly options: RegistryServerOptions = {}) {
    if (options.kafka) {
      if (options.log || options.election) {
        throw new TypeError('Give either `kafka` or `log`/`election` to the registry server, not both');
      }
      const storage = createKafkaStorage(options.kafka, (line) => options.logger?.(line));
      this.log = storage.log;
      this.election = storage.election;
    } else {
      this.log = options.log ?? new MemoryRegistryLog();
      this.election = options.election ?? new SoloLeaderElection();
    }
    this.registry = new Registry(this.log, { defaultCompatibility: options.defaultCompatibility });
    this.maxBodyBytes = options.maxBodyBytes ?? 16 * 1024 * 1024;
    const basicAuth = options.basicAuth ?? [];
    this.access =
      basicAuth.length > 0 || options.authorizationFile !== undefined
        ? new AccessControl(basicAuth)
        : undefined;
    const listener = (request: IncomingMessage, response: ServerResponse) => {
      const answer = (event?: RegistryRequestEvent) =>
        this.handle(request, response, event).catch((error) => {
          options.logger?.(`request failed: ${(error as Error).stack ?? error}`);
          if (event) event.error = error;
          if (!response.headersSent) this.sendError(response, V1, Errors.storeError('Internal server error'));
          else response.destroy();
        });
      const done = registryChannels.request.hasSubscribers
        ? traceRequest(request, response, answer)
        : answer();
      this.inFlight.add(done);
      void done.finally(() => this.inFlight.delete(done));
    };
    const tls = options.tls;
    this.server = tls
      ? createHttpsServer({ cert: tls.cert, key: tls.key, passphrase: tls.passphrase }, listener)
      : createServer(listener);
    this.server.keepAliveTimeout = 5000;
  }

  /**
   * Replays the log, listens, then joins the election (listening first makes a port chosen by the OS known to
   * advertise; writes arriving before the first election wait for it). Resolves with the base URL.
   */
  async start(): Promise<string> {
    try {
      await this.reloadAuthorization();
      await this.registry.start();
      await new Promise<void>((resolve, reject) => {
        this.server.once('error', reject);
        this.server.listen(this.options.port ?? 8081, this.options.host ?? '127.0.0.1', () => {
          this.server.off('error', reject);
          resolve();
        });
      });
      this.started = true;
      await this.election.start(this.advertisedUrl);
    } catch (error) {
      await this.close().catch(() => {});
      throw error;
    }
    return this.url;
  }

  /**
   * Reads the authorization file again and applies it to the requests that follow (SIGHUP in `serve`). A file
   * that does not load throws AuthorizationFileError and leaves the rules in force unchanged. Resolves with the
   * file's warnings (entries that load but probably mean something else than intended).
   */
  async reloadAuthorization(): Promise<string[]> {
    const file = this.options.authorizationFile;
    if (file === undefined || !this.access) return [];
    const rules = await loadAuthorizationFile(file);
    this.access.replaceRules(rules);
    for (const warning of rules.warnings) this.options.logger?.(`authorization file ${file}: ${warning}`);
    return rules.warnings;
  }

  private get scheme(): 'http' | 'https' {
    return this.options.tls ? 'https' : 'http';
  }

  /** The URL this instance gives other instances (see `advertisedUrl` in the options). */
  get advertisedUrl(): string {
    if (this.options.advertisedUrl) return this.options.advertisedUrl;
    const address = this.server.address() as AddressInfo | null;
    if (!address) throw new Error('The registry server is not listening; call start() first');
    const bind = this.options.host ?? '127.0.0.1';
    const host =
      this.options.hostName ?? (bind === '0.0.0.0' || bind === '::' || bind === '' ? hostname() : bind);
    return `${this.scheme}://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  }

  get url(): string {
    const address = this.server.address() as AddressInfo | null;
    if (!address) throw new Error('The registry server is not listening; call start() first');
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `${this.scheme}://${host}:${address.port}`;
  }

  /** Stops accepting connections, lets in-flight requests finish (bounded), then closes the log and election. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (this.started) {
      const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
      this.server.closeIdleConnections();
      const timeout = this.options.shutdownTimeoutMs ?? 10_000;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...this.inFlight]),
        new Promise((resolve) => {
          timer = setTimeout(resolve, timeout);
        }),
      ]);
      clearTimeout(timer);
      this.server.closeAllConnections();
      await closed;
    }
    await this.election.close();
    await this.registry.close();
  }

  /** Answers one request; `event` (when traced) learns the matched route. */
  private async handle(
    request: IncomingMessage,
    response: ServerResponse,
    event?: RegistryRequestEvent,
  ): Promise<void> {
    const mediaType = negotiate(request.headers.accept);
    let principal: Principal | undefined;
    if (this.access) {
      const authenticated = await this.access.authenticate(request.headers.authorization);
      if (typeof authenticated === 'string') {
        response.setHeader('WWW-Authenticate', 'Basic realm="SchemaRegistry", charset="UTF-8"');
        this.sendError(response, mediaType ?? V1, Errors.unauthorized(authenticated));
        request.resume();
        return;
      }
      principal = authenticated;
    }
    try {
      if (!mediaType) throw Errors.notAcceptable();
      const url = new URL(request.url ?? '/', 'http://registry');
      let segments: string[];
      try {
        segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
      } catch {
        throw Errors.notFound();
      }
      const method = request.method ?? 'GET';
      const matched = matchRoute(method, segments);
      if ('error' in matched) {
        request.resume();
        throw matched.error === 'not-found' ? Errors.notFound() : Errors.methodNotAllowed();
      }
      if (event) event.route = matched.route.path;
      const needed = requiredPermission(matched.route, matched.params);
      if (principal && needed && !principal.may(needed.operation, needed.resource)) {
        request.resume();
        throw Errors.forbidden(principal.username, needed.operation, needed.resource);
      }
      const raw = await this.readBody(request);
      let body: unknown;
      if (method === 'POST' || method === 'PUT') {
        const contentType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        if (contentType !== '' && !CONSUMED.has(contentType)) throw Errors.unsupportedMediaType();
        if (raw.length > 0) {
          try {
            body = JSON.parse(raw.toString('utf8'));
          } catch (error) {
            throw Errors.badRequest(`Malformed JSON in the request body: ${(error as Error).message}`);
          }
        } else {
          body = {};
        }
      }
      if (matched.route.write && (await this.forwardUnlessLeader(request, response, raw, mediaType))) return;
      const result = await matched.route.handle(this.registry, {
        params: matched.params,
        query: url.searchParams,
        body,
        access: readAccess(principal),
      });
      const payload = result.body as { raw?: string } | unknown;
      const text =
        typeof payload === 'object' && payload !== null && 'raw' in payload && typeof payload.raw === 'string'
          ? payload.raw
          : JSON.stringify(payload);
      response.writeHead(result.status ?? 200, {
        'Content-Type': mediaType,
        'Content-Length': Buffer.byteLength(text),
      });
      response.end(text);
    } catch (error) {
      if (error instanceof RestError) {
        this.sendError(response, mediaType ?? V1, error);
      } else if (error instanceof RegistryOperationError) {
        this.sendError(
          response,
          mediaType ?? V1,
          restErrorOf(error, this.options.incompatibleErrorCode ?? 40901),
        );
      } else {
        this.options.logger?.(`unexpected error: ${(error as Error).stack ?? error}`);
        if (event) event.error = error;
        this.sendError(
          response,
          mediaType ?? V1,
          new RestError(500, 50001, 'Error in the backend data store'),
        );
      }
    }
  }

  private readBody(request: IncomingMessage): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const declared = Number(request.headers['content-length'] ?? 0);
      if (declared > this.maxBodyBytes) {
        request.resume();
        reject(Errors.payloadTooLarge(this.maxBodyBytes));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      let failed = false;
      request.on('data', (chunk: Buffer) => {
        if (failed) return;
        size += chunk.length;
        if (size > this.maxBodyBytes) {
          failed = true;
          reject(Errors.payloadTooLarge(this.maxBodyBytes));
          return;
        }
        chunks.push(chunk);
      });
      request.on('end', () => {
        if (!failed) resolve(Buffer.concat(chunks));
      });
      request.on('error', (error) => {
        if (!failed) reject(Errors.badRequest(`Could not read the request body: ${error.message}`));
      });
    });
  }

  /**
   * Sends a write to the leader unless this instance leads (then resolves false: handle it here). While an election
   * is in progress (an instance left and the group rebalances) the write waits for its result, up to
   * `leaderWaitMs`, rather than failing at once; a leader that refuses connections (it just went away) is given the
   * same time to be replaced.
   */
  private async forwardUnlessLeader(
    request: IncomingMessage,
    response: ServerResponse,
    body: Buffer,
    mediaType: string,
  ): Promise<boolean> {
    const election = this.election;
    const deadline = Date.now() + (this.options.leaderWaitMs ?? 10_000);
    for (;;) {
      if (election.isLeader()) return false;
      const leader = election.leaderUrl();
      if (leader === undefined) {
        if (!election.waitForLeader || Date.now() >= deadline) throw Errors.unknownLeader();
        await election.waitForLeader(deadline - Date.now());
        if (!election.isLeader() && election.leaderUrl() === undefined) throw Errors.unknownLeader();
        continue;
      }
      try {
        await this.forward(request, response, body, mediaType, leader);
        return true;
      } catch (error) {
        const refused = (error as { refused?: boolean }).refused === true;
        if (!refused || !election.waitForLeader || Date.now() >= deadline) throw error;
        await election.waitForLeader(deadline - Date.now(), leader);
        if (election.leaderUrl() === leader && !election.isLeader()) throw error;
      }
    }
  }

  /** Sends a write to the leader and relays its answer, as Confluent's followers do. */
  private async forward(
    request: IncomingMessage,
    response: ServerResponse,
    body: Buffer,
    mediaType: string,
    leader: string,
  ) {
    const headers: Record<string, string> = { Accept: mediaType };
    if (request.headers['content-type']) headers['Content-Type'] = request.headers['content-type'];
    if (request.headers.authorization) headers.Authorization = request.headers.authorization;
    let answer: { status: number; contentType: string | undefined; text: string };
    try {
      answer = await this.send(new URL(request.url ?? '/', leader), request.method ?? 'GET', headers, body);
    } catch (error) {
      const failure = Errors.forwardingFailed(
        `Error while forwarding the request to the leader at ${leader}: ${(error as Error).message}`,
      );
      // Refused: the request never reached the leader, so it is safe to send again once another one leads.
      const code = (error as NodeJS.ErrnoException).code;
      throw Object.assign(failure, { refused: code === 'ECONNREFUSED' });
    }
    const { text } = answer;
    // Read-your-writes on this instance too: wait (bounded) until the leader's write has reached our replica.
    if (answer.status >= 200 && answer.status < 300) await this.registry.catchUp().catch(() => {});
    response.writeHead(answer.status, {
      'Content-Type': answer.contentType ?? mediaType,
      'Content-Length': Buffer.byteLength(text),
    });
    response.end(text);
  }

  /** One request to another instance, over HTTPS trusting `tls.ca` when the leader's URL says https. */
  private send(
    url: URL,
    method: string,
    headers: Record<string, string>,
    body: Buffer,
  ): Promise<{ status: number; contentType: string | undefined; text: string }> {
    const timeoutMs = this.options.forwardTimeoutMs ?? 30_000;
    return new Promise((resolve, reject) => {
      const options = { method, headers, timeout: timeoutMs };
      const onAnswer = (incoming: IncomingMessage) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', reject);
        incoming.on('end', () =>
          resolve({
            status: incoming.statusCode ?? 500,
            contentType: incoming.headers['content-type'],
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      };
      const outgoing =
        url.protocol === 'https:'
          ? httpsRequest(url, { ...options, ca: this.options.tls?.ca }, onAnswer)
          : httpRequest(url, options, onAnswer);
      outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      outgoing.on('error', reject);
      outgoing.end(body.length > 0 ? body : undefined);
    });
  }

  private sendError(response: ServerResponse, mediaType: string, error: RestError): void {
    const text = JSON.stringify(error.toBody());
    response.writeHead(error.status, {
      'Content-Type': mediaType,
      'Content-Length': Buffer.byteLength(text),
    });
    response.end(text);
  }
}

/** One request on `samsa:registry:request`, settled once the response is answered (its status known). */
function traceRequest(
  request: IncomingMessage,
  response: ServerResponse,
  answer: (event: RegistryRequestEvent) => Promise<void>,
): Promise<void> {
  const event: RegistryRequestEvent = {
    method: request.method ?? 'GET',
    path: (request.url ?? '/').split('?')[0]!,
    headers: request.headers,
  };
  return registryChannels.request.tracePromise(async () => {
    await answer(event);
    event.status = response.statusCode;
  }, event);
}

/** Creates and starts a registry server; resolves once it listens. */
export async function startRegistryServer(options: RegistryServerOptions = {}): Promise<RegistryServer> {
  const server = new RegistryServer(options);
  await server.start();
  return server;
}
