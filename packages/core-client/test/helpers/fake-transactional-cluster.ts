/**
 * A fake Kafka cluster on 127.0.0.1 with a transaction coordinator, for the transactional producer's
 * tests until @samsa/broker-dev has one: ApiVersions, Metadata, FindCoordinator, Produce with
 * Kafka's sequence and epoch checks per producer and partition (and INVALID_TXN_STATE for a
 * transactional batch to a partition its transaction did not add), InitProducerId (with and without
 * a transactional id, KIP-360 bumps), AddPartitionsToTxn, AddOffsetsToTxn, TxnOffsetCommit, EndTxn,
 * DescribeProducers, DescribeTransactions and ListTransactions. It remembers what each transaction
 * added and how it ended (which values committed, which aborted, which offsets became visible).
 * Faults: the next N answers of an API carry an error code; an API answered late.
 * Not a broker: no markers in the log, no LSO, one coordinator (node 1) for every key.
 */
import net from 'node:net';
import {
  ApiKey,
  apiCodecs,
  decodeRecords,
  decodeRequest,
  ErrorCode,
  encodeResponse,
  FrameSplitter,
  iterateRecordBatches,
  type ProduceRequest,
  type RequestBodies,
  type ResponseBodies,
  readBatchHeader,
} from '@samsa/protocol';

const {
  NONE,
  OUT_OF_ORDER_SEQUENCE_NUMBER,
  DUPLICATE_SEQUENCE_NUMBER,
  INVALID_PRODUCER_EPOCH,
  INVALID_TXN_STATE,
  INVALID_PRODUCER_ID_MAPPING,
  UNKNOWN_PRODUCER_ID,
  PRODUCER_FENCED,
} = ErrorCode;

export interface FakeTransaction {
  producerId: bigint;
  epoch: number;
  state: 'Empty' | 'Ongoing' | 'CompleteCommit' | 'CompleteAbort';
  partitions: Set<string>;
  groups: Set<string>;
  /** TxnOffsetCommit offsets waiting for the transaction's end: group → `topic/partition` → offset. */
  pendingOffsets: Map<string, Map<string, bigint>>;
}

export interface EndedTransaction {
  transactionalId: string;
  producerId: bigint;
  epoch: number;
  committed: boolean;
  partitions: string[];
  groups: string[];
}

/** Per-batch producer fields of one Produce partition entry. */
export interface ProducedBatchInfo {
  producerId: bigint;
  epoch: number;
  baseSequence: number;
  count: number;
  transactional: boolean;
}

export class FakeTransactions {
  /** Next sequence expected per `producerId/topic/partition` (absent: no state, like an expired producer). */
  readonly sequences = new Map<string, number>();
  readonly epochs = new Map<string, number>();
  nextProducerId = 1000n;
  readonly transactions = new Map<string, FakeTransaction>();
  readonly ended: EndedTransaction[] = [];
  /** Committed group offsets (plain commits are not modelled; transactional ones land here on COMMIT). */
  readonly groupOffsets = new Map<string, Map<string, bigint>>();
  /** Every TxnOffsetCommit as it arrived. */
  readonly txnOffsetCommits: RequestBodies[28][] = [];
  /** Every AddPartitionsToTxn's partitions, in order. */
  readonly addPartitionsRequests: string[][] = [];
  /** Values of records written in transactions, per producer id, until the transaction ends. */
  private readonly openValues = new Map<bigint, { topic: string; value: string | null }[]>();
  /** Values of records whose transaction committed / aborted, in commit order. */
  readonly committedValues: { topic: string; value: string | null }[] = [];
  readonly abortedValues: { topic: string; value: string | null }[] = [];

  /** First offset of each producer's open transaction per `producerId/topic/partition`. */
  readonly openTxnStart = new Map<string, bigint>();

  /** A transactional batch of `producerId` was appended at `baseOffset` (the fake broker calls this). */
  appended(
    producerId: bigint,
    topic: string,
    partition: number,
    baseOffset: bigint,
    values: (string | null)[],
  ): void {
    const key = `${producerId}/${topic}/${partition}`;
    if (!this.openTxnStart.has(key)) this.openTxnStart.set(key, baseOffset);
    let list = this.openValues.get(producerId);
    if (!list) {
      list = [];
      this.openValues.set(producerId, list);
    }
    for (const value of values) list.push({ topic, value });
  }

  /** Forget producer state (as a broker whose state expired), so the next sequenced batch is refused. */
  forgetProducers(): void {
    this.sequences.clear();
    this.epochs.clear();
  }

  /**
   * Kafka's checks of a sequenced batch (ProducerStateManager), pre-KIP-360 flavour for missing
   * state: no state accepts sequence 0 and refuses anything else with UNKNOWN_PRODUCER_ID.
   */
  checkBatch(topic: string, partition: number, b: ProducedBatchInfo): number | 'duplicate' {
    if (b.producerId < 0n) return NONE;
    const key = `${b.producerId}/${topic}/${partition}`;
    if (b.transactional) {
      const txn = [...this.transactions.values()].find((t) => t.producerId === b.producerId);
      if (txn?.state !== 'Ongoing' || !txn.partitions.has(`${topic}/${partition}`)) return INVALID_TXN_STATE;
      if (b.epoch < txn.epoch) return INVALID_PRODUCER_EPOCH;
    }
    const epoch = this.epochs.get(key);
    const expected = this.sequences.get(key);
    if (epoch === undefined || expected === undefined) {
      if (b.baseSequence !== 0) return UNKNOWN_PRODUCER_ID;
    } else if (b.epoch < epoch) {
      return INVALID_PRODUCER_EPOCH;
    } else if (b.epoch > epoch) {
      if (b.baseSequence !== 0) return OUT_OF_ORDER_SEQUENCE_NUMBER;
    } else if (b.baseSequence < expected) {
      return 'duplicate';
    } else if (b.baseSequence > expected) {
      return OUT_OF_ORDER_SEQUENCE_NUMBER;
    }
    this.epochs.set(key, b.epoch);
    this.sequences.set(key, b.baseSequence + b.count);
    return NONE;
  }

  initProducerId(req: RequestBodies[22], version: number): Omit<ResponseBodies[22], 'throttleTimeMs'> {
    const fail = (errorCode: number) => ({ errorCode, producerId: -1n, producerEpoch: -1 });
    if (req.transactionalId === null || req.transactionalId === undefined) {
      return { errorCode: NONE, producerId: this.nextProducerId++, producerEpoch: 0 };
    }
    const existing = this.transactions.get(req.transactionalId);
    if (!existing) {
      const txn: FakeTransaction = {
        producerId: this.nextProducerId++,
        epoch: 0,
        state: 'Empty',
        partitions: new Set(),
        groups: new Set(),
        pendingOffsets: new Map(),
      };
      this.transactions.set(req.transactionalId, txn);
      return { errorCode: NONE, producerId: txn.producerId, producerEpoch: 0 };
    }
    const bump = (req.producerId ?? -1n) >= 0n;
    if (bump && (req.producerId !== existing.producerId || req.producerEpoch !== existing.epoch)) {
      return fail(version >= 4 ? PRODUCER_FENCED : INVALID_PRODUCER_EPOCH);
    }
    // A new instance (or an epoch bump) aborts what the old epoch left open.
    if (existing.state === 'Ongoing') this.end(req.transactionalId, existing, false);
    existing.epoch++;
    existing.state = 'Empty';
    return { errorCode: NONE, producerId: existing.producerId, producerEpoch: existing.epoch };
  }

  /** The checks every transactional request makes of transactional id, producer id and epoch. */
  private check(id: string, producerId: bigint, epoch: number, version: number, fencedSince: number): number {
    const txn = this.transactions.get(id);
    if (!txn || txn.producerId !== producerId) return INVALID_PRODUCER_ID_MAPPING;
    if (epoch !== txn.epoch) return version >= fencedSince ? PRODUCER_FENCED : INVALID_PRODUCER_EPOCH;
    return NONE;
  }

  addPartitions(req: RequestBodies[24], version: number): ResponseBodies[24] {
    const id = req.v3AndBelowTransactionalId!;
    const code = this.check(id, req.v3AndBelowProducerId!, req.v3AndBelowProducerEpoch!, version, 2);
    const added: string[] = [];
    if (code === NONE) {
      const txn = this.transactions.get(id)!;
      txn.state = 'Ongoing';
      for (const t of req.v3AndBelowTopics ?? [])
        for (const p of t.partitions) txn.partitions.add(`${t.name}/${p}`);
    }
    for (const t of req.v3AndBelowTopics ?? []) for (const p of t.partitions) added.push(`${t.name}/${p}`);
    this.addPartitionsRequests.push(added);
    return {
      throttleTimeMs: 0,
      resultsByTopicV3AndBelow: (req.v3AndBelowTopics ?? []).map((t) => ({
        name: t.name,
        resultsByPartition: t.partitions.map((p) => ({ partitionIndex: p, partitionErrorCode: code })),
      })),
    };
  }

  addOffsets(req: RequestBodies[25], version: number): ResponseBodies[25] {
    const code = this.check(req.transactionalId, req.producerId, req.producerEpoch, version, 2);
    if (code === NONE) {
      const txn = this.transactions.get(req.transactionalId)!;
      txn.state = 'Ongoing';
      txn.groups.add(req.groupId);
    }
    return { throttleTimeMs: 0, errorCode: code };
  }

  txnOffsetCommit(req: RequestBodies[28], version: number, fault?: number): ResponseBodies[28] {
    this.txnOffsetCommits.push(req);
    let code = this.check(req.transactionalId, req.producerId, req.producerEpoch, version, 99);
    const txn = this.transactions.get(req.transactionalId);
    if (code === NONE && !txn!.groups.has(req.groupId)) code = INVALID_TXN_STATE;
    if (code === NONE && fault !== undefined) code = fault;
    if (code === NONE) {
      let pending = txn!.pendingOffsets.get(req.groupId);
      if (!pending) {
        pending = new Map();
        txn!.pendingOffsets.set(req.groupId, pending);
      }
      for (const t of req.topics)
        for (const p of t.partitions) pending.set(`${t.name}/${p.partitionIndex}`, p.committedOffset);
    }
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: code })),
      })),
    };
  }

  endTxn(req: RequestBodies[26], version: number): ResponseBodies[26] {
    const code = this.check(req.transactionalId, req.producerId, req.producerEpoch, version, 2);
    if (code !== NONE) return { throttleTimeMs: 0, errorCode: code };
    const txn = this.transactions.get(req.transactionalId)!;
    if (txn.state === 'Ongoing') {
      this.end(req.transactionalId, txn, req.committed);
      return { throttleTimeMs: 0, errorCode: NONE };
    }
    // A retry of what already completed succeeds; anything else is out of order.
    const retry = txn.state === (req.committed ? 'CompleteCommit' : 'CompleteAbort');
    return { throttleTimeMs: 0, errorCode: retry ? NONE : INVALID_TXN_STATE };
  }

  private end(id: string, txn: FakeTransaction, committed: boolean): void {
    this.ended.push({
      transactionalId: id,
      producerId: txn.producerId,
      epoch: txn.epoch,
      committed,
      partitions: [...txn.partitions].sort(),
      groups: [...txn.groups].sort(),
    });
    if (committed) {
      for (const [group, offsets] of txn.pendingOffsets) {
        let target = this.groupOffsets.get(group);
        if (!target) {
          target = new Map();
          this.groupOffsets.set(group, target);
        }
        for (const [tp, offset] of offsets) target.set(tp, offset);
      }
    }
    for (const key of [...this.openTxnStart.keys()])
      if (key.startsWith(`${txn.producerId}/`)) this.openTxnStart.delete(key);
    const values = this.openValues.get(txn.producerId) ?? [];
    this.openValues.delete(txn.producerId);
    (committed ? this.committedValues : this.abortedValues).push(...values);
    txn.pendingOffsets.clear();
    txn.partitions.clear();
    txn.groups.clear();
    txn.state = committed ? 'CompleteCommit' : 'CompleteAbort';
  }

  /** DescribeProducers for the partitions a node leads (`leads` says which). */
  describeProducers(
    req: RequestBodies[61],
    leads: (topic: string, partition: number) => boolean,
  ): ResponseBodies[61] {
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((p) => {
          if (!leads(t.name, p)) {
            return {
              partitionIndex: p,
              errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER,
              errorMessage: null,
              activeProducers: [],
            };
          }
          const activeProducers = [...this.sequences]
            .filter(([key]) => key.endsWith(`/${t.name}/${p}`))
            .map(([key, next]) => {
              const producerId = BigInt(key.split('/')[0]!);
              return {
                producerId,
                producerEpoch: this.epochs.get(key) ?? 0,
                lastSequence: next - 1,
                lastTimestamp: 1n,
                coordinatorEpoch: 0,
                currentTxnStartOffset: this.openTxnStart.get(key) ?? -1n,
              };
            });
          return { partitionIndex: p, errorCode: NONE, errorMessage: null, activeProducers };
        }),
      })),
    };
  }

  describeTransactions(req: RequestBodies[65]): ResponseBodies[65] {
    return {
      throttleTimeMs: 0,
      transactionStates: req.transactionalIds.map((id) => {
        const txn = this.transactions.get(id);
        if (!txn) {
          return {
            errorCode: ErrorCode.TRANSACTIONAL_ID_NOT_FOUND,
            transactionalId: id,
            transactionState: '',
            transactionTimeoutMs: 0,
            transactionStartTimeMs: -1n,
            producerId: -1n,
            producerEpoch: -1,
            topics: [],
          };
        }
        const byTopic = new Map<string, number[]>();
        for (const tp of txn.partitions) {
          const [topic, partition] = tp.split('/') as [string, string];
          byTopic.set(topic, [...(byTopic.get(topic) ?? []), Number(partition)]);
        }
        return {
          errorCode: NONE,
          transactionalId: id,
          transactionState: txn.state,
          transactionTimeoutMs: 60000,
          transactionStartTimeMs: txn.state === 'Ongoing' ? 1000n : -1n,
          producerId: txn.producerId,
          producerEpoch: txn.epoch,
          topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
        };
      }),
    };
  }

  listTransactions(req: RequestBodies[66]): ResponseBodies[66] {
    const known = [
      'Empty',
      'Ongoing',
      'PrepareCommit',
      'PrepareAbort',
      'CompleteCommit',
      'CompleteAbort',
      'PrepareEpochFence',
    ];
    return {
      throttleTimeMs: 0,
      errorCode: NONE,
      unknownStateFilters: req.stateFilters.filter((s) => !known.includes(s)),
      transactionStates: [...this.transactions]
        .filter(([, t]) => req.stateFilters.length === 0 || req.stateFilters.includes(t.state))
        .filter(([, t]) => req.producerIdFilters.length === 0 || req.producerIdFilters.includes(t.producerId))
        .map(([transactionalId, t]) => ({
          transactionalId,
          producerId: t.producerId,
          transactionState: t.state,
        })),
    };
  }
}

export interface StoredRecord {
  offset: bigint;
  value: string | null;
}

interface Fault {
  apiKey: number;
  errorCode: number;
  remaining: number;
  topic?: string;
  partition?: number;
}

/** The cluster: brokers 1..n, partition p of a topic led by broker (p % n) + 1, coordinator node 1. */
export class FakeTransactionalCluster {
  readonly txns = new FakeTransactions();
  readonly ports: number[] = [];
  /** Every request, in arrival order. */
  readonly requests: { nodeId: number; apiKey: number; version: number }[] = [];
  /** Every Produce request's batches, in arrival order. */
  readonly produced: ({ topic: string; partition: number } & ProducedBatchInfo)[][] = [];
  /** Extra delay before answering requests of one API (apiKey → ms). */
  readonly apiDelays = new Map<number, number>();
  private readonly servers: net.Server[] = [];
  private readonly sockets = new Set<net.Socket>();
  private readonly logs = new Map<string, StoredRecord[][]>();
  private faults: Fault[] = [];

  constructor(
    private readonly options: {
      brokers?: number;
      topics?: Record<string, number>;
      /** Caps advertised max versions per API key, like an older broker. */
      maxVersions?: Record<number, number>;
    },
  ) {}

  get bootstrap(): string[] {
    return this.ports.map((p) => `127.0.0.1:${p}`);
  }

  async start(): Promise<this> {
    for (let i = 0; i < (this.options.brokers ?? 1); i++) {
      const nodeId = i + 1;
      const server = net.createServer((socket) => this.serve(nodeId, socket));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      this.servers.push(server);
      this.ports.push((server.address() as net.AddressInfo).port);
    }
    for (const [topic, partitions] of Object.entries(this.options.topics ?? {}))
      this.logs.set(
        topic,
        Array.from({ length: partitions }, () => []),
      );
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await Promise.all(this.servers.map((s) => new Promise((r) => s.close(r))));
  }

  /** The next `count` answers of `apiKey` (optionally for one partition) carry `errorCode`. */
  failNext(
    apiKey: number,
    errorCode: number,
    count = 1,
    where: { topic?: string; partition?: number } = {},
  ): void {
    this.faults.push({ apiKey, errorCode, remaining: count, ...where });
  }

  records(topic: string, partition: number): StoredRecord[] {
    return this.logs.get(topic)?.[partition] ?? [];
  }

  allRecords(topic: string): StoredRecord[] {
    return (this.logs.get(topic) ?? []).flat();
  }

  /** Request names in arrival order, only for the given APIs. */
  flow(apiKeys: Set<number>): string[] {
    const names = Object.fromEntries(Object.entries(ApiKey).map(([k, v]) => [v, k]));
    return this.requests.filter((r) => apiKeys.has(r.apiKey)).map((r) => names[r.apiKey]!);
  }

  private leader(_topic: string, partition: number): number {
    return (partition % this.ports.length) + 1;
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

  private serve(nodeId: number, socket: net.Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => {});
    const splitter = new FrameSplitter();
    let chain: Promise<void> = Promise.resolve();
    socket.on('data', (chunk) => {
      splitter.push(chunk, (frame) => {
        const copy = Buffer.from(frame);
        chain = chain.then(() => this.handle(nodeId, socket, copy));
      });
    });
  }

  private async handle(nodeId: number, socket: net.Socket, frame: Buffer): Promise<void> {
    const { header, body } = decodeRequest(frame);
    const { apiKey, apiVersion, correlationId } = header;
    this.requests.push({ nodeId, apiKey, version: apiVersion });
    const delay = this.apiDelays.get(apiKey) ?? 0;
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    if (socket.destroyed) return;
    const reply = <K extends keyof ResponseBodies>(k: K, res: ResponseBodies[K]) => {
      for (const c of encodeResponse(k, apiVersion, correlationId, res)) socket.write(c);
    };
    const txns = this.txns;
    switch (apiKey) {
      case ApiKey.ApiVersions:
        reply(ApiKey.ApiVersions, {
          errorCode: NONE,
          apiKeys: [...apiCodecs.values()].map((c) => ({
            apiKey: c.apiKey,
            minVersion: c.request.minVersion,
            maxVersion: Math.min(
              c.request.maxVersion,
              this.options.maxVersions?.[c.apiKey] ?? c.request.maxVersion,
            ),
          })),
          throttleTimeMs: 0,
          supportedFeatures: [],
          finalizedFeaturesEpoch: -1n,
          finalizedFeatures: [],
          zkMigrationReady: false,
        });
        return;
      case ApiKey.Metadata:
        reply(ApiKey.Metadata, this.metadata(body as RequestBodies[3]));
        return;
      case ApiKey.FindCoordinator: {
        const req = body as RequestBodies[10];
        const errorCode = this.takeFault(ApiKey.FindCoordinator) ?? NONE;
        const port = this.ports[0]!;
        reply(ApiKey.FindCoordinator, {
          throttleTimeMs: 0,
          errorCode,
          errorMessage: null,
          nodeId: 1,
          host: '127.0.0.1',
          port,
          coordinators: (req.coordinatorKeys ?? []).map((key) => ({
            key,
            nodeId: 1,
            host: '127.0.0.1',
            port,
            errorCode,
            errorMessage: null,
          })),
        });
        return;
      }
      case ApiKey.Produce:
        reply(ApiKey.Produce, this.produce(nodeId, body as ProduceRequest));
        return;
      case ApiKey.InitProducerId: {
        const fault = this.takeFault(apiKey);
        const answer = txns.initProducerId(body as RequestBodies[22], apiVersion);
        reply(ApiKey.InitProducerId, {
          throttleTimeMs: 0,
          ...answer,
          ...(fault !== undefined && { errorCode: fault }),
        });
        return;
      }
      case ApiKey.AddPartitionsToTxn: {
        const fault = this.takeFault(apiKey);
        if (fault !== undefined) {
          const req = body as RequestBodies[24];
          reply(ApiKey.AddPartitionsToTxn, {
            throttleTimeMs: 0,
            resultsByTopicV3AndBelow: (req.v3AndBelowTopics ?? []).map((t) => ({
              name: t.name,
              resultsByPartition: t.partitions.map((p) => ({ partitionIndex: p, partitionErrorCode: fault })),
            })),
          });
          return;
        }
        reply(ApiKey.AddPartitionsToTxn, txns.addPartitions(body as RequestBodies[24], apiVersion));
        return;
      }
      case ApiKey.AddOffsetsToTxn: {
        const fault = this.takeFault(apiKey);
        reply(
          ApiKey.AddOffsetsToTxn,
          fault !== undefined
            ? { throttleTimeMs: 0, errorCode: fault }
            : txns.addOffsets(body as RequestBodies[25], apiVersion),
        );
        return;
      }
      case ApiKey.EndTxn: {
        const fault = this.takeFault(apiKey);
        reply(
          ApiKey.EndTxn,
          fault !== undefined
            ? { throttleTimeMs: 0, errorCode: fault }
            : txns.endTxn(body as RequestBodies[26], apiVersion),
        );
        return;
      }
      case ApiKey.TxnOffsetCommit:
        reply(
          ApiKey.TxnOffsetCommit,
          txns.txnOffsetCommit(body as RequestBodies[28], apiVersion, this.takeFault(apiKey)),
        );
        return;
      case ApiKey.DescribeProducers:
        reply(
          ApiKey.DescribeProducers,
          txns.describeProducers(body as RequestBodies[61], (topic, p) => this.leader(topic, p) === nodeId),
        );
        return;
      case ApiKey.DescribeTransactions:
        reply(ApiKey.DescribeTransactions, txns.describeTransactions(body as RequestBodies[65]));
        return;
      case ApiKey.ListTransactions:
        reply(ApiKey.ListTransactions, txns.listTransactions(body as RequestBodies[66]));
        return;
      default:
        socket.destroy();
    }
  }

  private metadata(req: RequestBodies[3]): ResponseBodies[3] {
    const names =
      req.topics === null || req.topics.length === 0 ? [...this.logs.keys()] : req.topics.map((t) => t.name!);
    return {
      throttleTimeMs: 0,
      brokers: this.ports.map((port, i) => ({ nodeId: i + 1, host: '127.0.0.1', port, rack: null })),
      clusterId: 'fake-txn',
      controllerId: 1,
      topics: names.map((name) => {
        const partitions = this.logs.get(name);
        return {
          errorCode: partitions ? NONE : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          name,
          topicId: 'AAAAAAAAAAAAAAAAAAAAAA',
          isInternal: false,
          partitions: (partitions ?? []).map((_, p) => {
            const leader = this.leader(name, p);
            return {
              errorCode: NONE,
              partitionIndex: p,
              leaderId: leader,
              leaderEpoch: 0,
              replicaNodes: [leader],
              isrNodes: [leader],
              offlineReplicas: [],
            };
          }),
          topicAuthorizedOperations: 0,
        };
      }),
      clusterAuthorizedOperations: 0,
    };
  }

  private produce(nodeId: number, req: ProduceRequest): ResponseBodies[0] {
    const info = (records: Buffer): ProducedBatchInfo => {
      const h = readBatchHeader(records);
      return {
        producerId: h.producerId,
        epoch: h.producerEpoch,
        baseSequence: h.baseSequence,
        count: h.recordsCount,
        transactional: h.isTransactional,
      };
    };
    this.produced.push(
      req.topicData.flatMap((t) =>
        t.partitionData.map((p) => ({ topic: t.name, partition: p.index, ...info(p.records as Buffer) })),
      ),
    );
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
        const fault = this.takeFault(ApiKey.Produce, t.name, p.index);
        if (fault !== undefined) return { ...base, errorCode: fault };
        const log = this.logs.get(t.name)?.[p.index];
        if (!log) return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
        if (this.leader(t.name, p.index) !== nodeId)
          return { ...base, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER };
        const records = p.records as Buffer;
        const check = this.txns.checkBatch(t.name, p.index, info(records));
        if (check === 'duplicate') return { ...base, errorCode: DUPLICATE_SEQUENCE_NUMBER };
        if (check !== NONE) return { ...base, errorCode: check };
        const baseOffset = BigInt(log.length);
        for (const batch of iterateRecordBatches(records)) {
          const values: (string | null)[] = [];
          for (const r of decodeRecords(batch)) {
            const value = r.value?.toString() ?? null;
            log.push({ offset: BigInt(log.length), value });
            values.push(value);
          }
          if (batch.isTransactional)
            this.txns.appended(batch.producerId, t.name, p.index, baseOffset, values);
        }
        return { ...base, errorCode: NONE, baseOffset };
      }),
    }));
    return { responses, throttleTimeMs: 0 };
  }
}

export function startFakeTransactionalCluster(options: {
  brokers?: number;
  topics?: Record<string, number>;
  maxVersions?: Record<number, number>;
}): Promise<FakeTransactionalCluster> {
  return new FakeTransactionalCluster(options).start();
}
