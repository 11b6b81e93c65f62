import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApiKey, decodeResponse, ErrorCode, encodeResponse, type FetchResponse } from '../../src/index.js';
import {
  crcCheckedOnArrival,
  FetchCrcScanner,
  iterateRecordBatches,
  RECORD_BATCH_OVERHEAD,
  RecordBatchBuilder,
} from '../../src/records/index.js';

function batch(baseOffset: bigint, count: number, valueBytes: number): Buffer {
  const builder = new RecordBatchBuilder({ baseOffset });
  for (let i = 0; i < count; i++) {
    builder.append({ value: Buffer.alloc(valueBytes, 97 + i), timestamp: 1_700_000_000_000 + i });
  }
  return builder.build();
}

/** Damages a batch's records (in place): its CRC no longer matches. */
function breakCrc(bytes: Buffer): Buffer {
  bytes[RECORD_BATCH_OVERHEAD + 2] ^= 0xff;
  return bytes;
}

/** Kafka's topic ids: 16 bytes as 22 base64url characters. */
const TOPIC_A = Buffer.alloc(16, 1).toString('base64url');
const TOPIC_B = Buffer.alloc(16, 2).toString('base64url');

/** A Fetch response of two topics: complete, damaged, cut-off and missing records, tagged fields. */
function response(version: number): { body: FetchResponse; damaged: number } {
  const partition0 = Buffer.concat([batch(0n, 3, 700), breakCrc(batch(3n, 2, 900)), batch(5n, 4, 50)]);
  const cut = batch(40n, 5, 300);
  const partition1 = Buffer.concat([batch(20n, 2, 2000), cut.subarray(0, cut.length - 100)]);
  const partition2 = batch(60n, 1, 10);
  const topic = (name: string, partitions: FetchResponse['responses'][number]['partitions']) =>
    version >= 13 ? { topicId: name === 'a' ? TOPIC_A : TOPIC_B, partitions } : { topic: name, partitions };
  const body: FetchResponse = {
    throttleTimeMs: 0,
    errorCode: 0,
    sessionId: 7,
    responses: [
      topic('a', [
        {
          partitionIndex: 0,
          errorCode: 0,
          highWatermark: 9n,
          lastStableOffset: 9n,
          logStartOffset: 0n,
          abortedTransactions: [
            { producerId: 4n, firstOffset: 1n },
            { producerId: 5n, firstOffset: 2n },
          ],
          preferredReadReplica: -1,
          records: partition0,
        },
        {
          partitionIndex: 1,
          errorCode: 0,
          highWatermark: 45n,
          lastStableOffset: 45n,
          logStartOffset: 0n,
          currentLeader: { leaderId: 1, leaderEpoch: 3 },
          divergingEpoch: { epoch: 2, endOffset: 19n },
          abortedTransactions: null,
          preferredReadReplica: -1,
          records: partition1,
        },
        {
          partitionIndex: 2,
          errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER,
          highWatermark: -1n,
          abortedTransactions: null,
          records: null,
        },
      ]),
      topic('b', [
        {
          partitionIndex: 0,
          errorCode: 0,
          highWatermark: 61n,
          abortedTransactions: [],
          preferredReadReplica: -1,
          records: partition2,
        },
      ]),
    ],
    ...(version >= 16 && { nodeEndpoints: [{ nodeId: 1, host: 'localhost', port: 9092, rack: null }] }),
  };
  return { body, damaged: 3 };
}

/** The frame as a connection's FrameReader hands it on: from the correlation id on. */
function frameOf(version: number, body: FetchResponse): Buffer {
  return Buffer.concat(encodeResponse(ApiKey.Fetch, version, 11, body)).subarray(4);
}

/** Base offsets of the batches in the decoded response that were checked on arrival. */
function checkedBatches(version: number, frame: Buffer): bigint[] {
  const { body } = decodeResponse(ApiKey.Fetch, version, frame);
  const offsets: bigint[] = [];
  for (const t of body.responses)
    for (const p of t.partitions)
      for (const b of iterateRecordBatches(p.records ?? Buffer.alloc(0)))
        if (crcCheckedOnArrival(b.bytes)) offsets.push(b.baseOffset);
  return offsets;
}

/**
 * Fills a fresh frame buffer in pieces ending at `cuts`, the unfilled rest garbage, advancing the
 * scanner after each piece as a connection does after each socket read.
 */
function arriving(version: number, source: Buffer, cuts: number[]): Buffer {
  const frame = Buffer.alloc(source.length, 0xff);
  const scanner = FetchCrcScanner.forVersion(version, frame)!;
  let filled = 0;
  for (const cut of [...cuts, source.length]) {
    if (cut <= filled) continue;
    source.copy(frame, filled, filled, cut);
    filled = cut;
    scanner.advance(filled);
  }
  expect(scanner.stopped).toBe(true);
  return frame;
}

describe('FetchCrcScanner', () => {
  for (const version of [12, 13, 16]) {
    it(`vouches, in Fetch v${version}, for exactly the complete batches whose CRC matches`, () => {
      const { body } = response(version);
      const frame = arriving(version, frameOf(version, body), []);
      // Not 3 (damaged) and not 40 (cut at the fetch limit).
      expect(checkedBatches(version, frame)).toEqual([0n, 5n, 20n, 60n]);
    });

    it(`gives the same answer however the frame arrives (v${version})`, () => {
      const { body } = response(version);
      const source = frameOf(version, body);
      fc.assert(
        fc.property(fc.array(fc.integer({ min: 1, max: source.length - 1 }), { maxLength: 40 }), (cuts) => {
          const frame = arriving(
            version,
            source,
            [...cuts].sort((a, b) => a - b),
          );
          expect(checkedBatches(version, frame)).toEqual([0n, 5n, 20n, 60n]);
        }),
        { seed: 22, numRuns: 200 },
      );
    });
  }

  it('also follows a response arriving one byte at a time', () => {
    const { body } = response(13);
    const source = frameOf(13, body);
    const frame = arriving(
      13,
      source,
      Array.from({ length: source.length }, (_, i) => i),
    );
    expect(checkedBatches(13, frame)).toEqual([0n, 5n, 20n, 60n]);
  });

  it('leaves versions before the flexible encoding (v11 and below) to the decoder', () => {
    expect(FetchCrcScanner.forVersion(11, Buffer.alloc(100))).toBeNull();
  });

  it('stops at bytes it cannot follow, vouching for nothing after them', () => {
    const { body } = response(13);
    const frame = Buffer.from(frameOf(13, body));
    const { body: decoded } = decodeResponse(ApiKey.Fetch, 13, frame);
    // The first batch claims a length shorter than a batch header: no batch can be framed there.
    const first = decoded.responses[0].partitions[0].records!;
    first.writeInt32BE(5, 8);
    const scanner = FetchCrcScanner.forVersion(13, frame)!;
    scanner.advance(frame.length);
    expect(scanner.stopped).toBe(true);
    const later = decoded.responses[0].partitions[1].records!;
    expect([...iterateRecordBatches(later)].some((b) => crcCheckedOnArrival(b.bytes))).toBe(false);
  });

  it('knows nothing of batches it never saw', () => {
    const b = batch(0n, 2, 10);
    expect([...iterateRecordBatches(b)].map((v) => crcCheckedOnArrival(v.bytes))).toEqual([false]);
  });
});
