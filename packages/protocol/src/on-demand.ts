/**
 * `@samsa/protocol/on-demand`: everything the root entry has except the API codec objects and
 * `protocolSpec`, with no API codec loaded up front. `loadApiCodec(apiKey)` loads one on first use
 * (once per process); until then `encodeRequest`/`decodeResponse` of that API throw
 * ApiCodecNotLoadedError. A client that speaks a dozen of the 43 APIs loads a dozen.
 */

export {
  ACL_WILDCARD,
  AclOperation,
  AclPermissionType,
  CLUSTER_RESOURCE_NAME,
  PatternType,
  ResourceType,
  WILDCARD_PRINCIPAL,
} from './acl-types.js';
export {
  ApiCodecNotLoadedError,
  loadApiCodec,
  loadedApiCodec,
  registerApiCodec,
} from './codec-registry.js';
export type {
  ApiCodec,
  MessageCodec,
  MessageDecoder,
  MessageEncoder,
  RecordsInput,
  UnknownTaggedField,
} from './codec-support.js';
export * from './compression/index.js';
export * from './errors/index.js';
export {
  type DecodedRequest,
  decodeRequest,
  decodeRequestBody,
  decodeRequestHeader,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  readCorrelationId,
  UnknownApiKeyError,
  UnsupportedVersionError,
} from './frames.js';
export {
  DEFAULT_MAX_FRAME_BYTES,
  FRAME_SIZE_BYTES,
  FrameSizeError,
  FrameSplitter,
  readFrameSize,
} from './framing.js';
export * from './generated/types.js';
export {
  type RequestHeader,
  readRequestHeader,
  readResponseHeader,
  requestHeaderVersion,
  responseHeaderVersion,
  writeRequestHeader,
  writeResponseHeader,
} from './headers.js';
export { BufferPool, type BufferPoolOptions } from './io/buffer-pool.js';
export { Reader } from './io/reader.js';
export { randomUuid, uuidFromBytes, uuidToBytes, ZERO_UUID } from './io/uuid.js';
export { Writer } from './io/writer.js';
export * from './records/index.js';
export { ScramMechanism, scramMechanismName } from './scram-mechanism.js';
export type { ApiSpec, FieldDefault, FieldSpec, FieldType, MessageSpec, VersionRange } from './spec/index.js';
