/**
 * A fake Kafka broker on 127.0.0.1 for what @samsa/broker-dev cannot stage: TLS (optionally asking for
 * client certificates) and SASL handshakes (PLAIN, SCRAM-SHA-256/512, OAUTHBEARER, and custom
 * mechanisms), KIP-368 session lifetimes with re-authentication (expired sessions closed as Kafka
 * does), a re-authentication held until released, advertised versions capped like an old broker's (KIP-511's ApiVersions
 * fallback), produce requests held in flight until released, produce responses lost after the records
 * were written, and a record of every request's batches. It serves ApiVersions, Metadata, Produce and
 * InitProducerId (with Kafka's sequence checks), nothing else. Tests that only need faults broker-dev's
 * control API offers (errors, latency, dropped connections, leader moves) run against broker-dev.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import {
  type AlterUserScramCredentialsRequest,
  type AlterUserScramCredentialsResponse,
  ApiKey,
  type ApiVersionsResponse,
  apiCodecs,
  type DescribeUserScramCredentialsRequest,
  type DescribeUserScramCredentialsResponse,
  decodeRecords,
  decodeRequest,
  ErrorCode,
  encodeResponse,
  FrameSplitter,
  iterateRecordBatches,
  type KafkaRecord,
  type MetadataRequest,
  type MetadataResponse,
  type ProduceRequest,
  type ProduceResponse,
  type ResponseBodies,
  readBatchHeader,
  type SaslAuthenticateRequest,
  type SaslAuthenticateResponse,
  type SaslHandshakeRequest,
  ScramMechanism,
} from '@samsa/protocol';

export interface FakeBrokerOptions {
  brokers?: number;
  /** Topics and their partition counts; partition p is led by broker (p % brokers) + 1. */
  topics?: Record<string, number>;
  /** Caps advertised max versions per API key (e.g. { [ApiKey.ApiVersions]: 2 } like the librdkafka mock). */
  maxVersions?: Record<number, number>;
  /** Serve TLS with this key/cert; with `ca` and `requestCert`, ask for (and verify) client certificates. */
  tls?: tls.TlsOptions & { key: Buffer; cert: Buffer };
  /** Require SASL (PLAIN / SCRAM-SHA-256 / SCRAM-SHA-512) with these users before anything else. */
  saslUsers?: Record<string, string>;
  /** Require SASL OAUTHBEARER: token value -> principal. A JWT's `exp` bounds the session lifetime. */
  oauthTokens?: Record<string, string>;
  /** More SASL mechanisms: name -> one step (auth bytes in; reply bytes out, `done` once authenticated). */
  customMechanisms?: Record<string, (authBytes: Buffer) => { reply: Buffer; principal?: string }>;
  /** Session lifetime granted by SaslAuthenticate v1+ (KIP-368); requests after it ends close the connection. */
  sessionLifetimeMs?: number;
}

interface StoredScramCredential {
  salt: Buffer;
  iterations: number;
  saltedPassword: Buffer;
}

/** One finished SASL authentication, in order. */
export interface Authentication {
  connection: number;
  mechanism: string;
  principal: string;
  /** Whether it re-authenticated a connection that was already authenticated (KIP-368). */
  reauthentication: boolean;
  /** OAUTHBEARER: the token and extensions the client sent. */
  token?: string;
  extensions?: Record<string, string>;
}

export interface ProducedBatch {
  topic: string;
  partition: number;
  count: number;
  bytes: number;
}

interface Session {
  connection: number;
  authenticated: boolean;
  /** A SaslHandshake on an authenticated session starts a re-authentication. */
  reauthenticating: boolean;
  mechanism: string;
  scram: ScramServer | null;
  /** OAUTHBEARER: the error challenge was sent; the next message is the client's ^A. */
  oauthRejected: boolean;
  expiresAt: number;
}

/** Server side of SCRAM (RFC 5802): salts the password on the fly and checks the client's proof. */
class ScramServer {
  private clientFirstBare = '';
  private serverFirst = '';
  private nonce = '';
  private salted: Buffer | null = null;
  done = false;
  user = '';
  constructor(
    private readonly hash: 'sha256' | 'sha512',
    private readonly users: Record<string, string>,
    /** Credentials stored through AlterUserScramCredentials: they win over `users`. */
    private readonly stored: Map<string, StoredScramCredential>,
  ) {}

  /** Returns the reply, or throws on authentication failure. */
  step(message: string): string {
    if (!this.clientFirstBare) {
      this.clientFirstBare = message.replace(/^n,,/, '');
      const attrs = Object.fromEntries(this.clientFirstBare.split(',').map((p) => [p[0], p.slice(2)]));
      const user = attrs.n.replace(/=2C/g, ',').replace(/=3D/g, '=');
      this.user = user;
      const credential = this.stored.get(`${user}\0${this.hash}`);
      const password = this.users[user];
      let salt: Buffer;
      let iterations = 4096;
      if (credential) {
        ({ salt, iterations } = credential);
        this.salted = credential.saltedPassword;
      } else {
        if (password === undefined) throw new Error('unknown user');
        salt = randomBytes(16);
        this.salted = pbkdf2Sync(password, salt, 4096, this.hash === 'sha256' ? 32 : 64, this.hash);
      }
      this.nonce = `${attrs.r}${randomBytes(12).toString('base64')}`;
      this.serverFirst = `r=${this.nonce},s=${salt.toString('base64')},i=${iterations}`;
      return this.serverFirst;
    }
    const withoutProof = message.slice(0, message.lastIndexOf(',p='));
    const proof = Buffer.from(message.slice(message.lastIndexOf(',p=') + 3), 'base64');
    if (!withoutProof.endsWith(`r=${this.nonce}`)) throw new Error('nonce mismatch');
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const clientKey = createHmac(this.hash, this.salted!).update('Client Key').digest();
    const storedKey = createHash(this.hash).update(clientKey).digest();
    const signature = createHmac(this.hash, storedKey).update(authMessage).digest();
    const recovered = Buffer.alloc(proof.length);
    for (let i = 0; i < proof.length; i++) recovered[i] = proof[i] ^ signature[i];
    if (!createHash(this.hash).update(recovered).digest().equals(storedKey)) throw new Error('bad proof');
    const serverKey = createHmac(this.hash, this.salted!).update('Server Key').digest();
    this.done = true;
    return `v=${createHmac(this.hash, serverKey).update(authMessage).digest('base64')}`;
  }
}

export class FakeBroker {
  private readonly servers: net.Server[] = [];
  readonly ports: number[] = [];
  private readonly sockets = new Set<net.Socket>();
  private readonly partitionCounts = new Map<string, number>();
  private readonly logs = new Map<string, KafkaRecord[][]>();
  readonly requests: { nodeId: number; apiKey: number; version: number; connection: number }[] = [];
  /** Every request as it arrives (before any held request ahead of it is answered). */
  readonly received: { connection: number; apiKey: number }[] = [];
  readonly authentications: Authentication[] = [];
  /** Connections accepted so far; each session's `connection` is its number. */
  connectionsAccepted = 0;
  /** Client certificate subjects (CN) of TLS connections that presented one. */
  readonly clientCertificates: string[] = [];
  /** While set, a re-authenticating SaslHandshake is held (not answered) until releaseReauthentication(). */
  holdReauthentication = false;
  private heldReauthentications: (() => void)[] = [];
  /** Every Produce request: its batches, in arrival order. */
  readonly produced: { nodeId: number; batches: ProducedBatch[] }[] = [];
  /** Produce requests are held (not handled) while set, until releaseHeld(). */
  holdProduce = false;
  private held: (() => void)[] = [];
  private lostProduceResponses = 0;
  /** Idempotence: the next expected sequence per `producerId/topic/partition`. */
  private readonly sequences = new Map<string, number>();
  private readonly producerIds = new Set<bigint>();
  private nextProducerId = 1000n;
  /** SCRAM credentials set through AlterUserScramCredentials, by `user NUL sha256|sha512`. */
  readonly scramCredentials = new Map<string, StoredScramCredential>();

  constructor(readonly options: FakeBrokerOptions = {}) {
    for (const [topic, partitions] of Object.entries(options.topics ?? {})) {
      this.partitionCounts.set(topic, partitions);
      this.logs.set(
        topic,
        Array.from({ length: partitions }, () => []),
      );
    }
  }

  get bootstrap(): string[] {
    return this.ports.map((p) => `127.0.0.1:${p}`);
  }

  async start(): Promise<this> {
    for (let nodeId = 1; nodeId <= (this.options.brokers ?? 1); nodeId++) {
      const serve = (socket: net.Socket) => this.serve(nodeId, socket);
      const server = this.options.tls ? tls.createServer(this.options.tls, serve) : net.createServer(serve);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      this.servers.push(server);
      this.ports.push((server.address() as net.AddressInfo).port);
    }
    return this;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await Promise.all(this.servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }

  /** Answers held re-authentications and stops holding new ones. */
  releaseReauthentication(): void {
    this.holdReauthentication = false;
    for (const release of this.heldReauthentications.splice(0)) release();
  }

  /** Answers held produce requests and stops holding new ones. */
  releaseHeld(): void {
    this.holdProduce = false;
    for (const release of this.held.splice(0)) release();
  }

  /** Writes the records of the next `count` produce requests but closes the connection instead of answering. */
  loseProduceResponses(count: number): void {
    this.lostProduceResponses += count;
  }

  /** The records stored in a partition, in offset order. */
  records(topic: string, partition: number): KafkaRecord[] {
    return this.logs.get(topic)?.[partition] ?? [];
  }

  private leaderOf(partition: number): number {
    return (partition % this.ports.length) + 1;
  }

  private serve(nodeId: number, socket: net.Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => {});
    if (socket instanceof tls.TLSSocket) {
      const subject = socket.getPeerCertificate()?.subject?.CN;
      if (subject) this.clientCertificates.push(String(subject));
    }
    const splitter = new FrameSplitter();
    const saslRequired = Boolean(
      this.options.saslUsers || this.options.oauthTokens || this.options.customMechanisms,
    );
    const session: Session = {
      connection: ++this.connectionsAccepted,
      authenticated: !saslRequired,
      reauthenticating: false,
      mechanism: '',
      scram: null,
      oauthRejected: false,
      expiresAt: Number.POSITIVE_INFINITY,
    };
    // Answer strictly in order even while a produce request is held.
    let chain: Promise<void> = Promise.resolve();
    socket.on('data', (chunk) => {
      splitter.push(chunk, (frame) => {
        const copy = Buffer.from(frame);
        this.received.push({ connection: session.connection, apiKey: copy.readInt16BE(0) });
        chain = chain.then(() => this.handle(nodeId, socket, copy, session));
      });
    });
  }

  private async handle(nodeId: number, socket: net.Socket, frame: Buffer, session: Session): Promise<void> {
    const { header, body } = decodeRequest(frame);
    const { apiKey, apiVersion, correlationId } = header;
    this.requests.push({ nodeId, apiKey, version: apiVersion, connection: session.connection });
    const reply = <K extends keyof ResponseBodies>(
      key: K,
      response: ResponseBodies[K],
      version = apiVersion,
    ) => {
      for (const chunk of encodeResponse(key, version, correlationId, response)) socket.write(chunk);
    };
    const saslApi = apiKey === ApiKey.SaslHandshake || apiKey === ApiKey.SaslAuthenticate;
    if (!session.authenticated && !saslApi && apiKey !== ApiKey.ApiVersions) {
      socket.destroy(); // Kafka closes unauthenticated connections that skip SASL
      return;
    }
    if (!saslApi && Date.now() > session.expiresAt) {
      socket.destroy(); // KIP-368: Kafka closes a connection whose session expired without re-authentication
      return;
    }
    switch (apiKey) {
      case ApiKey.ApiVersions:
        this.apiVersions(apiVersion, reply);
        return;
      case ApiKey.SaslHandshake: {
        if (session.authenticated) {
          session.reauthenticating = true;
          if (this.holdReauthentication)
            await new Promise<void>((release) => this.heldReauthentications.push(release));
          if (socket.destroyed) return;
        }
        session.mechanism = (body as SaslHandshakeRequest).mechanism;
        session.scram = null;
        session.oauthRejected = false;
        const offered = this.mechanisms().includes(session.mechanism);
        reply(ApiKey.SaslHandshake, {
          errorCode: offered ? ErrorCode.NONE : ErrorCode.UNSUPPORTED_SASL_MECHANISM,
          mechanisms: this.mechanisms(),
        });
        return;
      }
      case ApiKey.SaslAuthenticate:
        reply(
          ApiKey.SaslAuthenticate,
          this.authenticate(session, (body as SaslAuthenticateRequest).authBytes),
        );
        return;
      case ApiKey.Metadata:
        reply(ApiKey.Metadata, this.metadata(body as MetadataRequest));
        return;
      case ApiKey.InitProducerId: {
        const producerId = this.nextProducerId++;
        this.producerIds.add(producerId);
        reply(ApiKey.InitProducerId, {
          throttleTimeMs: 0,
          errorCode: ErrorCode.NONE,
          producerId,
          producerEpoch: 0,
        });
        return;
      }
      case ApiKey.Produce: {
        if (this.holdProduce) await new Promise<void>((release) => this.held.push(release));
        if (socket.destroyed) return;
        const request = body as ProduceRequest;
        const response = this.produce(nodeId, request);
        if (this.lostProduceResponses > 0) {
          this.lostProduceResponses--;
          socket.destroy();
        } else if (request.acks !== 0) {
          reply(ApiKey.Produce, response);
        }
        return;
      }
      case ApiKey.DescribeUserScramCredentials:
        reply(
          ApiKey.DescribeUserScramCredentials,
          this.describeScram(body as DescribeUserScramCredentialsRequest),
        );
        return;
      case ApiKey.AlterUserScramCredentials:
        reply(ApiKey.AlterUserScramCredentials, this.alterScram(body as AlterUserScramCredentialsRequest));
        return;
      default:
        socket.destroy(); // not an API this fake serves
    }
  }

  private apiVersions(
    version: number,
    reply: <K extends keyof ResponseBodies>(key: K, response: ResponseBodies[K], version?: number) => void,
  ): void {
    const cap = this.options.maxVersions ?? {};
    const ownMax = cap[ApiKey.ApiVersions];
    if (ownMax !== undefined && version > ownMax) {
      // KIP-511: a version the broker does not know gets UNSUPPORTED_VERSION in the v0 format, with its range.
      reply(
        ApiKey.ApiVersions,
        {
          errorCode: ErrorCode.UNSUPPORTED_VERSION,
          apiKeys: [{ apiKey: ApiKey.ApiVersions, minVersion: 0, maxVersion: ownMax }],
        } as ApiVersionsResponse,
        0,
      );
      return;
    }
    reply(ApiKey.ApiVersions, {
      errorCode: ErrorCode.NONE,
      apiKeys: [...apiCodecs.values()].map((c) => ({
        apiKey: c.apiKey,
        minVersion: c.request.minVersion,
        maxVersion: Math.min(c.request.maxVersion, cap[c.apiKey] ?? Number.POSITIVE_INFINITY),
      })),
      throttleTimeMs: 0,
      supportedFeatures: [],
      finalizedFeaturesEpoch: -1n,
      finalizedFeatures: [],
      zkMigrationReady: false,
    });
  }

  private mechanisms(): string[] {
    return [
      ...(this.options.saslUsers ? ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] : []),
      ...(this.options.oauthTokens ? ['OAUTHBEARER'] : []),
      ...Object.keys(this.options.customMechanisms ?? {}),
    ];
  }

  private authenticate(session: Session, authBytes: Buffer): SaslAuthenticateResponse {
    const message = authBytes.toString('utf8');
    try {
      let reply: Buffer = Buffer.alloc(0);
      let done: Authentication | null = null;
      let lifetimeMs = this.options.sessionLifetimeMs ?? 0;
      const finished = (principal: string, extra: Partial<Authentication> = {}): Authentication => ({
        connection: session.connection,
        mechanism: session.mechanism,
        principal,
        reauthentication: session.reauthenticating,
        ...extra,
      });
      const custom = this.options.customMechanisms?.[session.mechanism];
      if (custom) {
        const step = custom(authBytes);
        reply = step.reply;
        if (step.principal !== undefined) done = finished(step.principal);
      } else if (session.mechanism === 'PLAIN') {
        const [, user, password] = message.split('\0');
        if (this.options.saslUsers?.[user] !== password) throw new Error('bad password');
        done = finished(user);
      } else if (session.mechanism === 'OAUTHBEARER') {
        if (session.oauthRejected) throw new Error('invalid_token');
        const parsed = parseOauthbearer(message);
        const principal = this.options.oauthTokens?.[parsed.token];
        const expiry = jwtExpiry(parsed.token);
        if (principal === undefined || (expiry !== undefined && expiry <= Date.now())) {
          // RFC 7628 3.2.2: an error challenge first; the client answers ^A, then the exchange fails.
          session.oauthRejected = true;
          return {
            errorCode: ErrorCode.NONE,
            errorMessage: null,
            authBytes: Buffer.from('{"status":"invalid_token"}'),
            sessionLifetimeMs: 0n,
          };
        }
        if (expiry !== undefined) {
          const untilExpiry = expiry - Date.now();
          lifetimeMs = lifetimeMs > 0 ? Math.min(lifetimeMs, untilExpiry) : untilExpiry;
        }
        done = finished(principal, { token: parsed.token, extensions: parsed.extensions });
      } else {
        session.scram ??= new ScramServer(
          session.mechanism === 'SCRAM-SHA-256' ? 'sha256' : 'sha512',
          this.options.saslUsers ?? {},
          this.scramCredentials,
        );
        reply = Buffer.from(session.scram.step(message));
        if (session.scram.done) done = finished(session.scram.user);
      }
      if (done) {
        this.authentications.push(done);
        session.authenticated = true;
        session.reauthenticating = false;
        session.expiresAt = lifetimeMs > 0 ? Date.now() + lifetimeMs : Number.POSITIVE_INFINITY;
      }
      return {
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        authBytes: reply,
        sessionLifetimeMs: BigInt(done ? lifetimeMs : 0),
      };
    } catch (err) {
      return {
        errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED,
        errorMessage: `Authentication failed: ${(err as Error).message}`,
        authBytes: Buffer.alloc(0),
        sessionLifetimeMs: 0n,
      };
    }
  }

  private describeScram(request: DescribeUserScramCredentialsRequest): DescribeUserScramCredentialsResponse {
    const users = new Map<string, { mechanism: number; iterations: number }[]>();
    for (const [key, credential] of this.scramCredentials) {
      const [user, hash] = key.split('\0');
      const list = users.get(user) ?? [];
      list.push({
        mechanism: hash === 'sha256' ? ScramMechanism.SCRAM_SHA_256 : ScramMechanism.SCRAM_SHA_512,
        iterations: credential.iterations,
      });
      users.set(user, list);
    }
    const wanted =
      request.users === null || request.users.length === 0
        ? [...users.keys()]
        : request.users.map((u) => u.name);
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      results: wanted.map((user) => ({
        user,
        errorCode: users.has(user) ? ErrorCode.NONE : ErrorCode.RESOURCE_NOT_FOUND,
        errorMessage: users.has(user) ? null : 'Attempt to describe a user credential that does not exist',
        credentialInfos: users.get(user) ?? [],
      })),
    };
  }

  /** Kafka's checks: known mechanism, 4096..16384 iterations; deleting a missing credential is an error. */
  private alterScram(request: AlterUserScramCredentialsRequest): AlterUserScramCredentialsResponse {
    const results = new Map<string, { errorCode: number; errorMessage: string | null }>();
    const hashOf = (mechanism: number) =>
      mechanism === ScramMechanism.SCRAM_SHA_256
        ? 'sha256'
        : mechanism === ScramMechanism.SCRAM_SHA_512
          ? 'sha512'
          : null;
    for (const d of request.deletions) {
      const key = `${d.name}\0${hashOf(d.mechanism)}`;
      if (!this.scramCredentials.delete(key)) {
        results.set(d.name, { errorCode: ErrorCode.RESOURCE_NOT_FOUND, errorMessage: 'no such credential' });
      } else if (!results.has(d.name)) results.set(d.name, { errorCode: ErrorCode.NONE, errorMessage: null });
    }
    for (const u of request.upsertions) {
      const hash = hashOf(u.mechanism);
      if (!hash || u.iterations < 4096 || u.iterations > 16384) {
        results.set(u.name, {
          errorCode: ErrorCode.UNACCEPTABLE_CREDENTIAL,
          errorMessage: 'bad mechanism or iterations',
        });
        continue;
      }
      this.scramCredentials.set(`${u.name}\0${hash}`, {
        salt: u.salt,
        iterations: u.iterations,
        saltedPassword: u.saltedPassword,
      });
      if (!results.has(u.name)) results.set(u.name, { errorCode: ErrorCode.NONE, errorMessage: null });
    }
    return { throttleTimeMs: 0, results: [...results].map(([user, r]) => ({ user, ...r })) };
  }

  private metadata(request: MetadataRequest): MetadataResponse {
    const names =
      request.topics === null || request.topics.length === 0
        ? [...this.partitionCounts.keys()]
        : request.topics.map((t) => t.name!);
    return {
      throttleTimeMs: 0,
      brokers: this.ports.map((port, i) => ({ nodeId: i + 1, host: '127.0.0.1', port, rack: null })),
      clusterId: 'fake',
      controllerId: 1,
      topics: names.map((name) => {
        const partitions = this.partitionCounts.get(name) ?? 0;
        return {
          errorCode: this.partitionCounts.has(name) ? ErrorCode.NONE : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          name,
          topicId: 'AAAAAAAAAAAAAAAAAAAAAA',
          isInternal: false,
          partitions: Array.from({ length: partitions }, (_, p) => ({
            errorCode: ErrorCode.NONE,
            partitionIndex: p,
            leaderId: this.leaderOf(p),
            leaderEpoch: 0,
            replicaNodes: [this.leaderOf(p)],
            isrNodes: [this.leaderOf(p)],
            offlineReplicas: [],
          })),
          topicAuthorizedOperations: 0,
        };
      }),
      clusterAuthorizedOperations: 0,
    };
  }

  private produce(nodeId: number, request: ProduceRequest): ProduceResponse {
    const batches = request.topicData.flatMap((t) =>
      t.partitionData.map((p) => {
        const records = p.records as Buffer;
        return {
          topic: t.name,
          partition: p.index,
          count: readBatchHeader(records).recordsCount,
          bytes: records.length,
        };
      }),
    );
    this.produced.push({ nodeId, batches });
    const responses = request.topicData.map((t) => ({
      name: t.name,
      partitionResponses: t.partitionData.map((p) => {
        const result = this.append(t.name, p.index, p.records as Buffer);
        return {
          index: p.index,
          errorCode: result.errorCode,
          baseOffset: result.baseOffset,
          logAppendTimeMs: -1n,
          logStartOffset: 0n,
          recordErrors: [],
          errorMessage: null,
        };
      }),
    }));
    return { responses, throttleTimeMs: 0 };
  }

  /** Appends a produced batch with Kafka's idempotence checks (one batch at a time, no 5-batch dedup window). */
  private append(topic: string, partition: number, batch: Buffer): { errorCode: number; baseOffset: bigint } {
    const log = this.logs.get(topic)?.[partition];
    if (!log) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, baseOffset: -1n };
    const header = readBatchHeader(batch);
    if (header.producerId >= 0n) {
      if (!this.producerIds.has(header.producerId))
        return { errorCode: ErrorCode.UNKNOWN_PRODUCER_ID, baseOffset: -1n };
      const key = `${header.producerId}/${topic}/${partition}`;
      const expected = this.sequences.get(key) ?? 0;
      if (header.baseSequence < expected)
        return { errorCode: ErrorCode.DUPLICATE_SEQUENCE_NUMBER, baseOffset: -1n };
      if (header.baseSequence > expected)
        return { errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, baseOffset: -1n };
      this.sequences.set(key, expected + header.recordsCount);
    }
    const baseOffset = BigInt(log.length);
    for (const view of iterateRecordBatches(batch)) {
      for (const record of decodeRecords(view)) log.push({ ...record, offset: BigInt(log.length) });
    }
    return { errorCode: ErrorCode.NONE, baseOffset };
  }
}

/** Kafka's reading of an OAUTHBEARER client message: `n,[a=..],` ^A `auth=Bearer t` ^A [k=v ^A]... ^A. */
function parseOauthbearer(message: string): { token: string; extensions: Record<string, string> } {
  const [gs2, ...rest] = message.split('\x01');
  if (!/^n,(a=[^,]*)?,$/.test(gs2) || rest.length < 3 || rest.at(-1) !== '' || rest.at(-2) !== '') {
    throw new Error(`malformed OAUTHBEARER message ${JSON.stringify(message)}`);
  }
  const kvpairs = rest
    .slice(0, -2)
    .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]);
  const auth = kvpairs.find(([k]) => k === 'auth')?.[1] ?? '';
  if (!auth.startsWith('Bearer ')) throw new Error('no auth=Bearer');
  return {
    token: auth.slice('Bearer '.length),
    extensions: Object.fromEntries(kvpairs.filter(([k]) => k !== 'auth')),
  };
}

function jwtExpiry(token: string): number | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const exp = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')).exp;
  return typeof exp === 'number' ? exp * 1000 : undefined;
}

export function startFakeBroker(options: FakeBrokerOptions = {}): Promise<FakeBroker> {
  return new FakeBroker(options).start();
}
