/**
 * Request and response headers, with Kafka's quirks: request header v2 keeps ClientId as a
 * non-compact INT16-length string, and ApiVersions responses always use response header v0
 * (KIP-511) so a client can read them before it knows which versions the broker speaks.
 */
import { apiInfo } from './generated/apis.js';
import type { Reader } from './io/reader.js';
import type { Writer } from './io/writer.js';

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

const API_VERSIONS_KEY = 18;

function isFlexible(apiKey: number, apiVersion: number, direction: 'request' | 'response'): boolean {
  const flexibleFrom = apiInfo.get(apiKey)?.[direction].flexibleVersions ?? null;
  return flexibleFrom !== null && apiVersion >= flexibleFrom;
}

/** Request header version: 2 for flexible request versions, else 1. */
export function requestHeaderVersion(apiKey: number, apiVersion: number): 1 | 2 {
  return isFlexible(apiKey, apiVersion, 'request') ? 2 : 1;
}

/** Response header version: 1 for flexible response versions (never for ApiVersions), else 0. */
export function responseHeaderVersion(apiKey: number, apiVersion: number): 0 | 1 {
  if (apiKey === API_VERSIONS_KEY) return 0;
  return isFlexible(apiKey, apiVersion, 'response') ? 1 : 0;
}

/**
 * Writes a request header. The version follows from the API and its version; pass it only to
 * force one (header v0, without ClientId, is what ControlledShutdown v0 used).
 */
export function writeRequestHeader(
  w: Writer,
  header: RequestHeader,
  headerVersion: 0 | 1 | 2 = requestHeaderVersion(header.apiKey, header.apiVersion),
): void {
  w.int16(header.apiKey);
  w.int16(header.apiVersion);
  w.int32(header.correlationId);
  if (headerVersion === 0) return;
  // ClientId stays an INT16-length string even in flexible header v2.
  w.nullableString(header.clientId);
  if (headerVersion === 2) w.uvarint(0);
}

/**
 * Reads a request header. For an API key or version this package does not know, the tagged
 * fields of header v2 cannot be located, so only the common v1 prefix is read: enough for a
 * broker to answer with an error.
 */
export function readRequestHeader(r: Reader, headerVersion?: 0 | 1 | 2): RequestHeader {
  const apiKey = r.int16();
  const apiVersion = r.int16();
  const correlationId = r.int32();
  if (headerVersion === 0) return { apiKey, apiVersion, correlationId, clientId: null };
  const clientId = r.nullableString();
  if (headerVersion === 2) {
    skipTaggedFields(r);
  } else if (headerVersion === undefined) {
    const codec = apiInfo.get(apiKey);
    if (codec && apiVersion >= codec.request.minVersion && apiVersion <= codec.request.maxVersion) {
      if (requestHeaderVersion(apiKey, apiVersion) === 2) skipTaggedFields(r);
    }
  }
  return { apiKey, apiVersion, correlationId, clientId };
}

export function writeResponseHeader(
  w: Writer,
  apiKey: number,
  apiVersion: number,
  correlationId: number,
): void {
  w.int32(correlationId);
  if (responseHeaderVersion(apiKey, apiVersion) === 1) w.uvarint(0);
}

export function readResponseHeader(r: Reader, apiKey: number, apiVersion: number): number {
  const correlationId = r.int32();
  if (responseHeaderVersion(apiKey, apiVersion) === 1) skipTaggedFields(r);
  return correlationId;
}

function skipTaggedFields(r: Reader): void {
  const count = r.uvarint();
  for (let i = 0; i < count; i++) {
    r.uvarint();
    r.raw(r.uvarint());
  }
}
