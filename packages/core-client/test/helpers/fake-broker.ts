/**
 * A small in-process fake Kafka cluster on 127.0.0.1 for unit tests of the client's network and
 * producer logic: ApiVersions, Metadata, Produce (records kept per partition, offsets assigned),
 * FindCoordinator, ListOffsets. Faults: fail the next N requests of an API with an error code
 * (optionally for one partition), delay responses, drop connections, move partition leaders,
 * cap advertised versions. Not a broker: just enough protocol to drive the client.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import {
  apiCodecs,
  decodeRecords,
  decodeRequest,
  encodeResponse,
  FrameSplitter,
  iterateRecordBatches,
  type KafkaRecord,
  type ProduceRequest,
  type RequestBodies,
  type ResponseBodies,
} from '@samsa/protocol';

export interface StoredRecord extends KafkaRecord {
  partition: number;
}

interface Fault {
  apiKey: number;
  errorCode: number;
  remaining: number;
  topic?: string;
  partition?: number;
}

export interface FakeClusterOptions {
  brokers?: number;
  topics?: Record<string, number>;
  /** Cap advertised max versions per API key (e.g. { 18: 2, 3: 2 } like the librdkafka mock). */
  maxVersions?: Record<number, number>;
  autoCreatePartitions?: number;
  /** Serve TLS with this key/cert. */
  tls?: { key: Buffer; cert: Buffer };
  /** Require SASL (PLAIN / SCRAM-SHA-256 / SCRAM-SHA-512) with these users before anything else. */
  saslUsers?: Record<string, string>;
}

/** Server side of SCRAM (RFC 5802), for tests: stores salted credentials, checks the client proof. */
class ScramServer {
  private clientFirstBare = '';
  private serverFirst = '';
  private nonce = '';
  private salted: Buffer | null = null;
  done = false;
  constructor(
    private readonly hash: 'sha256' | 'sha512',
    private readonly users: Record<string, string>,
  ) {}

  /** Returns the reply, or throws on authentication failure. */
  step(message: string): string {
    if (!this.clientFirstBare) {
      this.clientFirstBare = message.replace(/^n,,/, '');
      const attrs = Object.fromEntries(this.clientFirstBare.split(',').map((p) => [p[0], p.slice(2)]));
      const user = attrs.n.replace(/=2C/g, ',').replace(/=3D/g, '=');
      const password = this.users[user];
      if (password === undefined) throw new Error('unknown user');
      const salt = randomBytes(16);
      this.salted = pbkdf2Sync(password, salt, 4096, this.hash === 'sha256' ? 32 : 64, this.hash);
      this.nonce = `${attrs.r}${randomBytes(12).toString('base64')}`;
      this.serverFirst = `r=${this.nonce},s=${salt.toString('base64')},i=4096`;
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

export class FakeCluster {
  readonly servers: net.Server[] = [];
  readonly ports: number[] = [];
  readonly sockets = new Set<net.Socket>();
  /** topic → partition → leader node id (1-based). */
  readonly leaders = new Map<string, number[]>();
  readonly leaderEpochs = new Map<string, number[]>();
  readonly logs = new Map<string, StoredRecord[][]>();
  readonly requests: { nodeId: number; apiKey: number; version: number }[] = [];
  /** Every Produce request: its batches (partition, record count, bytes), in arrival order. */
  readonly produced: {
    nodeId: number;
    batches: { topic: string; partition: number; count: number; bytes: number }[];
  }[] = [];
  /** Answer MESSAGE_TOO_LARGE for batches larger than this (a topic's max.message.bytes). */
  maxMessageBytes = Number.POSITIVE_INFINITY;
  private faults: Fault[] = [];
  delayMs = 0;
  /** Close the connection instead of answering the next N requests of this API. */
  private drops = new Map<number, number>();
  /** Idempotence: next expected sequence per `producerId/topic/partition`, and producer ids handed out. */
  readonly sequences = new Map<string, number>();
  nextProducerId = 1000n;
  /** Forget producer state (as a broker whose state expired), so the next sequenced batch is rejected. */
  forgetProducers(): void {
    this.sequences.clear();
    this.knownProducers.clear();
  }
  private readonly knownProducers = new Set<bigint>();
  /** Produce requests being held (not answered) while set. */
  holdProduce = false;
  private held: (() => void)[] = [];

  constructor(readonly options: FakeClusterOptions = {}) {}

  get bootstrap(): string[] {
    return this.ports.map((p) => `127.0.0.1:${p}`);
  }

  async start(): Promise<this> {
    const n = this.options.brokers ?? 1;
    for (let i = 0; i < n; i++) {
      const nodeId = i + 1;
      const server = this.options.tls
        ? tls.createServer({ key: this.options.tls.key, cert: this.options.tls.cert }, (socket) =>
            this.serve(nodeId, socket),
          )
        : net.createServer((socket) => this.serve(nodeId, socket));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      this.servers.push(server);
      this.ports.push((server.address() as net.AddressInfo).port);
    }
    for (const [topic, partitions] of Object.entries(this.options.topics ?? {}))
      this.createTopic(topic, partitions);
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await Promise.all(this.servers.map((s) => new Promise((r) => s.close(r))));
  }

  createTopic(topic: string, partitions: number): void {
    const n = this.ports.length;
    this.leaders.set(
      topic,
      Array.from({ length: partitions }, (_, p) => (p % n) + 1),
    );
    this.leaderEpochs.set(topic, Array(partitions).fill(0));
    this.logs.set(
      topic,
      Array.from({ length: partitions }, () => []),
    );
  }

  moveLeader(topic: string, partition: number, nodeId: number): void {
    this.leaders.get(topic)![partition] = nodeId;
    this.leaderEpochs.get(topic)![partition]++;
  }

  failNext(
    apiKey: number,
    errorCode: number,
    count = 1,
    where: { topic?: string; partition?: number } = {},
  ): void {
    this.faults.push({ apiKey, errorCode, remaining: count, ...where });
  }

  /** Handle the next `count` requests of `apiKey` but close the connection instead of answering. */
  loseResponseNext(apiKey: number, count = 1): void {
    this.lostResponses.set(apiKey, (this.lostResponses.get(apiKey) ?? 0) + count);
  }
  private lostResponses = new Map<number, number>();

  dropNext(apiKey: number, count = 1): void {
    this.drops.set(apiKey, (this.drops.get(apiKey) ?? 0) + count);
  }

  releaseHeld(): void {
    this.holdProduce = false;
    for (const h of this.held.splice(0)) h();
  }

  dropAllConnections(): void {
    for (const s of this.sockets) s.destroy();
  }

  records(topic: string, partition: number): StoredRecord[] {
    return this.logs.get(topic)?.[partition] ?? [];
  }

  allRecords(topic: string): StoredRecord[] {
    return (this.logs.get(topic) ?? []).flat();
  }

  private serve(nodeId: number, socket: net.Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => {});
    const splitter = new FrameSplitter();
    const session = {
      authenticated: !this.options.saslUsers,
      mechanism: '',
      scram: null as ScramServer | null,
    };
    // Answer strictly in order even when some answers are delayed.
    let chain: Promise<void> = Promise.resolve();
    socket.on('data', (chunk) => {
      splitter.push(chunk, (frame) => {
        const copy = Buffer.from(frame);
        chain = chain.then(() => this.handle(nodeId, socket, copy, session));
      });
    });
  }

  private async handle(
    nodeId: number,
    socket: net.Socket,
    frame: Buffer,
    session: { authenticated: boolean; mechanism: string; scram: ScramServer | null },
  ): Promise<void> {
    const { header, body } = decodeRequest(frame);
    const { apiKey, apiVersion, correlationId } = header;
    this.requests.push({ nodeId, apiKey, version: apiVersion });
    if (!session.authenticated && apiKey !== 18 && apiKey !== 17 && apiKey !== 36) {
      socket.destroy(); // Kafka closes unauthenticated connections that skip SASL
      return;
    }
    if (apiKey === 17) {
      const mechanism = (body as RequestBodies[17]).mechanism;
      const offered = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'];
      session.mechanism = mechanism;
      for (const c of encodeResponse(17, apiVersion, correlationId, {
        errorCode: offered.includes(mechanism) ? 0 : 33,
        mechanisms: offered,
      })) {
        socket.write(c);
      }
      return;
    }
    if (apiKey === 36) {
      const bytes = (body as RequestBodies[36]).authBytes.toString('utf8');
      let reply = '';
      let errorCode = 0;
      try {
        if (session.mechanism === 'PLAIN') {
          const [, user, password] = bytes.split('\0');
          if (this.options.saslUsers?.[user] !== password) throw new Error('bad password');
          session.authenticated = true;
        } else {
          session.scram ??= new ScramServer(
            session.mechanism === 'SCRAM-SHA-256' ? 'sha256' : 'sha512',
            this.options.saslUsers ?? {},
          );
          reply = session.scram.step(bytes);
          session.authenticated = session.scram.done;
        }
      } catch (err) {
        errorCode = 58;
        reply = (err as Error).message;
      }
      for (const c of encodeResponse(36, apiVersion, correlationId, {
        errorCode,
        errorMessage: errorCode ? `Authentication failed: ${reply}` : null,
        authBytes: errorCode ? Buffer.alloc(0) : Buffer.from(reply),
        sessionLifetimeMs: 0n,
      })) {
        socket.write(c);
      }
      return;
    }
    const drop = this.drops.get(apiKey) ?? 0;
    if (drop > 0) {
      this.drops.set(apiKey, drop - 1);
      socket.destroy();
      return;
    }
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    if (apiKey === 0 && this.holdProduce) await new Promise<void>((r) => this.held.push(r));
    if (socket.destroyed) return;
    const reply = <K extends keyof ResponseBodies>(k: K, res: ResponseBodies[K]) => {
      const lost = this.lostResponses.get(k) ?? 0;
      if (lost > 0) {
        this.lostResponses.set(k, lost - 1);
        socket.destroy();
        return;
      }
      for (const c of encodeResponse(k, apiVersion, correlationId, res)) socket.write(c);
    };
    switch (apiKey) {
      case 18: {
        const cap = this.options.maxVersions?.[18];
        if (cap !== undefined && apiVersion > cap) {
          // KIP-511: answer in the v0 format with our ApiVersions range.
          for (const c of encodeResponse(18, 0, correlationId, {
            errorCode: 35,
            apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: cap }],
          })) {
            socket.write(c);
          }
          return;
        }
        reply(18, {
          errorCode: 0,
          apiKeys: [...apiCodecs.values()].map((c) => ({
            apiKey: c.apiKey,
            minVersion: c.request.minVersion,
            maxVersion: Math.min(c.request.maxVersion, this.options.maxVersions?.[c.apiKey] ?? 99),
          })),
          throttleTimeMs: 0,
          supportedFeatures: [],
          finalizedFeaturesEpoch: -1n,
          finalizedFeatures: [],
          zkMigrationReady: false,
        });
        return;
      }
      case 3:
        reply(3, this.metadata(body as RequestBodies[3]));
        return;
      case 0:
        this.produce(nodeId, body as ProduceRequest, (res) => {
          if ((body as ProduceRequest).acks !== 0) reply(0, res);
        });
        return;
      case 10: {
        const errorCode = this.takeFault(10) ?? 0;
        reply(10, {
          throttleTimeMs: 0,
          errorCode,
          errorMessage: null,
          nodeId: 1,
          host: '127.0.0.1',
          port: this.ports[0],
          coordinators: [
            {
              key: (body as RequestBodies[10]).coordinatorKeys?.[0] ?? '',
              nodeId: 1,
              host: '127.0.0.1',
              port: this.ports[0],
              errorCode,
              errorMessage: null,
            },
          ],
        });
        return;
      }
      case 22: {
        const producerId = this.nextProducerId++;
        this.knownProducers.add(producerId);
        reply(22, { throttleTimeMs: 0, errorCode: this.takeFault(22) ?? 0, producerId, producerEpoch: 0 });
        return;
      }
      case 2: {
        const req = body as RequestBodies[2];
        reply(2, {
          throttleTimeMs: 0,
          topics: req.topics.map((t) => ({
            name: t.name,
            partitions: t.partitions.map((p) => {
              const log = this.records(t.name, p.partitionIndex);
              const offset = p.timestamp === -2n ? 0n : BigInt(log.length);
              return {
                partitionIndex: p.partitionIndex,
                errorCode: 0,
                timestamp: -1n,
                offset,
                oldStyleOffsets: [offset],
                leaderEpoch: 0,
              };
            }),
          })),
        });
        return;
      }
      default:
        socket.destroy();
    }
  }

  private takeFault(apiKey: number, topic?: string, partition?: number): number | undefined {
    for (const f of this.faults) {
      if (f.apiKey !== apiKey || f.remaining <= 0) continue;
      if (f.topic !== undefined && f.topic !== topic) continue;
      if (f.partition !== undefined && f.partition !== partition) continue;
      f.remaining--;
      this.faults = this.faults.filter((x) => x.remaining > 0);
      return f.errorCode;
    }
    return undefined;
  }

  private metadata(req: RequestBodies[3]): ResponseBodies[3] {
    const names =
      req.topics === null || req.topics.length === 0
        ? [...this.leaders.keys()]
        : req.topics.map((t) => t.name!);
    return {
      throttleTimeMs: 0,
      brokers: this.ports.map((port, i) => ({ nodeId: i + 1, host: '127.0.0.1', port, rack: null })),
      clusterId: 'fake',
      controllerId: 1,
      topics: names.map((name) => {
        if (!this.leaders.has(name)) {
          if (this.options.autoCreatePartitions && req.allowAutoTopicCreation !== false) {
            this.createTopic(name, this.options.autoCreatePartitions);
          } else {
            return {
              errorCode: 3,
              name,
              topicId: 'AAAAAAAAAAAAAAAAAAAAAA',
              isInternal: false,
              partitions: [],
              topicAuthorizedOperations: 0,
            };
          }
        }
        const leaders = this.leaders.get(name)!;
        return {
          errorCode: 0,
          name,
          topicId: 'AAAAAAAAAAAAAAAAAAAAAA',
          isInternal: false,
          partitions: leaders.map((leader, p) => ({
            errorCode: 0,
            partitionIndex: p,
            leaderId: leader,
            leaderEpoch: this.leaderEpochs.get(name)![p],
            replicaNodes: [leader],
            isrNodes: [leader],
            offlineReplicas: [],
          })),
          topicAuthorizedOperations: 0,
        };
      }),
      clusterAuthorizedOperations: 0,
    };
  }

  private produce(nodeId: number, req: ProduceRequest, done: (res: ResponseBodies[0]) => void): void {
    this.produced.push({
      nodeId,
      batches: req.topicData.flatMap((t) =>
        t.partitionData.map((p) => {
          const records = p.records as Buffer;
          return { topic: t.name, partition: p.index, count: records.readInt32BE(57), bytes: records.length };
        }),
      ),
    });
    const responses = req.topicData.map((t) => ({
      name: t.name,
      partitionResponses: t.partitionData.map((p) => {
        const base = {
          index: p.index,
          baseOffset: -1n,
          logAppendTimeMs: -1n,
          logStartOffset: 0n,
          recordErrors: [],
          errorMessage: null,
        };
        const fault = this.takeFault(0, t.name, p.index);
        if (fault !== undefined) return { ...base, errorCode: fault };
        if ((p.records as Buffer).length > this.maxMessageBytes) return { ...base, errorCode: 10 }; // MESSAGE_TOO_LARGE
        const leaders = this.leaders.get(t.name);
        if (!leaders || leaders[p.index] === undefined) return { ...base, errorCode: 3 };
        if (leaders[p.index] !== nodeId) return { ...base, errorCode: 6 };
        const log = this.logs.get(t.name)![p.index];
        const baseOffset = BigInt(log.length);
        const records = p.records as Buffer;
        const producerId = records.readBigInt64BE(43);
        if (producerId >= 0n) {
          // Kafka's sequence check (simplified: one batch per partition, no 5-batch dedup window).
          if (!this.knownProducers.has(producerId)) return { ...base, errorCode: 59 }; // UNKNOWN_PRODUCER_ID
          const key = `${producerId}/${t.name}/${p.index}`;
          const expected = this.sequences.get(key) ?? 0;
          const seq = records.readInt32BE(53);
          const count = records.readInt32BE(57);
          if (seq < expected) return { ...base, errorCode: 46 }; // DUPLICATE_SEQUENCE_NUMBER
          if (seq > expected) return { ...base, errorCode: 45 }; // OUT_OF_ORDER_SEQUENCE_NUMBER
          this.sequences.set(key, seq + count);
        }
        for (const batch of iterateRecordBatches(records)) {
          for (const r of decodeRecords(batch)) {
            log.push({ ...r, offset: BigInt(log.length), partition: p.index });
          }
        }
        return { ...base, errorCode: 0, baseOffset };
      }),
    }));
    done({ responses, throttleTimeMs: 0 });
  }
}

export async function startFakeCluster(options: FakeClusterOptions = {}): Promise<FakeCluster> {
  return new FakeCluster(options).start();
}
