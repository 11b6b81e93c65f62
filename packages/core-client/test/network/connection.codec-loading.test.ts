/**
 * Connection with API codecs loaded on first use (core-client imports @samsa/protocol/on-demand).
 * This file imports neither @samsa/protocol's root entry nor broker-dev, which would load every codec
 * (vitest gives each test file its own modules), and serves requests from a small broker of its own.
 */
import net from 'node:net';
import {
  AclOperation,
  AclPermissionType,
  ApiKey,
  decodeRequest,
  encodeResponse,
  FrameSplitter,
  loadedApiCodec,
  PatternType,
  ResourceType,
} from '@samsa/protocol/on-demand';
import { afterEach, describe, expect, it } from 'vitest';
import { testConnection } from '../helpers/connection.js';

let server: net.Server | null = null;

afterEach(() => {
  server?.close();
  server = null;
});

/** Answers ApiVersions, DescribeAcls and Heartbeat; records the API key of every request, in arrival order. */
async function startBroker(seen: number[]): Promise<number> {
  server = net.createServer((socket) => {
    const splitter = new FrameSplitter();
    socket.on('data', (chunk) =>
      splitter.push(chunk, (frame) => {
        const { header } = decodeRequest(frame);
        seen.push(header.apiKey);
        const body =
          header.apiKey === ApiKey.ApiVersions
            ? {
                errorCode: 0,
                apiKeys: [
                  { apiKey: ApiKey.ApiVersions, minVersion: 0, maxVersion: 3 },
                  { apiKey: ApiKey.DescribeAcls, minVersion: 0, maxVersion: 3 },
                  { apiKey: ApiKey.Heartbeat, minVersion: 0, maxVersion: 4 },
                ],
              }
            : header.apiKey === ApiKey.DescribeAcls
              ? { throttleTimeMs: 0, errorCode: 0, errorMessage: null, resources: [] }
              : { throttleTimeMs: 0, errorCode: 0 };
        for (const c of encodeResponse(
          header.apiKey as typeof ApiKey.ApiVersions,
          header.apiVersion,
          header.correlationId,
          body as never,
        ))
          socket.write(c);
      }),
    );
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return (server!.address() as net.AddressInfo).port;
}

describe('Connection with API codecs loaded on first use', () => {
  it('loads a codec on its API’s first request and writes requests in the order they were made', async () => {
    const seen: number[] = [];
    const c = testConnection(await startBroker(seen));
    expect(loadedApiCodec(ApiKey.ApiVersions)).toBeUndefined();
    await c.connect();
    expect(loadedApiCodec(ApiKey.ApiVersions)).toBeDefined();
    expect(loadedApiCodec(ApiKey.DescribeAcls)).toBeUndefined();

    // The first waits for its codec; the second, whose codec is loaded, still goes out after it.
    const acls = c.request(ApiKey.DescribeAcls, 1, {
      resourceTypeFilter: ResourceType.TOPIC,
      resourceNameFilter: 'orders',
      patternTypeFilter: PatternType.LITERAL,
      principalFilter: null,
      hostFilter: null,
      operation: AclOperation.ANY,
      permissionType: AclPermissionType.ANY,
    });
    const versions = c.request(ApiKey.ApiVersions, 3, {
      clientSoftwareName: 'test',
      clientSoftwareVersion: '1',
    });
    expect((await acls).resources).toEqual([]);
    expect((await versions).errorCode).toBe(0);
    expect(seen).toEqual([ApiKey.ApiVersions, ApiKey.DescribeAcls, ApiKey.ApiVersions]);

    // send() (no response) loads its codec the same way.
    await c.send(ApiKey.Heartbeat, 4, {
      groupId: 'g',
      generationId: 1,
      memberId: 'm',
      groupInstanceId: null,
    });
    expect(loadedApiCodec(ApiKey.Heartbeat)).toBeDefined();
    c.close(null);
  });
});
