/**
 * What a connection agreed with its broker about API versions: the ApiVersions exchange (with the
 * KIP-511 fallback) and, per request, the highest version both sides support.
 */
import { ApiKey, apiInfo, decodeResponse } from '@samsa/protocol/on-demand';
import { ConnectionError, ErrorCode, UnsupportedApiVersionError } from '../errors.js';
import { CLIENT_SOFTWARE_NAME, CLIENT_SOFTWARE_VERSION } from './client-software.js';

export interface VersionRange {
  min: number;
  max: number;
}

/** Sends ApiVersions at `version` and resolves with the raw response frame. */
export type ApiVersionsExchange = (
  version: number,
  body: { clientSoftwareName: string; clientSoftwareVersion: string },
) => Promise<Buffer>;

/**
 * ApiVersions at our highest version. A broker that does not know it answers UNSUPPORTED_VERSION
 * in the v0 format, with its own ApiVersions range (KIP-511): retry at that version. Fills `into`.
 */
export async function negotiateApiVersions(
  exchange: ApiVersionsExchange,
  label: string,
  into: Map<number, VersionRange>,
): Promise<void> {
  let version = apiInfo.get(ApiKey.ApiVersions)!.request.maxVersion;
  for (let attempt = 0; attempt < 3; attempt++) {
    const frame = await exchange(version, {
      clientSoftwareName: CLIENT_SOFTWARE_NAME,
      clientSoftwareVersion: CLIENT_SOFTWARE_VERSION,
    });
    // The error code is the first body field in every version (the response header is always v0).
    const errorCode = frame.length >= 6 ? frame.readInt16BE(4) : -1;
    if (errorCode === ErrorCode.UNSUPPORTED_VERSION) {
      let brokerMax = 0;
      try {
        const { body } = decodeResponse(ApiKey.ApiVersions, 0, frame);
        brokerMax = body.apiKeys.find((k) => k.apiKey === ApiKey.ApiVersions)?.maxVersion ?? 0;
      } catch {
        brokerMax = 0;
      }
      const next = Math.min(brokerMax, version - 1);
      if (next < 0 || next >= version) break;
      version = next;
      continue;
    }
    const { body } = decodeResponse(ApiKey.ApiVersions, version, frame);
    if (body.errorCode !== 0) {
      throw new ConnectionError(label, `ApiVersions failed with error code ${body.errorCode}`);
    }
    for (const k of body.apiKeys) into.set(k.apiKey, { min: k.minVersion, max: k.maxVersion });
    return;
  }
  throw new ConnectionError(label, 'the broker rejected every ApiVersions version Samsa tried');
}

/** The highest version of `apiKey` both sides support; throws if there is none. */
export function agreedVersion(apiKey: number, broker: VersionRange | undefined, label: string): number {
  const codec = apiInfo.get(apiKey);
  const name = codec?.name ?? `API ${apiKey}`;
  const ours = codec ? `v${codec.request.minVersion}-v${codec.request.maxVersion}` : 'no version';
  const theirs = broker ? `v${broker.min}-v${broker.max}` : 'no version';
  if (!codec || !broker) throw new UnsupportedApiVersionError(name, apiKey, label, theirs, ours);
  const version = Math.min(broker.max, codec.request.maxVersion);
  if (version < Math.max(broker.min, codec.request.minVersion)) {
    throw new UnsupportedApiVersionError(name, apiKey, label, theirs, ours);
  }
  return version;
}
