/**
 * Connection: a Fetch sent with `scanBatchCrcs` has its answer's record batch CRCs checked while the
 * frame arrives (FetchCrcScanner), so the consumer need not check them again on delivery. A raw
 * broker of our own sends the answer in pieces, one batch of it damaged.
 */
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ApiKey,
  crcCheckedOnArrival,
  decodeRequest,
  encodeResponse,
  FrameSplitter,
  iterateRecordBatches,
  RECORD_BATCH_OVERHEAD,
  RecordBatchBuilder,
} from '@samsa/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import type { Connection } from '../../src/network/connection.js';
import { testConnection } from '../helpers/connection.js';

function batch(baseOffset: bigint, count: number): Buffer {
  const builder = new RecordBatchBuilder({ baseOffset });
  for (let i = 0; i < count; i++) builder.append({ value: Buffer.alloc(1000, 120), timestamp: 1 });
  return builder.build();
}

/** Four batches of five 1 KB records (a frame well above the reader's small-frame size); the third damaged. */
function records(): Buffer {
  const damaged = batch(10n, 5);
  damaged[RECORD_BATCH_OVERHEAD + 3] ^= 0xff;
  return Buffer.concat([batch(0n, 5), batch(5n, 5), damaged, batch(15n, 5)]);
}

/** Answers ApiVersions, and Fetch with `records()` written in pieces a few milliseconds apart. */
async function startRawBroker(fetchVersions: [number, number]): Promise<net.Server> {
  const server = net.createServer((socket) => {
    const splitter = new FrameSplitter();
    socket.on('data', (chunk) =>
      splitter.push(chunk, (frame) => {
        const { header } = decodeRequest(frame);
        if (header.apiKey === ApiKey.ApiVersions) {
          for (const c of encodeResponse(ApiKey.ApiVersions, header.apiVersion, header.correlationId, {
            errorCode: 0,
            apiKeys: [
              { apiKey: ApiKey.Fetch, minVersion: fetchVersions[0], maxVersion: fetchVersions[1] },
              { apiKey: ApiKey.ApiVersions, minVersion: 0, maxVersion: 3 },
            ],
            throttleTimeMs: 0,
            supportedFeatures: [],
            finalizedFeatures: [],
          } as never))
            socket.write(c);
          return;
        }
        const answer = Buffer.concat(
          encodeResponse(ApiKey.Fetch, header.apiVersion, header.correlationId, {
            throttleTimeMs: 0,
            errorCode: 0,
            sessionId: 0,
            responses: [
              {
                topic: 't',
                topicId: Buffer.alloc(16, 3).toString('base64url'),
                partitions: [
                  {
                    partitionIndex: 0,
                    errorCode: 0,
                    highWatermark: 20n,
                    lastStableOffset: 20n,
                    logStartOffset: 0n,
                    abortedTransactions: null,
                    preferredReadReplica: -1,
                    records: records(),
                  },
                ],
              },
            ],
          }),
        );
        void (async () => {
          for (let at = 0; at < answer.length; at += 7000) {
            socket.write(answer.subarray(at, at + 7000));
            await sleep(5);
          }
        })();
      }),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return server;
}

let server: net.Server | null = null;
let conn: Connection | null = null;

afterEach(async () => {
  conn?.close();
  conn = null;
  server?.close();
  server = null;
});

async function fetchChecked(fetchVersions: [number, number], scanBatchCrcs: boolean): Promise<boolean[]> {
  server = await startRawBroker(fetchVersions);
  conn = testConnection((server.address() as net.AddressInfo).port, { label: 'raw broker' });
  await conn.connect();
  const version = fetchVersions[1];
  const response = await conn.request(
    ApiKey.Fetch,
    version,
    {
      clusterId: null,
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 1,
      maxBytes: 1 << 20,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [],
      forgottenTopicsData: [],
      rackId: '',
    },
    { scanBatchCrcs },
  );
  const data = response.responses[0].partitions[0].records!;
  return [...iterateRecordBatches(data)].map((b) => crcCheckedOnArrival(b.bytes));
}

describe('Connection, Fetch answers with scanBatchCrcs', () => {
  it('checks every batch as the frame arrives, vouching only for those whose CRC matches', async () => {
    expect(await fetchChecked([4, 13], true)).toEqual([true, true, false, true]);
  });

  it('leaves every batch to the consumer without scanBatchCrcs', async () => {
    expect(await fetchChecked([4, 13], false)).toEqual([false, false, false, false]);
  });

  it('leaves every batch to the consumer with a Fetch version before the flexible ones', async () => {
    expect(await fetchChecked([4, 11], true)).toEqual([false, false, false, false]);
  });
});
