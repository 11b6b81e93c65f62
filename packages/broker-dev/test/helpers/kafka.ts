/** Test conveniences over RawClient: start a broker, produce, fetch. */
import {
  buildBatch,
  type ReadRecord,
  readRecords,
  type TestRecord,
} from '@samsa/test-support/record-batches';
import { type BrokerOptions, type RunningBroker, startBroker } from '../../src/index.js';
import { RawClient } from './raw-client.js';

export async function brokerWithClient(
  options: BrokerOptions = {},
): Promise<{ broker: RunningBroker; client: RawClient }> {
  const broker = await startBroker(options);
  const client = await RawClient.connect(broker.bootstrap[0]);
  return { broker, client };
}

export async function createTopic(
  client: RawClient,
  name: string,
  partitions = 1,
  configs: Record<string, string> = {},
) {
  const response = await client.request(19, 7, {
    topics: [
      {
        name,
        numPartitions: partitions,
        replicationFactor: -1,
        assignments: [],
        configs: Object.entries(configs).map(([k, v]) => ({ name: k, value: v })),
      },
    ],
    timeoutMs: 5000,
    validateOnly: false,
  });
  const result = response.topics[0];
  if (result.errorCode !== 0)
    throw new Error(`createTopic ${name} failed: ${result.errorCode} ${result.errorMessage}`);
  return result;
}

export async function produce(
  client: RawClient,
  topic: string,
  partition: number,
  records: TestRecord[],
  options: { acks?: number; version?: number } = {},
) {
  const response = await client.request(0, options.version ?? 9, {
    transactionalId: null,
    acks: options.acks ?? -1,
    timeoutMs: 5000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records: buildBatch(records) }] }],
  });
  return response.responses[0].partitionResponses[0];
}

/** A Fetch request body for one topic (by name, and by id for v13+) with sensible defaults. */
export function fetchRequestBody(
  topic: string,
  partitions: { partition: number; offset: number; maxBytes?: number; currentLeaderEpoch?: number }[],
  options: {
    topicId?: string;
    maxWaitMs?: number;
    minBytes?: number;
    maxBytes?: number;
    isolationLevel?: number;
  } = {},
) {
  return {
    replicaId: -1,
    maxWaitMs: options.maxWaitMs ?? 0,
    minBytes: options.minBytes ?? 1,
    maxBytes: options.maxBytes ?? 1 << 24,
    isolationLevel: options.isolationLevel ?? 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic,
        topicId: options.topicId,
        partitions: partitions.map((p) => ({
          partition: p.partition,
          currentLeaderEpoch: p.currentLeaderEpoch ?? -1,
          fetchOffset: BigInt(p.offset),
          lastFetchedEpoch: -1,
          logStartOffset: -1n,
          partitionMaxBytes: p.maxBytes ?? 1 << 24,
        })),
      },
    ],
    forgottenTopicsData: [],
    rackId: '',
  };
}

export async function fetchRecords(
  client: RawClient,
  topic: string,
  partition: number,
  offset: number,
  options: {
    version?: number;
    maxWaitMs?: number;
    minBytes?: number;
    maxBytes?: number;
    partitionMaxBytes?: number;
    isolationLevel?: number;
  } = {},
): Promise<{
  errorCode: number;
  highWatermark: bigint;
  records: ReadRecord[];
  logStartOffset: bigint | undefined;
}> {
  const response = await client.request(
    1,
    options.version ?? 11,
    fetchRequestBody(topic, [{ partition, offset, maxBytes: options.partitionMaxBytes ?? 1024 * 1024 }], {
      maxWaitMs: options.maxWaitMs,
      minBytes: options.minBytes,
      maxBytes: options.maxBytes ?? 10 * 1024 * 1024,
      isolationLevel: options.isolationLevel,
    }),
  );
  const p = response.responses[0].partitions[0];
  return {
    errorCode: p.errorCode,
    highWatermark: p.highWatermark,
    records: readRecords(p.records),
    logStartOffset: p.logStartOffset,
  };
}

export const values = (records: ReadRecord[]) => records.map((r) => r.value);
