/**
 * The transactional requests, sent to the transaction coordinator of the transactional id
 * (FindCoordinator key type 1) or, for TxnOffsetCommit, to the consumer group's coordinator: each
 * retried through coordinator moves, loading, CONCURRENT_TRANSACTIONS and lost connections until a
 * deadline, and otherwise ended with a `TransactionRequestError` that says how the transaction
 * manager must react (abortable, fatal, fenced; see transaction-errors.ts). Requests go over the
 * 'group' (coordination) connection, never behind Produce requests.
 */
import { ApiKey, type RequestBodies, type ResponseBodies } from '@samsa/protocol/on-demand';
import type { Cluster } from '../cluster/cluster.js';
import type { ConsumerGroupMetadata } from '../consumer/message.js';
import {
  createKafkaError,
  ErrorCode,
  isRetriable,
  KafkaProtocolError,
  KafkaTimeoutError,
  NotConnectedError,
  RequestAbortedError,
  RetriesExhaustedError,
} from '../errors.js';
import type { Logger } from '../logger.js';
import { sleep } from '../retry.js';
import {
  classifyTransactionError,
  type TransactionApi,
  type TransactionErrorClass,
} from './transaction-errors.js';

export type { ConsumerGroupMetadata };

/** One offset a transaction commits: the next offset to consume. */
export interface TransactionOffset {
  topic: string;
  partition: number;
  offset: bigint;
  leaderEpoch?: number;
  metadata?: string | null;
}

/** A transactional request failed in a way retrying does not fix; `kind` says what it means for the transaction. */
export class TransactionRequestError extends Error {
  constructor(
    readonly kind: Exclude<TransactionErrorClass, 'retry' | 'refind'> | 'timeout',
    override readonly cause: Error,
  ) {
    super(cause.message, { cause });
  }
}

export interface TransactionCoordinatorConfig {
  transactionalId: string;
  transactionTimeoutMs: number;
  retryBackoffMs: number;
  retryBackoffMaxMs: number;
}

/** AddPartitionsToTxn v4+ is the batched form brokers send each other (KIP-890); clients send v3 and below. */
const CLIENT_ADD_PARTITIONS_MAX_VERSION = 3;

/** Java's back-off for the first AddPartitionsToTxn of a transaction while the previous one completes. */
const FIRST_ADD_CONCURRENT_BACKOFF_MS = 20;

type Target = { kind: 'transaction' } | { kind: 'group'; groupId: string };

interface Attempt<T> {
  /** The per-request error codes that are not NONE (empty: success). */
  codes: number[];
  result: T;
}

export class TransactionCoordinatorClient {
  private closed = false;
  /** The transaction coordinator's node id, once found. */
  coordinatorNode = -1;

  constructor(
    private readonly cluster: Pick<
      Cluster,
      'findCoordinator' | 'invalidateCoordinator' | 'request' | 'apiVersion'
    >,
    private readonly config: TransactionCoordinatorConfig,
    private readonly logger: Logger,
  ) {}

  /** Requests in progress give up (the producer disconnects); later ones may run again after `open()`. */
  close(): void {
    this.closed = true;
  }

  open(): void {
    this.closed = false;
  }

  /** Whether the coordinator takes InitProducerId v3+ (KIP-360), so an epoch can be bumped after an abort. */
  canBumpEpoch(): boolean {
    if (this.coordinatorNode < 0) return false;
    return (this.cluster.apiVersion(this.coordinatorNode, ApiKey.InitProducerId) ?? -1) >= 3;
  }

  /** InitProducerId with the transactional id; with the current id and epoch it bumps the epoch (KIP-360). */
  async initProducerId(
    current: { producerId: bigint; producerEpoch: number } | null,
    deadline: number,
  ): Promise<{ producerId: bigint; producerEpoch: number }> {
    return this.call('InitProducerId', ApiKey.InitProducerId, { kind: 'transaction' }, deadline, {
      build: () => ({
        transactionalId: this.config.transactionalId,
        transactionTimeoutMs: this.config.transactionTimeoutMs,
        producerId: current?.producerId ?? -1n,
        producerEpoch: current?.producerEpoch ?? -1,
      }),
      interpret: (response) => ({
        codes: nonZero([response.errorCode]),
        result: { producerId: response.producerId, producerEpoch: response.producerEpoch },
      }),
    });
  }

  /** AddPartitionsToTxn (v0-3, one transaction per request) for `partitions`. */
  async addPartitions(
    producer: { producerId: bigint; producerEpoch: number },
    partitions: { topic: string; partition: number }[],
    firstOfTransaction: boolean,
    deadline: number,
  ): Promise<void> {
    const byTopic = new Map<string, number[]>();
    for (const { topic, partition } of partitions) {
      const list = byTopic.get(topic);
      if (list) list.push(partition);
      else byTopic.set(topic, [partition]);
    }
    await this.call('AddPartitionsToTxn', ApiKey.AddPartitionsToTxn, { kind: 'transaction' }, deadline, {
      maxVersion: CLIENT_ADD_PARTITIONS_MAX_VERSION,
      build: () => ({
        v3AndBelowTransactionalId: this.config.transactionalId,
        v3AndBelowProducerId: producer.producerId,
        v3AndBelowProducerEpoch: producer.producerEpoch,
        v3AndBelowTopics: [...byTopic].map(([name, list]) => ({ name, partitions: list })),
      }),
      interpret: (response) => {
        const codes: number[] = [];
        for (const t of response.resultsByTopicV3AndBelow ?? [])
          for (const p of t.resultsByPartition)
            if (p.partitionErrorCode !== 0) codes.push(p.partitionErrorCode);
        return { codes, result: undefined };
      },
      backoff: (code, attempt) =>
        code === ErrorCode.CONCURRENT_TRANSACTIONS && firstOfTransaction
          ? FIRST_ADD_CONCURRENT_BACKOFF_MS
          : this.backoff(attempt),
    });
  }

  /** AddOffsetsToTxn: the group's offsets partition joins the transaction. */
  async addOffsets(
    producer: { producerId: bigint; producerEpoch: number },
    groupId: string,
    deadline: number,
  ): Promise<void> {
    await this.call('AddOffsetsToTxn', ApiKey.AddOffsetsToTxn, { kind: 'transaction' }, deadline, {
      build: () => ({
        transactionalId: this.config.transactionalId,
        producerId: producer.producerId,
        producerEpoch: producer.producerEpoch,
        groupId,
      }),
      interpret: (response) => ({ codes: nonZero([response.errorCode]), result: undefined }),
    });
  }

  /**
   * TxnOffsetCommit to the group coordinator, with the consumer's generation, member id and
   * instance id (v3+, KIP-447: a member that lost its partitions cannot commit for them).
   * Partitions answered NONE are not sent again when others are retried.
   */
  async txnOffsetCommit(
    producer: { producerId: bigint; producerEpoch: number },
    group: ConsumerGroupMetadata,
    offsets: TransactionOffset[],
    deadline: number,
  ): Promise<void> {
    let pending = offsets;
    await this.call(
      'TxnOffsetCommit',
      ApiKey.TxnOffsetCommit,
      { kind: 'group', groupId: group.groupId },
      deadline,
      {
        build: () => {
          const byTopic = new Map<string, TransactionOffset[]>();
          for (const o of pending) {
            const list = byTopic.get(o.topic);
            if (list) list.push(o);
            else byTopic.set(o.topic, [o]);
          }
          return {
            transactionalId: this.config.transactionalId,
            groupId: group.groupId,
            producerId: producer.producerId,
            producerEpoch: producer.producerEpoch,
            generationId: group.generationId,
            memberId: group.memberId,
            groupInstanceId: group.groupInstanceId,
            topics: [...byTopic].map(([name, list]) => ({
              name,
              partitions: list.map((o) => ({
                partitionIndex: o.partition,
                committedOffset: o.offset,
                committedLeaderEpoch: o.leaderEpoch ?? -1,
                committedMetadata: o.metadata ?? null,
              })),
            })),
          };
        },
        interpret: (response) => {
          const codes: number[] = [];
          const failed = new Set<string>();
          for (const t of response.topics) {
            for (const p of t.partitions) {
              if (p.errorCode === 0) continue;
              codes.push(p.errorCode);
              failed.add(`${t.name}\u0000${p.partitionIndex}`);
            }
          }
          if (codes.length > 0) pending = pending.filter((o) => failed.has(`${o.topic}\u0000${o.partition}`));
          return { codes, result: undefined };
        },
      },
    );
  }

  /** EndTxn: commit or abort what the transaction added. */
  async endTxn(
    producer: { producerId: bigint; producerEpoch: number },
    commit: boolean,
    deadline: number,
  ): Promise<void> {
    await this.call('EndTxn', ApiKey.EndTxn, { kind: 'transaction' }, deadline, {
      build: () => ({
        transactionalId: this.config.transactionalId,
        producerId: producer.producerId,
        producerEpoch: producer.producerEpoch,
        committed: commit,
      }),
      interpret: (response) => ({ codes: nonZero([response.errorCode]), result: undefined }),
    });
  }

  private backoff(attempt: number): number {
    const base = Math.min(
      this.config.retryBackoffMaxMs,
      this.config.retryBackoffMs * 2 ** Math.min(attempt, 20),
    );
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  /**
   * Sends one transactional request until it succeeds; retriable outcomes (per
   * classifyTransactionError, plus lost connections) are retried with a back-off until `deadline`.
   */
  private async call<K extends keyof RequestBodies & keyof ResponseBodies, T>(
    api: TransactionApi,
    apiKey: K,
    target: Target,
    deadline: number,
    how: {
      /** Highest version to send (see RequestOptions.maxVersion). */
      maxVersion?: number;
      build: (version: number) => RequestBodies[K];
      interpret: (response: ResponseBodies[K], version: number) => Attempt<T>;
      backoff?: (code: number, attempt: number) => number;
    },
  ): Promise<T> {
    const key = target.kind === 'transaction' ? this.config.transactionalId : target.groupId;
    let lastError: Error | null = null;
    for (let attempt = 0; ; attempt++) {
      if (this.closed) throw new NotConnectedError(`${api} was given up: the producer was disconnected`);
      let kind: TransactionErrorClass;
      let code = -1;
      try {
        const node = await this.cluster.findCoordinator(key, target.kind);
        if (target.kind === 'transaction') this.coordinatorNode = node;
        const { version, response } = await this.cluster.request(node, apiKey, how.build, {
          purpose: 'group',
          maxVersion: how.maxVersion,
        });
        const { codes, result } = how.interpret(response, version);
        if (codes.length === 0) return result;
        code = worstCode(api, codes);
        kind = classifyTransactionError(api, code);
        lastError = createKafkaError(code, {
          apiName: api,
          transactionalId: this.config.transactionalId,
          ...(target.kind === 'group' ? { groupId: target.groupId } : {}),
        });
      } catch (err) {
        if (err instanceof NotConnectedError || err instanceof RequestAbortedError) throw err;
        lastError = err as Error;
        if (err instanceof KafkaProtocolError) {
          // From FindCoordinator (its own retries are over for retriable codes, see below).
          code = err.errorCode;
          kind = classifyTransactionError('FindCoordinator', code);
          if (kind === 'refind') kind = 'retry';
        } else if (err instanceof RetriesExhaustedError || isRetriable(err)) {
          // FindCoordinator kept failing retriably, or the connection broke: look it up again.
          kind = 'refind';
        } else {
          throw new TransactionRequestError('fatal', err as Error);
        }
      }
      if (kind !== 'retry' && kind !== 'refind') throw new TransactionRequestError(kind, lastError);
      if (kind === 'refind') this.cluster.invalidateCoordinator(key, target.kind);
      const wait = how.backoff && code >= 0 ? how.backoff(code, attempt) : this.backoff(attempt);
      if (Date.now() + wait >= deadline) {
        throw new TransactionRequestError(
          'timeout',
          new KafkaTimeoutError(
            `${api} for transactionalId ${JSON.stringify(this.config.transactionalId)} did not succeed in time ` +
              `(last error: ${lastError.message})`,
            { cause: lastError },
          ),
        );
      }
      this.logger.debug('transactional request failed, retrying', {
        api,
        transactionalId: this.config.transactionalId,
        error: lastError.message,
        retryInMs: wait,
      });
      await sleep(wait);
    }
  }
}

function nonZero(codes: number[]): number[] {
  return codes.filter((c) => c !== ErrorCode.NONE);
}

const SEVERITY: Record<TransactionErrorClass, number> = {
  fenced: 6,
  fatal: 5,
  'abortable-bump': 4,
  abortable: 3,
  refind: 2,
  retry: 1,
};

/**
 * The code that decides a per-partition answer: the most severe, where OPERATION_NOT_ATTEMPTED
 * (the broker skipped a partition because another failed) only counts when it is all there is.
 */
function worstCode(api: TransactionApi, codes: number[]): number {
  let worst = -1;
  let worstSeverity = 0;
  for (const c of codes) {
    if (c === ErrorCode.OPERATION_NOT_ATTEMPTED) continue;
    const s = SEVERITY[classifyTransactionError(api, c)];
    if (s > worstSeverity) {
      worst = c;
      worstSeverity = s;
    }
  }
  return worst >= 0 ? worst : codes[0]!;
}
