/**
 * Whole frames: a size-prefixed header plus body, for both directions. Encoders return the
 * frame as chunks (large record batches are referenced, not copied) to write in order;
 * decoders take one frame without its 4-byte size prefix.
 */

import { requireApiCodec } from './codec-registry.js';
import type { ApiCodec, MessageCodec } from './codec-support.js';
import { ErrorCode } from './errors/error-code.js';
import { ProtocolDecodeError, SamsaError } from './errors/samsa-error.js';
import { ApiKey, type RequestBodies, type ResponseBodies } from './generated/apis.js';
import {
  type RequestHeader,
  readRequestHeader,
  readResponseHeader,
  writeRequestHeader,
  writeResponseHeader,
} from './headers.js';
import { Reader } from './io/reader.js';
import { Writer } from './io/writer.js';

/** What error messages need to know about an API. */
interface CodecInfo {
  readonly apiKey: number;
  readonly name: string;
  readonly request: { readonly minVersion: number; readonly maxVersion: number };
}

export { ApiCodecNotLoadedError, UnknownApiKeyError } from './codec-registry.js';

/** A version outside the range this package implements for an API. */
export class UnsupportedVersionError extends SamsaError {
  readonly apiKey: number;
  readonly apiVersion: number;
  constructor(codec: CodecInfo, apiVersion: number) {
    super(
      'UNSUPPORTED_VERSION',
      `${codec.name} v${apiVersion} is not supported (Samsa implements v${codec.request.minVersion}-v${codec.request.maxVersion})`,
    );
    this.apiKey = codec.apiKey;
    this.apiVersion = apiVersion;
  }
}

function codecFor<K extends keyof RequestBodies>(apiKey: K): ApiCodec<RequestBodies[K], ResponseBodies[K]> {
  return requireApiCodec(apiKey) as ApiCodec<RequestBodies[K], ResponseBodies[K]>;
}

function encoderFor<T>(codec: CodecInfo, message: MessageCodec<T>, version: number) {
  const encode = message.encode[version];
  if (!encode) throw new UnsupportedVersionError(codec, version);
  return encode;
}

function decoderFor<T>(codec: CodecInfo, message: MessageCodec<T>, version: number) {
  const decode = message.decode[version];
  if (!decode) throw new UnsupportedVersionError(codec, version);
  return decode;
}

/** Runs a decoder, turning anything unexpected into a ProtocolDecodeError. */
function guarded<T>(what: string, decode: () => T): T {
  try {
    return decode();
  } catch (err) {
    if (err instanceof SamsaError) throw err;
    throw new ProtocolDecodeError(`malformed ${what}: ${(err as Error).message}`, undefined, { cause: err });
  }
}

export function encodeRequest<K extends keyof RequestBodies>(
  apiKey: K,
  apiVersion: number,
  correlationId: number,
  clientId: string | null,
  body: RequestBodies[K],
): Buffer[] {
  const codec = codecFor(apiKey);
  const encode = encoderFor(codec, codec.request, apiVersion);
  const w = Writer.forFrame();
  writeRequestHeader(w, { apiKey, apiVersion, correlationId, clientId });
  encode(w, body);
  return w.finishFrame();
}

export interface DecodedRequest<K extends keyof RequestBodies = keyof RequestBodies> {
  header: RequestHeader & { apiKey: K };
  body: RequestBodies[K];
}

/** Decodes just the header; `bodyOffset` is where the body starts. */
export function decodeRequestHeader(frame: Buffer): { header: RequestHeader; bodyOffset: number } {
  return guarded('request header', () => {
    const r = new Reader(frame);
    const header = readRequestHeader(r);
    return { header, bodyOffset: r.pos };
  });
}

export function decodeRequestBody<K extends keyof RequestBodies>(
  apiKey: K,
  apiVersion: number,
  frame: Buffer,
  bodyOffset: number,
): RequestBodies[K] {
  const codec = codecFor(apiKey);
  const decode = decoderFor(codec, codec.request, apiVersion);
  return guarded(`${codec.name} v${apiVersion} request`, () => decode(new Reader(frame, bodyOffset)));
}

export function decodeRequest(frame: Buffer): DecodedRequest {
  const { header, bodyOffset } = decodeRequestHeader(frame);
  const body = decodeRequestBody(header.apiKey as keyof RequestBodies, header.apiVersion, frame, bodyOffset);
  return { header, body } as DecodedRequest;
}

export function encodeResponse<K extends keyof ResponseBodies>(
  apiKey: K,
  apiVersion: number,
  correlationId: number,
  body: ResponseBodies[K],
): Buffer[] {
  const codec = codecFor(apiKey);
  const encode = encoderFor(codec, codec.response, apiVersion);
  const w = Writer.forFrame();
  writeResponseHeader(w, apiKey, apiVersion, correlationId);
  encode(w, body);
  return w.finishFrame();
}

/** The correlation id every response frame starts with, read before the rest is decoded. */
export function readCorrelationId(frame: Buffer): number {
  if (frame.length < 4) throw new ProtocolDecodeError('response frame is shorter than its correlation id', 0);
  return frame.readInt32BE(0);
}

export function decodeResponse<K extends keyof ResponseBodies>(
  apiKey: K,
  requestedVersion: number,
  frame: Buffer,
): { correlationId: number; body: ResponseBodies[K] } {
  const codec = codecFor(apiKey);
  // KIP-511: a broker that does not know the requested ApiVersions version answers in v0 format
  // with UNSUPPORTED_VERSION (and its own supported range), so the client can retry lower.
  const apiVersion =
    apiKey === ApiKey.ApiVersions &&
    frame.length >= 6 &&
    frame.readInt16BE(4) === ErrorCode.UNSUPPORTED_VERSION
      ? 0
      : requestedVersion;
  const decode = decoderFor(codec, codec.response, apiVersion);
  try {
    return guarded(`${codec.name} v${apiVersion} response`, () => {
      const r = new Reader(frame);
      const correlationId = readResponseHeader(r, apiKey, apiVersion);
      return { correlationId, body: decode(r) };
    });
  } catch (err) {
    if (apiVersion === 0 && requestedVersion !== 0) {
      // Some brokers (librdkafka 2.0.2's mock) send a body that is not valid v0 either; the
      // error code is what the client needs to retry with a lower version.
      const body = { errorCode: ErrorCode.UNSUPPORTED_VERSION, apiKeys: [], throttleTimeMs: 0 };
      return { correlationId: frame.readInt32BE(0), body: body as unknown as ResponseBodies[K] };
    }
    throw err;
  }
}
