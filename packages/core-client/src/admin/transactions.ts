/**
 * Admin calls about transactions and producers (KIP-664), to see what is stuck: which producers a
 * partition leader tracks (and the first offset of a transaction holding back the last stable
 * offset), what a transactional id's transaction holds, and which transactions each coordinator has.
 */
import { ApiKey } from '@samsa/protocol/on-demand';
import { isCoordinatorError } from '../cluster/cluster.js';
import { ConfigurationError, createKafkaError, ErrorCode } from '../errors.js';
import { withRetry } from '../retry.js';
import type { AdminContext } from './admin-context.js';
import type {
  PartitionProducers,
  TransactionDescription,
  TransactionListing,
  TransactionStateName,
} from './types.js';

/** The producers each partition's leader tracks (DescribeProducers, Kafka 3.0+). */
export async function describeProducers(
  ctx: AdminContext,
  options: { topics: { topic: string; partitions?: number[] }[]; signal?: AbortSignal },
): Promise<PartitionProducers[]> {
  if (!Array.isArray(options?.topics) || options.topics.length === 0) {
    throw new ConfigurationError('topics', 'describeProducers needs [{ topic, partitions? }]');
  }
  const wanted: { topic: string; partition: number }[] = [];
  for (const [i, t] of options.topics.entries()) {
    if (typeof t?.topic !== 'string' || t.topic.length === 0)
      throw new ConfigurationError(`topics[${i}].topic`, 'expected a topic name');
    const partitions = t.partitions ?? (await ctx.partitionsOf(t.topic, options.signal));
    if (!Array.isArray(partitions) || !partitions.every((p) => Number.isInteger(p) && p >= 0)) {
      throw new ConfigurationError(`topics[${i}].partitions`, 'expected an array of partition numbers');
    }
    for (const partition of partitions) wanted.push({ topic: t.topic, partition });
  }
  const results = new Map<string, PartitionProducers>();
  await ctx.withRetry(
    'describeProducers',
    async () => {
      await ctx.cluster.metadata.refreshIfStale();
      const byLeader = new Map<number, { topic: string; partition: number }[]>();
      for (const tp of wanted) {
        if (results.has(`${tp.topic}\u0000${tp.partition}`)) continue;
        const leader = ctx.cluster.metadata.leaderFor(tp.topic, tp.partition);
        if (leader < 0) {
          ctx.cluster.metadata.invalidate();
          throw createKafkaError(ErrorCode.LEADER_NOT_AVAILABLE, {
            apiName: 'DescribeProducers',
            topic: tp.topic,
            partition: tp.partition,
          });
        }
        const list = byLeader.get(leader);
        if (list) list.push(tp);
        else byLeader.set(leader, [tp]);
      }
      await Promise.all(
        [...byLeader].map(async ([leader, tps]) => {
          const topics = new Map<string, number[]>();
          for (const { topic, partition } of tps) {
            const list = topics.get(topic);
            if (list) list.push(partition);
            else topics.set(topic, [partition]);
          }
          const { response } = await ctx.cluster.request(
            leader,
            ApiKey.DescribeProducers,
            () => ({ topics: [...topics].map(([name, partitionIndexes]) => ({ name, partitionIndexes })) }),
            { signal: options.signal },
          );
          for (const t of response.topics) {
            for (const p of t.partitions) {
              if (p.errorCode !== ErrorCode.NONE) {
                throw createKafkaError(p.errorCode, {
                  apiName: 'DescribeProducers',
                  topic: t.name,
                  partition: p.partitionIndex,
                  serverMessage: p.errorMessage,
                });
              }
              results.set(`${t.name}\u0000${p.partitionIndex}`, {
                topic: t.name,
                partition: p.partitionIndex,
                activeProducers: p.activeProducers.map((a) => ({
                  producerId: a.producerId.toString(),
                  producerEpoch: a.producerEpoch,
                  lastSequence: a.lastSequence,
                  lastTimestamp: a.lastTimestamp.toString(),
                  coordinatorEpoch: a.coordinatorEpoch,
                  currentTransactionStartOffset: a.currentTxnStartOffset.toString(),
                })),
              });
            }
          }
        }),
      );
    },
    options.signal,
  );
  return wanted.map(({ topic, partition }) => results.get(`${topic}\u0000${partition}`)!);
}

/** The transaction of each transactional id, from its coordinator (DescribeTransactions, Kafka 3.0+). */
export async function describeTransactions(
  ctx: AdminContext,
  transactionalIds: string[],
  options: { signal?: AbortSignal } = {},
): Promise<TransactionDescription[]> {
  if (!Array.isArray(transactionalIds) || transactionalIds.length === 0 || !transactionalIds.every(isName)) {
    throw new ConfigurationError(
      'transactionalIds',
      'describeTransactions needs a non-empty array of transactional ids',
    );
  }
  return Promise.all(
    transactionalIds.map((transactionalId) =>
      withRetry(
        ctx.retry,
        async () => {
          const coordinator = await ctx.cluster.findCoordinator(
            transactionalId,
            'transaction',
            options.signal,
          );
          const { response } = await ctx.cluster.request(
            coordinator,
            ApiKey.DescribeTransactions,
            () => ({ transactionalIds: [transactionalId] }),
            { purpose: 'group', signal: options.signal },
          );
          const s = response.transactionStates.find((x) => x.transactionalId === transactionalId);
          if (!s)
            throw createKafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, {
              apiName: 'DescribeTransactions',
              transactionalId,
            });
          if (s.errorCode !== ErrorCode.NONE)
            throw createKafkaError(s.errorCode, { apiName: 'DescribeTransactions', transactionalId });
          return {
            transactionalId,
            state: s.transactionState as TransactionStateName,
            transactionTimeoutMs: s.transactionTimeoutMs,
            transactionStartTimeMs: s.transactionStartTimeMs.toString(),
            producerId: s.producerId.toString(),
            producerEpoch: s.producerEpoch,
            topics: s.topics.map((t) => ({
              topic: t.topic,
              partitions: [...t.partitions].sort((a, b) => a - b),
            })),
          };
        },
        {
          signal: options.signal,
          what: `describeTransactions ${transactionalId}`,
          onRetry: (err) => {
            if (isCoordinatorError(err)) ctx.cluster.invalidateCoordinator(transactionalId, 'transaction');
          },
        },
      ),
    ),
  );
}

/**
 * Transactions every coordinator (every broker) has, optionally only those in `states` or of
 * `producerIds` (ListTransactions, Kafka 3.0+). State names are Kafka's: Empty, Ongoing,
 * PrepareCommit, PrepareAbort, CompleteCommit, CompleteAbort, PrepareEpochFence.
 */
export async function listTransactions(
  ctx: AdminContext,
  options: {
    states?: TransactionStateName[];
    producerIds?: (string | bigint | number)[];
    signal?: AbortSignal;
  } = {},
): Promise<TransactionListing[]> {
  const states = options.states ?? [];
  if (!Array.isArray(states) || !states.every(isName))
    throw new ConfigurationError('states', 'expected an array of state names');
  let producerIds: bigint[];
  try {
    producerIds = (options.producerIds ?? []).map((p) => BigInt(p));
  } catch {
    throw new ConfigurationError('producerIds', 'expected an array of producer ids');
  }
  await ctx.withRetry('listTransactions', () => ctx.cluster.metadata.refreshIfStale(), options.signal);
  const out: TransactionListing[] = [];
  await Promise.all(
    ctx.cluster.brokerIds().map((nodeId) =>
      ctx.withRetry(
        'listTransactions',
        async () => {
          const { response } = await ctx.cluster.request(
            nodeId,
            ApiKey.ListTransactions,
            () => ({ stateFilters: states, producerIdFilters: producerIds }),
            { purpose: 'group', signal: options.signal },
          );
          if (response.errorCode !== ErrorCode.NONE)
            throw createKafkaError(response.errorCode, {
              apiName: 'ListTransactions',
              broker: String(nodeId),
            });
          if (response.unknownStateFilters.length > 0) {
            throw new ConfigurationError(
              'states',
              `the broker does not know the transaction state(s) ${response.unknownStateFilters.join(', ')}`,
            );
          }
          for (const t of response.transactionStates) {
            out.push({
              transactionalId: t.transactionalId,
              producerId: t.producerId.toString(),
              state: t.transactionState as TransactionStateName,
              coordinatorId: nodeId,
            });
          }
        },
        options.signal,
      ),
    ),
  );
  return out.sort((a, b) =>
    a.transactionalId < b.transactionalId ? -1 : a.transactionalId > b.transactionalId ? 1 : 0,
  );
}

function isName(x: unknown): x is string {
  return typeof x === 'string' && x.length > 0;
}
