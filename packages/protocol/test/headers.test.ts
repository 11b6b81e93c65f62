import { describe, expect, it } from 'vitest';
import {
  ApiKey,
  decodeResponse,
  encodeResponse,
  Reader,
  readRequestHeader,
  readResponseHeader,
  requestHeaderVersion,
  responseHeaderVersion,
  Writer,
  writeRequestHeader,
} from '../src/index.js';

describe('request headers', () => {
  it('picks v1 for non-flexible and v2 for flexible request versions', () => {
    expect(requestHeaderVersion(ApiKey.Produce, 8)).toBe(1);
    expect(requestHeaderVersion(ApiKey.Produce, 9)).toBe(2);
    expect(requestHeaderVersion(ApiKey.ApiVersions, 3)).toBe(2);
  });

  it('keeps ClientId as an INT16-length string in header v2', () => {
    const w = new Writer();
    writeRequestHeader(w, { apiKey: ApiKey.Metadata, apiVersion: 12, correlationId: 7, clientId: 'abc' });
    expect(w.toBuffer().toString('hex')).toBe(
      ['0003', '000c', '00000007', '0003', Buffer.from('abc').toString('hex'), '00'].join(''),
    );
  });

  it('round-trips v0, v1 and v2', () => {
    for (const version of [0, 1, 2] as const) {
      const w = new Writer();
      const header = {
        apiKey: ApiKey.Fetch,
        apiVersion: 12,
        correlationId: -5,
        clientId: version ? 'c' : null,
      };
      writeRequestHeader(w, header, version);
      const r = new Reader(w.toBuffer());
      expect(readRequestHeader(r, version)).toEqual(header);
      expect(r.remaining).toBe(0);
    }
  });

  it('reads the v1 prefix of requests for APIs it does not know', () => {
    const unknownApiKey = 999; // protocol-constants: allow: a key no API has
    const w = new Writer();
    writeRequestHeader(w, { apiKey: unknownApiKey, apiVersion: 3, correlationId: 1, clientId: 'x' }, 1);
    expect(readRequestHeader(new Reader(w.toBuffer()))).toEqual({
      apiKey: unknownApiKey,
      apiVersion: 3,
      correlationId: 1,
      clientId: 'x',
    });
  });
});

describe('response headers', () => {
  it('uses v1 for flexible responses except ApiVersions, which is always v0 (KIP-511)', () => {
    expect(responseHeaderVersion(ApiKey.Metadata, 9)).toBe(1);
    expect(responseHeaderVersion(ApiKey.Metadata, 8)).toBe(0);
    expect(responseHeaderVersion(ApiKey.ApiVersions, 3)).toBe(0);
    const frame = Buffer.concat(
      encodeResponse(ApiKey.ApiVersions, 3, 42, {
        errorCode: 0,
        apiKeys: [{ apiKey: ApiKey.ApiVersions, minVersion: 0, maxVersion: 4 }],
        throttleTimeMs: 0,
      }),
    ).subarray(4);
    // Correlation id, then straight into the body: no tagged-field byte after the header.
    expect(frame.readInt32BE(0)).toBe(42);
    expect(frame.readInt16BE(4)).toBe(0);
    expect(decodeResponse(ApiKey.ApiVersions, 3, frame).body.apiKeys[0].maxVersion).toBe(4);
  });

  it('skips tagged fields of response header v1', () => {
    const w = new Writer();
    w.int32(9);
    w.uvarint(1);
    w.uvarint(5);
    w.uvarint(2);
    w.int16(0);
    const r = new Reader(w.toBuffer());
    expect(readResponseHeader(r, ApiKey.Metadata, 12)).toBe(9);
    expect(r.remaining).toBe(0);
  });
});
