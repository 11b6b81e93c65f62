/**
 * Sends fuzzed batches (batch-mutations.ts) to a running broker and reads back what it acknowledged, so
 * tests can hold every acknowledgement to what @samsa/protocol (or kcat) decodes.
 */
import { ApiKey, decodeRecords, ErrorCode, iterateRecordBatches, type KafkaRecord } from '@samsa/protocol';
import { fetchRequestBody } from './kafka.js';
import type { RawClient } from './raw-client.js';

/**
 * Every error code a Produce of a damaged batch may get: validation's, the producer-state checks', and
 * TRANSACTIONAL_ID_AUTHORIZATION_FAILED for a batch claiming to be transactional without a transactional id.
 */
export const PRODUCE_REFUSALS: ReadonlySet<number> = new Set([
  ErrorCode.CORRUPT_MESSAGE,
  ErrorCode.INVALID_RECORD,
  ErrorCode.UNSUPPORTED_COMPRESSION_TYPE,
  ErrorCode.MESSAGE_TOO_LARGE,
  ErrorCode.INVALID_TIMESTAMP,
  ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
  ErrorCode.INVALID_PRODUCER_EPOCH,
  ErrorCode.INVALID_TXN_STATE,
  ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
]);

/** Produces `batch` to partition 0 of `topic` (acks=-1, v11); resolves with the error code and base offset. */
export async function produceBatch(
  client: RawClient,
  topic: string,
  batch: Buffer,
): Promise<{ errorCode: number; baseOffset: bigint; errorMessage: string | null }> {
  const response = await client.request(ApiKey.Produce, 11, {
    transactionalId: null,
    acks: -1,
    timeoutMs: 5000,
    topicData: [{ name: topic, partitionData: [{ index: 0, records: batch }] }],
  });
  const p = response.responses[0].partitionResponses[0];
  return { errorCode: p.errorCode, baseOffset: p.baseOffset, errorMessage: p.errorMessage ?? null };
}

/** Fetches partition 0 of `topic` from `offset` and decodes every record with @samsa/protocol (CRC included). */
export async function fetchDecoded(client: RawClient, topic: string, offset: bigint): Promise<KafkaRecord[]> {
  const response = await client.request(
    ApiKey.Fetch,
    11,
    fetchRequestBody(topic, [{ partition: 0, offset: Number(offset), maxBytes: 16 * 1024 * 1024 }]),
  );
  const partition = response.responses[0].partitions[0];
  if (partition.errorCode !== ErrorCode.NONE)
    throw new Error(`fetch failed with error ${partition.errorCode}`);
  const data = partition.records;
  const bytes = Array.isArray(data) ? Buffer.concat(data) : (data ?? Buffer.alloc(0));
  const records: KafkaRecord[] = [];
  for (const batch of iterateRecordBatches(bytes)) records.push(...decodeRecords(batch));
  return records;
}
