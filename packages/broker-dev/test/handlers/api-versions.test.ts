import { ApiKey, decodeResponse, ErrorCode, encodeRequest } from '@samsa/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBroker } from '../../src/index.js';
import { ADVERTISED_VERSIONS } from '../../src/index.js';
import { brokerWithClient } from '../helpers/kafka.js';
import { type RawClient, rawRoundTrip } from '../helpers/raw-client.js';

let broker: RunningBroker;
let client: RawClient;

beforeAll(async () => {
  ({ broker, client } = await brokerWithClient());
});
afterAll(async () => {
  client.close();
  await broker.stop();
});

describe('ApiVersions', () => {
  it.each([0, 1, 2, 3, 4])('answers v%i with every served API', async (version) => {
    const response = await client.request(18, version, {
      clientSoftwareName: 'samsa-test',
      clientSoftwareVersion: '1.0.0',
    });
    expect(response.errorCode).toBe(0);
    expect(response.apiKeys).toEqual(ADVERTISED_VERSIONS);
  });

  it('advertises wide minimums like Kafka 4 (old librdkafka feature detection)', () => {
    const byKey = new Map(ADVERTISED_VERSIONS.map((a) => [a.apiKey, a]));
    expect(byKey.get(0)).toMatchObject({ minVersion: 0, maxVersion: 11 }); // Produce
    expect(byKey.get(1)).toMatchObject({ minVersion: 4, maxVersion: 16 }); // Fetch
    for (const key of [10, 11, 12, 13, 14, 18, 22]) expect(byKey.get(key)?.minVersion).toBe(0); // incl. InitProducerId ∋ 0
    expect(byKey.get(8)!.minVersion).toBeLessThanOrEqual(2); // OffsetCommit ∩ [1,2]
    expect(byKey.get(9)!.minVersion).toBeLessThanOrEqual(1); // OffsetFetch ∋ 1
    expect(byKey.get(2)!.minVersion).toBeLessThanOrEqual(1); // ListOffsets ∋ 1
    const served = [
      0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30,
      31, 32, 33, 36, 37, 42, 44, 47, 50, 51, 60, 61, 65, 66, 68, 69,
    ];
    expect([...byKey.keys()].sort((a, b) => a - b)).toEqual(served);
  });

  it('answers a too-new version the KIP-511 way (v0 body, UNSUPPORTED_VERSION, its own range)', async () => {
    // Encode a v3 request and relabel it v9: the broker must not try to parse the body.
    const chunks = encodeRequest(ApiKey.ApiVersions, 3, 77, 'future-client', {
      clientSoftwareName: 'x',
      clientSoftwareVersion: '1',
    });
    const frame = Buffer.concat(chunks);
    frame.writeInt16BE(9, 6);
    const raw = await rawRoundTrip(broker.bootstrap[0], frame);
    const decoded = decodeResponse(ApiKey.ApiVersions, 0, raw);
    expect(decoded.correlationId).toBe(77);
    expect(decoded.body.errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect(decoded.body.apiKeys).toEqual([{ apiKey: ApiKey.ApiVersions, minVersion: 0, maxVersion: 4 }]);
  });

  it('rejects malformed client software names (v3+) with INVALID_REQUEST', async () => {
    const response = await client.request(18, 3, {
      clientSoftwareName: '-bad name',
      clientSoftwareVersion: '1.0',
    });
    expect(response.errorCode).toBe(ErrorCode.INVALID_REQUEST);
  });
});
