/**
 * Whole protocol messages against KafkaJS, side by side in one process: a Produce request of
 * 1 MiB of 1 KiB records (records written into a batch, then framed) and a Fetch response
 * carrying the same (decoded down to every record's key and value). Run alone with
 * `npx tsx bench/messages.ts`.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { decodeResponse, encodeRequest, encodeResponse } from '../src/frames.js';
import { ApiKey } from '../src/generated/index.js';
import { decodeRecords, iterateRecordBatches, RecordBatchBuilder } from '../src/records/index.js';
import { type BenchRow, compare, formatTable, jsonRecords } from './records.js';

const require = createRequire(import.meta.url);

/** The newest versions KafkaJS speaks, so both sides encode the same wire format. */
const PRODUCE_VERSION = 7;
const FETCH_VERSION = 11;

export async function runMessagesBench(): Promise<BenchRow[]> {
  const kafkajsProduce = require('kafkajs/src/protocol/requests/produce/v7/request') as (
    o: Record<string, unknown>,
  ) => unknown;
  const kafkajsFrame = require('kafkajs/src/protocol/request') as (o: Record<string, unknown>) => Promise<{
    buffer: Buffer;
  }>;
  const kafkajsFetch = require('kafkajs/src/protocol/requests/fetch/v11/response') as {
    decode(b: Buffer): Promise<unknown>;
  };

  const records = jsonRecords(1024);
  const payloadBytes = records.reduce((n, r) => n + r.key.length + r.value.length, 0);
  const timestamp = 1_700_000_000_000;

  const samsaProduce = () => {
    const builder = new RecordBatchBuilder({ maxBatchBytes: 2 * 1024 * 1024 });
    for (const r of records) builder.append({ key: r.key, value: r.value, timestamp });
    return encodeRequest(ApiKey.Produce, PRODUCE_VERSION, 1, 'bench', {
      transactionalId: null,
      acks: -1,
      timeoutMs: 30_000,
      topicData: [{ name: 'bench', partitionData: [{ index: 0, records: builder.build() }] }],
    });
  };
  const kafkajsProduceRun = () =>
    kafkajsFrame({
      correlationId: 1,
      clientId: 'bench',
      request: kafkajsProduce({
        acks: -1,
        timeout: 30_000,
        topicData: [
          {
            topic: 'bench',
            partitions: [
              {
                partition: 0,
                messages: records.map((r) => ({ key: r.key, value: r.value, timestamp })),
              },
            ],
          },
        ],
      }),
    });

  const builder = new RecordBatchBuilder({ maxBatchBytes: 2 * 1024 * 1024 });
  for (const r of records) builder.append({ key: r.key, value: r.value, timestamp });
  const batch = builder.build();
  const fetchBody = {
    throttleTimeMs: 0,
    errorCode: 0,
    sessionId: 0,
    responses: [
      {
        topic: 'bench',
        partitions: [
          {
            partitionIndex: 0,
            errorCode: 0,
            highWatermark: 1024n,
            lastStableOffset: 1024n,
            logStartOffset: 0n,
            abortedTransactions: [],
            preferredReadReplica: -1,
            records: batch,
          },
        ],
      },
    ],
  };
  const fetchFrame = Buffer.concat(encodeResponse(ApiKey.Fetch, FETCH_VERSION, 1, fetchBody)).subarray(4);

  const samsaFetchDecode = () => {
    const { body } = decodeResponse(ApiKey.Fetch, FETCH_VERSION, fetchFrame);
    let bytes = 0;
    for (const topic of body.responses) {
      for (const partition of topic.partitions) {
        for (const b of iterateRecordBatches(partition.records as Buffer)) {
          for (const record of decodeRecords(b))
            bytes += (record.key?.length ?? 0) + (record.value?.length ?? 0);
        }
      }
    }
    return bytes;
  };

  return [
    await compare('Produce v7 request: build + encode, 1 MiB', payloadBytes, samsaProduce, {
      name: 'KafkaJS produce v7 request',
      run: kafkajsProduceRun,
    }),
    await compare('Fetch v11 response: decode to records, 1 MiB', payloadBytes, samsaFetchDecode, {
      name: 'KafkaJS fetch v11 response',
      run: () => kafkajsFetch.decode(fetchFrame.subarray(4)),
    }),
    await compare('Fetch v11 response: encode, zero-copy, 1 MiB', payloadBytes, () =>
      encodeResponse(ApiKey.Fetch, FETCH_VERSION, 1, fetchBody),
    ),
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rows = await runMessagesBench();
  console.log(formatTable('Protocol messages (MB/s of record payload; higher is better)', rows));
  console.log(JSON.stringify({ bench: 'messages', rows }));
}
